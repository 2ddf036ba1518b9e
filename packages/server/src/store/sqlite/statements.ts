import type Database from 'better-sqlite3';
import type { Db } from './database.js';

/** Every SQL statement of the SQLite store, prepared once per connection. */
export type Statements = ReturnType<typeof prepareStatements>;
export type Statement = Database.Statement;

/** A page of the change feed; run on a reader (`openReader`), not the writer. */
export const CHANGES_SINCE =
  'SELECT seq, op, outcome, received_at FROM changes WHERE library = ? AND seq > ? ORDER BY seq LIMIT ?';

const HEAD_SEQ = 'SELECT head_seq FROM libraries WHERE n = ?';

/**
 * Whether the blob `hash` names is held: a library claims it, or it is an original's thumbnail
 * or preview. Collection frees what nothing holds; fsck notes a record that nothing holds.
 */
const HELD = (hash: string) =>
  `(EXISTS (SELECT 1 FROM library_blobs WHERE hash = ${hash})
    OR EXISTS (SELECT 1 FROM derivatives WHERE hash = ${hash}))`;

/** Assets a garbage scan reads at a time before other calls get a turn. */
const GARBAGE_SCAN_CHUNK = 1000;

/**
 * The garbage scan, run on a reader of its own inside one read transaction: the hashes every
 * current version of a library's assets names go into a temporary table, a chunk of assets at a
 * time, and the library's blobs that arrived before a time and are not among them are the
 * candidates. The SQL twin of core's `blobHashesOf` over every asset, inside SQLite, so that a
 * million-asset library's hashes never sit in JavaScript memory.
 */
export const GARBAGE_SCAN = {
  start: 'CREATE TEMP TABLE referenced (hash TEXT PRIMARY KEY) WITHOUT ROWID',
  headSeq: HEAD_SEQ,
  chunkEnd: `SELECT max(id) FROM (SELECT id FROM assets WHERE library = ? AND id > ? ORDER BY id LIMIT ${GARBAGE_SCAN_CHUNK})`,
  collect: `INSERT OR IGNORE INTO temp.referenced
    SELECT r.value ->> 'hash'
    FROM assets AS a, json_each(a.state, '$.versions') AS v, json_each(v.value, '$.resources') AS r
    WHERE a.library = ? AND a.id > ? AND a.id <= ? AND r.value ->> 'hash' IS NOT NULL`,
  unreferenced: `SELECT hash, size FROM library_blobs
    WHERE library = ? AND added_at < ? AND hash NOT IN (SELECT hash FROM temp.referenced)
    ORDER BY hash`,
};

