import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Another server holds the data directory. */
export class DataDirInUse extends Error {
  constructor(readonly dataDir: string) {
    super(
      `another Keepsake server is using the data directory ${dataDir}; stop it first, or give this one a directory of its own`,
    );
  }
}

/**
 * Holds `dataDir` for this process until `release`. Two servers on one directory would each
 * believe they alone free blobs and finish uploads. The hold is SQLite's exclusive lock on a
 * small file: an advisory lock of the operating system, so it ends with the process, however
 * the process ends, and a crash leaves nothing to clean up.
 */
export function lockDataDir(dataDir: string): { release(): void } {
  const lock = new Database(join(dataDir, 'server.lock'), { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock; in this mode it is kept after the commit.
    lock.exec('BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS held (since INTEGER); COMMIT');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUse(dataDir);
    throw error;
  }
  return { release: () => lock.close() };
}
