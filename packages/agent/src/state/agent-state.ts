import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AGENT_DIR } from '../scanner/ignore-rules.js';

export type StateDb = Database.Database;

/**
 * The agent's schema, one migration per entry, applied in order and recorded in
 * `PRAGMA user_version`. Append-only: a released migration is never edited.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- What the last scan saw of each file, and the hash of its bytes then: a file whose size,
  -- modification time and inode are unchanged is not read again. Keyed by folder, then name:
  -- a scan reads one folder's rows with one query.
  CREATE TABLE file_facts (
    dir      TEXT NOT NULL,
    name     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    mtime_ms REAL NOT NULL,
    inode    INTEGER NOT NULL,
    hash     TEXT NOT NULL,
    PRIMARY KEY (dir, name)
  ) WITHOUT ROWID;
  -- A renamed or moved file keeps its inode: found by it, it is not read again either.
  CREATE INDEX file_facts_by_inode ON file_facts(inode);
  `,
  `
  -- A found file's bytes may be copied from another file of the folder instead of downloaded.
  CREATE INDEX file_facts_by_hash ON file_facts(hash);
  -- Folders where a look found something new, changed or gone, in the same transaction as the
  -- facts it recorded: the next step compares just these with the index, and a crash between
  -- the two forgets none.
  CREATE TABLE dirty_dirs (dir TEXT PRIMARY KEY) WITHOUT ROWID;

  -- Small settings of this device's sync: the replica's head, the clock, the op counter.
  CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

  -- The replica: the library as the server's change log makes it, one row per asset, album,
  -- album member and pairing key, as the server stores them (core's StoredLibrary runs over both).
  CREATE TABLE replica_assets (
    id       TEXT PRIMARY KEY,
    state    TEXT NOT NULL,
    -- 1 while the asset has more than one current version (keepsake conflicts lists them)
    conflict INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE INDEX replica_assets_in_conflict ON replica_assets(conflict) WHERE conflict = 1;
  CREATE TABLE replica_albums (id TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE replica_album_members (
    album  TEXT NOT NULL,
    member TEXT NOT NULL,
    tags   TEXT NOT NULL,
    PRIMARY KEY (album, member)
  ) WITHOUT ROWID;
  CREATE TABLE replica_pairing (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  -- Which assets claim a name group (folder + case-folded base name): the folder is planned one
  -- group at a time, from the assets that claim it.
  CREATE TABLE replica_groups (
    grp      TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    PRIMARY KEY (asset_id, grp)
  ) WITHOUT ROWID;
  CREATE INDEX replica_groups_by_group ON replica_groups(grp);
  -- Groups whose files may differ from the plan: set as changes arrive, cleared once the
  -- folder shows the plan there. Durable, so a crash between the two forgets nothing.
  CREATE TABLE unsettled_groups (grp TEXT PRIMARY KEY) WITHOUT ROWID;

  -- The device's index (core's LocalIndex): the content each path was last synced at.
  -- grp is the group of the entry's placement (what the plan is keyed by), dir the folder of
  -- its path (what a scan looks at).
  CREATE TABLE local_index (
    path     TEXT PRIMARY KEY,
    dir      TEXT NOT NULL,
    grp      TEXT NOT NULL,
    hash     TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    entry    TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX local_index_by_dir ON local_index(dir);
  CREATE INDEX local_index_by_asset ON local_index(asset_id);
  CREATE INDEX local_index_by_group ON local_index(grp);
  CREATE INDEX local_index_by_hash ON local_index(hash);

  -- The outbox: ops made here and not yet answered by the server, in the order they were made.
  -- asset_id: the asset the op is about, if any (why and a lost blob look ops up by it).
  CREATE TABLE outbox (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id    TEXT NOT NULL,
    asset_id TEXT,
    op       TEXT NOT NULL
  );
  CREATE INDEX outbox_by_asset ON outbox(asset_id) WHERE asset_id IS NOT NULL;
  -- Blobs a pending op needs on the server. The bytes wait in .keepsake/staging/<hash> (a hard
  -- link to the user's file where the file system allows), so a rename or a delete of the
  -- file before it is uploaded loses nothing; upload_url is the tus upload to resume.
  -- They go up in the order they were staged (rowid), which is the order of the ops needing
  -- them: the ops can then be sent as their blobs arrive.
  CREATE TABLE staged_blobs (
    hash       TEXT NOT NULL UNIQUE,
    size       INTEGER NOT NULL,
    upload_url TEXT
  );
  `,
  `
  -- A rename to another letter case of the same name (sync/case-folding.ts), committed before
  -- the rename and deleted with its record: a crash between the two leaves this row, not a
  -- file the next look would read as the user's move. stat is the file just before, as JSON.
  CREATE TABLE case_renames (
    from_path TEXT PRIMARY KEY,
    to_path   TEXT NOT NULL,
    entry     TEXT NOT NULL,
    stat      TEXT NOT NULL,
    hash      TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
];

/**
 * Opens (creating if need be) the agent's state in `<folder>/.keepsake/state.db`. WAL and
 * synchronous=FULL: the outbox it will hold must survive a crash or a power cut.
 */
export function openAgentState(folder: string): StateDb {
  const dir = join(folder, AGENT_DIR);
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'state.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    db.close();
    throw new Error(
      `${join(dir, 'state.db')} was written by a newer Keepsake (schema ${String(current)}); run a newer keepsake`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] ?? '');
      db.pragma(`user_version = ${String(version + 1)}`);
    })();
  }
  return db;
}
