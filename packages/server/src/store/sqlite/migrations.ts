import { forEachAssetRow, type Db } from './database.js';
import { decodeAsset, type Asset } from '@keepsake/core';
import { timelineKey } from '../../library/timeline.js';
import { backfillSearch } from './search-index.js';

// The SQLite schema, one migration per entry, applied in order and recorded in
// `PRAGMA user_version`. Migrations are append-only: a released one is never edited. An entry is
// SQL, or a function for what SQL cannot say (reading the assets' state as the store writes it).
//
// Keys lead with the library number, and the big tables are WITHOUT ROWID so that a library's rows
// sit together in key order: a million assets cost one B-tree walk per lookup, not a scan.
/** Counts each library's live assets by day into an empty timeline_days. */
const COUNT_TIMELINE_DAYS = `
  INSERT INTO timeline_days (library, day, count)
    SELECT library, substr(taken_at, 1, 10), count(*) FROM assets WHERE lifecycle = 'live'
    GROUP BY library, substr(taken_at, 1, 10);`;

export const MIGRATIONS: readonly (string | ((db: Db) => void))[] = [
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    quota_bytes   INTEGER,
    created_at    INTEGER NOT NULL
  );
  CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    acked_seq    INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER
  );
  CREATE INDEX devices_by_user ON devices(user_id);
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  -- A library is its owner's; inside the store it goes by a small number, which every big
  -- table and index leads with (a few bytes instead of a 21-character user id in every key).
  CREATE TABLE libraries (
    n          INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE REFERENCES users(id),
    head_seq   INTEGER NOT NULL DEFAULT 0,
    used_bytes INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE changes (
    library     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    op_id       TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    op          TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (library, seq)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX changes_by_op_id ON changes(library, op_id);
  -- A rowid table: a new asset's row is appended, not inserted at a random place by its hash;
  -- only the small (library, id) index takes the random write.
  CREATE TABLE assets (
    n           INTEGER PRIMARY KEY,
    library     INTEGER NOT NULL,
    id          TEXT NOT NULL,
    state       TEXT NOT NULL,
    lifecycle   TEXT NOT NULL,
    taken_at    TEXT NOT NULL,
    in_conflict INTEGER NOT NULL,
    updated_seq INTEGER NOT NULL,
    -- Seqs of every op that named or changed the asset, comma-separated: its history, kept in
    -- the row the op writes anyway rather than in an index of its own (one random write less).
    history     TEXT NOT NULL,
    UNIQUE (library, id)
  );
  CREATE INDEX assets_timeline ON assets(library, lifecycle, taken_at DESC, id DESC);
  -- Conflicts are few: a partial index lists them without walking the timeline.
  CREATE INDEX assets_in_conflict ON assets(library, lifecycle, taken_at DESC, id DESC)
    WHERE in_conflict = 1;
  CREATE TABLE albums (
    library    INTEGER NOT NULL,
    id         TEXT NOT NULL,
    state      TEXT NOT NULL,
    PRIMARY KEY (library, id)
  ) WITHOUT ROWID;
  CREATE TABLE album_members (
    library    INTEGER NOT NULL,
    album_id   TEXT NOT NULL,
    asset_id   TEXT NOT NULL,
    tags       TEXT NOT NULL,
    PRIMARY KEY (library, album_id, asset_id)
  ) WITHOUT ROWID;
  CREATE TABLE album_shares (
    library    INTEGER NOT NULL,
    album_id   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (library, album_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX album_shares_by_user ON album_shares(user_id);
  CREATE TABLE pairing (
    library    INTEGER NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (library, key)
  ) WITHOUT ROWID;

  CREATE TABLE blobs (
    hash       TEXT PRIMARY KEY,
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE library_blobs (
    library    INTEGER NOT NULL,
    hash       TEXT NOT NULL REFERENCES blobs(hash),
    size       INTEGER NOT NULL,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (library, hash)
  ) WITHOUT ROWID;

  -- What the server read from each blob's bytes, and the derivatives it made. Per blob, not
  -- per library: the same bytes say the same things whoever uploaded them.
  CREATE TABLE media (
    hash        TEXT PRIMARY KEY REFERENCES blobs(hash),
    kind        TEXT NOT NULL,
    file_type   TEXT,
    meta        TEXT,
    derivatives TEXT NOT NULL,
    error       TEXT,
    made_at     INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- Blobs waiting for media processing; durable, so a restart picks up where it stopped.
  CREATE TABLE media_queue (
    hash      TEXT PRIMARY KEY REFERENCES blobs(hash),
    queued_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX media_queue_in_order ON media_queue(queued_at, hash);
  -- Which blobs are thumbnails or previews of which: a derivative is freed with the last
  -- original it belongs to (two originals can make byte-identical thumbnails).
  CREATE TABLE derivatives (
    original TEXT NOT NULL REFERENCES blobs(hash),
    role     TEXT NOT NULL,
    hash     TEXT NOT NULL REFERENCES blobs(hash),
    PRIMARY KEY (original, role)
  ) WITHOUT ROWID;
  CREATE INDEX derivatives_by_hash ON derivatives(hash);
  CREATE INDEX library_blobs_by_hash ON library_blobs(hash);
  `,
  // Media records made before recordMedia wrote the derivatives table: their thumbnails and
  // previews were never freed with their originals.
  `
  INSERT OR REPLACE INTO derivatives (original, role, hash)
    SELECT m.hash, d.value ->> 'role', d.value ->> 'hash'
    FROM media AS m, json_each(m.derivatives) AS d;
  `,
  // Blob files that may exist while no record names them: being stored (an upload or a
  // thumbnail between its bytes and its record) or being deleted (forgotten, its bytes next). A
  // crash in between leaves a file only this journal knows of, and retention settles each one
  // without walking every blob file of the library.
  `
  CREATE TABLE blob_files_in_doubt (
    hash  TEXT PRIMARY KEY,
    since INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX blob_files_in_doubt_by_age ON blob_files_in_doubt(since, hash);
  `,
  // When each library first claimed each blob (added_at moves with every upload of the same
  // bytes; this never does). A library is shown only media made after its claim: media made
  // before would tell it that someone else had those bytes. A claim older than this migration
  // counts from the blob's arrival, so it keeps the media it was shown: its added_at may be later
  // than its media, which nothing would make again.
  `
  ALTER TABLE library_blobs ADD COLUMN claimed_at INTEGER;
  UPDATE library_blobs SET claimed_at = coalesce(
    (SELECT created_at FROM blobs WHERE blobs.hash = library_blobs.hash), added_at);
  `,
  // One device's ops, newest first (the sync inspector's device filter): without it, finding a
  // quiet device's few ops would walk the whole change log.
  `
  CREATE INDEX changes_by_device ON changes(library, device_id, seq);
  `,
  // The timeline's filters and search (search-index.ts): what each asset is, in columns that
  // the filters' partial indexes hold in timeline order, and its text in a full-text index. Each
  // filter walks only its own assets, newest first, as the timeline walks all of them.
  `
  ALTER TABLE assets ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE assets ADD COLUMN kind TEXT NOT NULL DEFAULT 'photo';
  -- Whether the server could not read a blob of its current version (as the library is shown it).
  ALTER TABLE assets ADD COLUMN media_error INTEGER NOT NULL DEFAULT 0;
  -- The text the full-text index holds for the row: an op that leaves it as it was (most do)
  -- leaves the index alone.
  ALTER TABLE assets ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
  -- How far into the library's log the full-text index has read (text-index.ts).
  ALTER TABLE libraries ADD COLUMN text_indexed_seq INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX assets_favorites ON assets(library, lifecycle, taken_at DESC, id DESC)
    WHERE favorite = 1;
  CREATE INDEX assets_videos ON assets(library, lifecycle, taken_at DESC, id DESC)
    WHERE kind = 'video';
  CREATE INDEX assets_live_photos ON assets(library, lifecycle, taken_at DESC, id DESC)
    WHERE kind = 'live';
  CREATE INDEX assets_media_errors ON assets(library, lifecycle, taken_at DESC, id DESC)
    WHERE media_error = 1;
  -- Keyed by the asset's row number. Contentless: the text lives in the asset's state already.
  -- Which field a word is in, not where in it: searches look for words, not phrases, and the
  -- index stays small and quick to write.
  CREATE VIRTUAL TABLE asset_text USING fts5(
    names, caption, keywords, camera,
    content = '', contentless_delete = 1, detail = column,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  -- The few blobs the server could not read: what the write path checks an asset's blobs
  -- against before it asks which of them its library is shown.
  CREATE INDEX media_errors ON media(hash) WHERE error IS NOT NULL;
  -- Which assets name a blob other than their primary original (whose hash is the asset's id):
  -- the assets whose media error a blob's new media record may change. Rows are added, never
  -- rewritten: one a version no longer names costs a needless check, never a wrong answer.
  CREATE TABLE asset_blobs (
    hash     TEXT NOT NULL,
    library  INTEGER NOT NULL,
    asset_id TEXT NOT NULL,
    PRIMARY KEY (hash, library, asset_id)
  ) WITHOUT ROWID;
  `,
  backfillSearch,
  // How many live assets each day of each library's timeline holds, kept by every write that
  // moves one: the timeline is laid out from these, in time that grows with the days, not with
  // the photos (counting a million assets' days took over a second per page load).
  `
  CREATE TABLE timeline_days (
    library INTEGER NOT NULL,
    day     TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (library, day)
  ) WITHOUT ROWID;
  ${COUNT_TIMELINE_DAYS}
  `,
  // What each device last said of itself: changes it has not had answered yet, and the last
  // error it met (the devices page shows a device stuck, not only one behind).
  `
  ALTER TABLE devices ADD COLUMN reported_at INTEGER;
  ALTER TABLE devices ADD COLUMN pending_ops INTEGER;
  ALTER TABLE devices ADD COLUMN last_error TEXT;
  `,
  // Timeline keys lead with the day the photo was taken where it was taken (timeline.ts): every
  // asset's key is computed again, and the days counted again by the new keys. A version that
  // said nothing of its time kept the key stored before it: that UTC instant was all there was
  // to go on, its day the UTC day.
  rekeyTimeline(
    (asset, stored) => timelineKey(asset) || (stored && `${stored.slice(0, 10)} ${stored}`),
  ),
  // An edit now keeps the capture time of the content it replaces (core's edit rule), and a key
  // is its asset's state's alone. A key an edit without a time had kept only because of the
  // order its ops were written in goes: the asset is shown where its state says, as every
  // replica of it would.
  rekeyTimeline(timelineKey),
];

/** Every asset's timeline key computed again by `keyOf`, and the days counted again by them. */
function rekeyTimeline(keyOf: (asset: Asset, stored: string) => string): (db: Db) => void {
  return (db) => {
    const setKey = db.prepare('UPDATE assets SET taken_at = ? WHERE n = ?');
    forEachAssetRow<{ n: number; state: string; taken_at: string }>(
      db,
      ['state', 'taken_at'],
      ({ n, state, taken_at: stored }) => {
        const key = keyOf(decodeAsset(state), stored);
        if (key !== stored) setKey.run(key, n);
      },
    );
    db.exec(`DELETE FROM timeline_days; ${COUNT_TIMELINE_DAYS}`);
  };
}
