import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background connection copies the WAL's new frames into the database. */
const EVERY_MS = 50;

// Plain JavaScript, run as the worker's whole program: it needs only better-sqlite3, whose
// path the parent resolves (code evaluated in a worker resolves modules from the working
// directory, not from here).
const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
// A failure is said once, not every few milliseconds it lasts, and again after one that worked.
// As text: an SQLite error reaches the parent as its code alone.
let failing = false;
const fail = (error) => {
  if (!failing) parentPort.postMessage(String(error.message));
  failing = true;
};
let db;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 1000');
} catch (error) {
  fail(error);
}
const timer = db && setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failing = false;
  } catch (error) {
    // Another connection checkpointing (a second store on the file, fsck say) is no reason to
    // stop, nor to say so.
    if (error.code !== 'SQLITE_BUSY') fail(error);
  }
}, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db?.close();
  parentPort.close();
});
`;

/**
 * Checkpoints the database's WAL from a thread of its own, so that the writer's commits seldom
 * do it. A checkpoint copies every page the WAL holds into the database file and fsyncs it: run
 * by the writer's own auto-checkpoint, that is a stall of every waiting batch (200–300 ms on a
 * slow machine, every ~30,000 ops); passive checkpoints here copy the same pages beside the
 * writer, on the other core, and the writer's auto-checkpoint, kept as the backstop, finds little
 * left to copy before it restarts the WAL. Measured: 8–11% less wall time per op on the busy
 * mix, 9–12% on imports (docs/ARCHITECTURE.md).
 *
 * A failure here costs speed, not safety: the writer checkpoints as before. It is told to
 * `onFailure` (once until checkpoints work again), as a failing disk shows here first. Returns
 * what stops it.
 */
export function checkpointInBackground(
  file: string,
  onFailure: (error: Error) => void,
): () => Promise<void> {
  const worker = new Worker(LOOP, {
    eval: true,
    workerData: {
      file,
      everyMs: EVERY_MS,
      betterSqlite3: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
  });
  // Nothing to do on failure but say it: the writer's auto-checkpoint keeps the WAL bounded.
  worker.on('message', (message: string) => {
    onFailure(new Error(message));
  });
  worker.on('error', onFailure);
  worker.unref();
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      resolve();
    });
  });
  return async () => {
    // Held while it stops: an unref'd worker's exit would not keep the event loop waiting.
    worker.ref();
    worker.postMessage('stop');
    await exited;
  };
}