export function prepareStatements(db: Db) {
  const s = (sql: string) => db.prepare(sql);
  // A query of one column answers with the bare value (or undefined): no row object to build.
  const value = (sql: string) => db.prepare(sql).pluck();
  return {
    setting: value('SELECT value FROM settings WHERE key = ?'),
    putSetting: s(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteSetting: s('DELETE FROM settings WHERE key = ?'),

    insertUser: s(
      'INSERT INTO users (id, name, password_hash, is_admin, quota_bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertLibrary: s('INSERT INTO libraries (id) VALUES (?)'),
    libraryNumber: value('SELECT n FROM libraries WHERE id = ?'),
    userByName: s('SELECT * FROM users WHERE name = ?'),
    users: s('SELECT * FROM users ORDER BY name'),
    setPasswordHash: s('UPDATE users SET password_hash = ? WHERE id = ?'),

    insertDevice: s(
      'INSERT INTO devices (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    devices: s('SELECT * FROM devices WHERE user_id = ? ORDER BY created_at'),
    activeDevices: s(
      `SELECT devices.*, libraries.head_seq FROM devices
       JOIN libraries ON libraries.id = devices.user_id WHERE revoked_at IS NULL ORDER BY devices.id`,
    ),
    revokeDevice: s(
      'UPDATE devices SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
    ),
    reportDeviceStatus: s(
      'UPDATE devices SET reported_at = ?, pending_ops = ?, last_error = ? WHERE id = ?',
    ),
    deviceSeen: s(
      'UPDATE devices SET last_seen_at = ?, acked_seq = max(acked_seq, coalesce(?, acked_seq)) WHERE id = ?',
    ),

    insertSession: s('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)'),
    deleteSession: s('DELETE FROM sessions WHERE token_hash = ?'),

    headSeq: value(HEAD_SEQ),
    setHead: s('UPDATE libraries SET head_seq = ? WHERE n = ?'),
    assetState: value('SELECT state FROM assets WHERE library = ? AND id = ?'),
    albumState: value('SELECT state FROM albums WHERE library = ? AND id = ?'),
    albumStates: value('SELECT state FROM albums WHERE library = ? ORDER BY id'),
    albumMember: value(
      'SELECT tags FROM album_members WHERE library = ? AND album_id = ? AND asset_id = ?',
    ),
    albumMembers: s(
      'SELECT asset_id, tags FROM album_members WHERE library = ? AND album_id = ? ORDER BY asset_id',
    ),
    upsertAlbumMember: s(
      'INSERT INTO album_members (library, album_id, asset_id, tags) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET tags = excluded.tags',
    ),
    deleteAlbumMember: s(
      'DELETE FROM album_members WHERE library = ? AND album_id = ? AND asset_id = ?',
    ),
    deleteShares: s('DELETE FROM album_shares WHERE library = ? AND album_id = ?'),
    insertShare: s(
      'INSERT INTO album_shares (library, album_id, user_id, role) VALUES (?, ?, ?, ?)',
    ),
    sharedWith: s(
      `SELECT l.id AS library_id, s.album_id, s.role FROM album_shares s
       JOIN libraries l ON l.n = s.library WHERE s.user_id = ? ORDER BY l.id, s.album_id`,
    ),
    shareRole: value(
      'SELECT role FROM album_shares WHERE library = ? AND album_id = ? AND user_id = ?',
    ),
    memberCount: value(
      'SELECT count(*) AS n FROM album_members WHERE library = ? AND album_id = ?',
    ),
    albumAssets: s(
      `SELECT a.state FROM album_members m JOIN assets a ON a.library = m.library AND a.id = m.asset_id
       WHERE m.library = ? AND m.album_id = ? AND m.asset_id > ? AND a.lifecycle = 'live'
       ORDER BY m.asset_id LIMIT ?`,
    ),
    libraries: s('SELECT id FROM libraries ORDER BY id'),
    assetsAfter: value('SELECT state FROM assets WHERE library = ? AND id > ? ORDER BY id LIMIT ?'),
    blobsAfter: s(
      `SELECT hash, size, ${HELD('b.hash')} AS held
       FROM blobs AS b WHERE hash > ? ORDER BY hash LIMIT ?`,
    ),
    logShape: s(
      `SELECT l.id, l.head_seq, count(c.seq) AS n, max(c.seq) AS top
       FROM libraries l LEFT JOIN changes c ON c.library = l.n GROUP BY l.n`,
    ),
    pairing: value('SELECT value FROM pairing WHERE library = ? AND key = ?'),
    seqOf: value('SELECT seq FROM changes WHERE library = ? AND op_id = ?'),
    change: s('SELECT seq, op, outcome, received_at FROM changes WHERE library = ? AND seq = ?'),
    changeWithDevice: s(
      'SELECT seq, op, outcome, received_at, device_id FROM changes WHERE library = ? AND seq = ?',
    ),
    // The sync inspector's pages, newest first, between two seqs.
    logPage: s(
      `SELECT seq, op, outcome, received_at FROM changes
       WHERE library = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    deviceLogPage: s(
      `SELECT seq, op, outcome, received_at FROM changes INDEXED BY changes_by_device
       WHERE library = ? AND device_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    insertChange: s(
      'INSERT INTO changes (library, seq, op_id, device_id, op, outcome, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertAsset: s(
      `INSERT INTO assets (library, id, state, lifecycle, taken_at, in_conflict, updated_seq, history,
         favorite, kind, media_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // The search text is text-index.ts's to update, as it indexes the asset's words.
    updateAsset: s(
      `UPDATE assets SET state = ?, lifecycle = ?, taken_at = ?, in_conflict = ?, favorite = ?, kind = ?, media_error = ?, updated_seq = ?,
         history = history || ?
       WHERE library = ? AND id = ?`,
    ),
    updateAssetState: s(
      `UPDATE assets SET state = ?, updated_seq = ?, history = history || ?
       WHERE library = ? AND id = ? AND lifecycle = ? AND taken_at = ? AND in_conflict = ?
         AND favorite = ? AND kind = ? AND media_error = ?`,
    ),
    // A filter's column changed (a favorite, say), the timeline's did not: its index stays out.
    updateAssetFacets: s(
      `UPDATE assets SET state = ?, favorite = ?, kind = ?, media_error = ?, updated_seq = ?,
         history = history || ?
       WHERE library = ? AND id = ? AND lifecycle = ? AND taken_at = ? AND in_conflict = ?`,
    ),
    appendHistory: s('UPDATE assets SET history = history || ? WHERE library = ? AND id = ?'),
    assetHistory: value('SELECT history FROM assets WHERE library = ? AND id = ?'),
    upsertAlbum: s(
      'INSERT INTO albums (library, id, state) VALUES (?, ?, ?) ON CONFLICT (library, id) DO UPDATE SET state = excluded.state',
    ),
    upsertPairing: s(
      'INSERT INTO pairing (library, key, value) VALUES (?, ?, ?) ON CONFLICT (library, key) DO UPDATE SET value = excluded.value',
    ),
    // A day's count moved by `count` (a batch's net change): a day emptied keeps its row at 0.
    countDay: s(
      `INSERT INTO timeline_days (library, day, count) VALUES (?, ?, ?)
       ON CONFLICT (library, day) DO UPDATE SET count = count + excluded.count`,
    ),
    timelineOf: s('SELECT lifecycle, taken_at FROM assets WHERE library = ? AND id = ?'),
    countedDays: s(
      'SELECT day, count FROM timeline_days WHERE library = ? AND count > 0 ORDER BY day DESC',
    ),
    timelineKey: s(
      `SELECT taken_at FROM assets WHERE library = ? AND id = ? AND lifecycle = 'live'`,
    ),
    timelineNewer: value(
      `SELECT id FROM assets WHERE library = ? AND lifecycle = 'live'
       AND (taken_at > ? OR (taken_at = ? AND id > ?))
       ORDER BY taken_at, id LIMIT 1`,
    ),
    timelineOlder: value(
      `SELECT id FROM assets WHERE library = ? AND lifecycle = 'live'
       AND (taken_at < ? OR (taken_at = ? AND id < ?))
       ORDER BY taken_at DESC, id DESC LIMIT 1`,
    ),

    insertDerivative: s(
      'INSERT OR REPLACE INTO derivatives (original, role, hash) VALUES (?, ?, ?)',
    ),
    opsSince: s('SELECT seq, op FROM changes WHERE library = ? AND seq > ? ORDER BY seq'),
    // Only while the claim is still as old as the scan found it: bytes uploaded again since
    // (which refreshes added_at) were just acknowledged to a device that will name them.
    deleteStaleLibraryBlob: s(
      'DELETE FROM library_blobs WHERE library = ? AND hash = ? AND added_at < ?',
    ),
    derivativesOf: s('SELECT hash FROM derivatives WHERE original = ?'),
    deleteDerivativesOf: s('DELETE FROM derivatives WHERE original = ?'),
    // Named, as the hash appears twice in it.
    blobHeld: value(`SELECT ${HELD('@hash')}`),
    deleteMedia: s('DELETE FROM media WHERE hash = ?'),
    deleteBlob: s('DELETE FROM blobs WHERE hash = ?'),
    blobExists: s('SELECT 1 FROM blobs WHERE hash = ?'),
    blobSize: value('SELECT size FROM blobs WHERE hash = ?'),
    enqueueMedia: s('INSERT OR IGNORE INTO media_queue (hash, queued_at) VALUES (?, ?)'),
    queuedMedia: value('SELECT hash FROM media_queue ORDER BY queued_at, hash LIMIT ?'),
    dequeueMedia: s('DELETE FROM media_queue WHERE hash = ?'),
    requeueMedia: s('UPDATE media_queue SET queued_at = ? WHERE hash = ?'),
    upsertMedia: s(
      `INSERT INTO media (hash, kind, file_type, meta, derivatives, error, made_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hash) DO UPDATE SET kind = excluded.kind, file_type = excluded.file_type, meta = excluded.meta,
         derivatives = excluded.derivatives, error = excluded.error, made_at = excluded.made_at`,
    ),
    goodMediaExists: s('SELECT 1 FROM media WHERE hash = ? AND error IS NULL'),
    redateMedia: s('UPDATE media SET made_at = max(made_at, ?) WHERE hash = ?'),
    // Only what was made after the library first claimed the blob: media made before its claim
    // would tell it that someone else had the same bytes. No claim, no media.
    mediaFor: s(
      `SELECT m.kind, m.file_type, m.meta, m.derivatives, m.error
       FROM library_blobs AS c JOIN media AS m ON m.hash = c.hash
       WHERE c.library = ? AND c.hash = ? AND m.made_at >= c.claimed_at`,
    ),
    latestClaim: value('SELECT max(claimed_at) FROM library_blobs WHERE hash = ?'),
    insertBlob: s('INSERT OR IGNORE INTO blobs (hash, size, created_at) VALUES (?, ?, ?)'),
    // Holding a blob again makes it new again: garbage collection spares what arrived lately,
    // and a device that just uploaded these bytes is about to send the op naming them. Never
    // older, though: a clock stepped back must not make a claim collectable sooner. When it was
    // first claimed stays as it was (see mediaFor).
    upsertLibraryBlob: s(
      `INSERT INTO library_blobs (library, hash, size, added_at, claimed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (library, hash) DO UPDATE SET added_at = max(added_at, excluded.added_at)`,
    ),
    libraryBlob: value('SELECT 1 FROM library_blobs WHERE library = ? AND hash = ?'),
    claimedAt: value('SELECT claimed_at FROM library_blobs WHERE library = ? AND hash = ?'),
    // A claim inherited from another library's (see ClaimOptions): the earlier of the two counts.
    claimNoLaterThan: s(
      'UPDATE library_blobs SET claimed_at = min(claimed_at, ?) WHERE library = ? AND hash = ?',
    ),
    doubtBlobFile: s(
      'INSERT INTO blob_files_in_doubt (hash, since) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET since = excluded.since',
    ),
    settleBlobFile: s('DELETE FROM blob_files_in_doubt WHERE hash = ?'),
    settleStaleBlobFile: s('DELETE FROM blob_files_in_doubt WHERE hash = ? AND since < ?'),
    blobFileDoubtedSince: value('SELECT since FROM blob_files_in_doubt WHERE hash = ?'),
    blobFilesInDoubt: value(
      'SELECT hash FROM blob_files_in_doubt WHERE since < ? ORDER BY since, hash LIMIT ?',
    ),
    usedBytes: value('SELECT used_bytes FROM libraries WHERE n = ?'),
    addUsedBytes: s('UPDATE libraries SET used_bytes = used_bytes + ? WHERE n = ?'),
  };
}
