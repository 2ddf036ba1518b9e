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
