import Database from 'better-sqlite3';
import { blobsOf, type Op, type UserId } from '@keepsake/core';
import { openDataDir } from '@keepsake/server';

// Blobs the benches' ops name, recorded as uploaded without bytes: uploading them is measured
// on its own (upload-throughput), and here it would only add minutes to every run.

/** The ops' blobs as the store records them, for stand-ins that have no bytes on disk. */
export const standInBlobs = (ops: readonly Op[]) =>
  ops.flatMap((op) => blobsOf(op).map((hash) => ({ hash, size: 1 })));

/**
 * Records the ops' blobs in the library, in the data directory of a server that is not running
 * (a second writer beside a live server would race its own writes). Their media is taken off
 * the queue: with no bytes to read, the server would spend the measured minutes failing to.
 */
export async function recordStandInBlobs(
  dataDir: string,
  library: UserId,
  ops: readonly Op[],
): Promise<void> {
  const opened = openDataDir(dataDir);
  if (!opened) throw new Error(`no Keepsake data directory at ${dataDir}`);
  await opened.store.addLibraryBlobs(library, standInBlobs(ops), 0);
  await opened.store.close();
  const db = new Database(opened.paths.database);
  db.exec('DELETE FROM media_queue');
  db.close();
}
