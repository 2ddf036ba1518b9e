import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if need be) the metadata database and brings its schema up to date.
 *
 * WAL lets readers run beside the one writer. `synchronous=FULL` makes every commit durable
 * before it returns: an op is acknowledged only after its transaction is on disk, and NORMAL
 * in WAL mode may lose the last commits on power loss — exactly the acknowledged ops a device
 * has already forgotten from its outbox.
 */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // 64 MiB of page cache keeps the upper B-tree levels of a million-asset library in memory.
  db.pragma('cache_size = -65536');
  // The store checkpoints from a thread of its own (background-checkpoints.ts); this, at ~40 MiB
  // of WAL, is the backstop that restarts the WAL, and all there is when that thread is gone.
  db.pragma('wal_autocheckpoint = 10000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the database schema is version ${current}, newer than this Keepsake knows (${MIGRATIONS.length}); run a newer Keepsake`,
    );
  }
  migrateTo(db, MIGRATIONS.length);
}

/**
 * Runs `work` as a write transaction begun IMMEDIATE: the write lock is taken before its first
 * read. A deferred one that read before another connection (a maintenance command, a bench)
 * committed fails at its first write with SQLITE_BUSY_SNAPSHOT, where this waits its turn under
 * busy_timeout. Inside another transaction it is a savepoint, as every better-sqlite3 one is.
 */
export function writeTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate();
}

/**
 * Visits every asset row, a thousand at a time in row order: for migrations that compute again
 * what the store writes with each asset.
 */
export function forEachAssetRow<R extends { n: number }>(
  db: Db,
  columns: readonly (keyof R & string)[],
  visit: (row: R) => void,
): void {
  const page = db.prepare(
    `SELECT n, ${columns.join(', ')} FROM assets WHERE n > ? ORDER BY n LIMIT 1000`,
  );
  for (let after = 0; ;) {
    const rows = page.all(after) as R[];
    const last = rows.at(-1);
    if (!last) return;
    rows.forEach(visit);
    after = last.n;
  }
}

/** Applies the migrations from the database's version up to `version`, each in a transaction. */
export function migrateTo(db: Db, version: number): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let next = current; next < version; next++) {
    writeTransaction(db, () => {
      const migration = MIGRATIONS[next] ?? '';
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${next + 1}`);
    });
  }
}

/**
 * A read-only connection to the same database, beside the writer: for long sequential reads (a
 * device catching up on the change feed) and for the lookups every request starts with. Its own
 * small page cache: a scan through a million ops then neither grows the process by the main
 * cache's size nor pushes out the pages that writes keep needing. WAL lets it read while the
 * writer writes; each statement sees the last commit.
 */
export function openReader(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -4096');
  // A reader is refused only for an instant (a writer resetting the WAL's index): wait it out.
  db.pragma('busy_timeout = 2000');
  return db;
}
