import { inspect } from 'node:util';
import { startTsWorker } from '@keepsake/media';
import { CursorError } from '../cursor.js';
import {
  QuotaExceededError,
  type CommitListener,
  type MetadataStore,
  type TroubleListener,
} from '../metadata-store.js';
import { Listeners } from '../listeners.js';
import { requestReads } from './request-reads.js';
import { openReader } from './database.js';
import type { StoreCall, StoreMessage } from './store-thread-worker.js';

const STORE_WORKER = new URL('./store-thread-worker.ts', import.meta.url);

/**
 * Errors callers tell apart by class, made again from their message; any other error crosses
 * the thread as a plain Error.
 */
const REVIVABLE: Record<string, new (message: string) => Error> = {
  CursorError,
  QuotaExceededError,
};

/**
 * The SQLite store in a thread of its own. better-sqlite3 is synchronous: in the main thread
 * every commit's fsync and every checkpoint would stall the event loop, and with it every
 * request, upload and push. Here the HTTP work (parsing, validation, JSON) runs beside the
 * store's on a second core, and calls still reach the store one at a time, in the order they
 * were made, exactly as they would in-process. Only the reads every request or blob transfer
 * makes (who is calling, may it read this blob) skip the queue (see below).
 */
export async function openStoreThread(file: string): Promise<MetadataStore> {
  const worker = startTsWorker(STORE_WORKER, { workerData: { file } });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const commitListeners = new Listeners<CommitListener>();
  const troubleListeners = new Listeners<TroubleListener>();
  let stopped: Error | undefined;
  let nextId = 0;

  const stop = (error: Error) => {
    stopped ??= error;
    for (const call of pending.values()) call.reject(stopped);
    pending.clear();
  };
  worker.on('message', (message: StoreMessage) => {
    if ('commit' in message) {
      commitListeners.tell(...message.commit);
      return;
    }
    if ('trouble' in message) {
      const { during, message: text } = message.trouble;
      troubleListeners.tell(during, new Error(text));
      return;
    }
    const call = pending.get(message.id);
    pending.delete(message.id);
    if ('value' in message) call?.resolve(message.value);
    else call?.reject(revive(message.error));
  });
  worker.on('error', (error: unknown) => {
    // SQLite's errors cross from the thread as plain objects holding only their code.
    const reason = error instanceof Error ? error.message : inspect(error);
    stop(new Error(`the metadata store stopped: ${reason}`));
  });
  worker.on('exit', (code) => {
    stop(new Error(`the metadata store stopped (exit code ${code})`));
  });

  const call = (method: string, args: unknown[]) =>
    new Promise((resolve, reject) => {
      if (stopped) {
        reject(stopped);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args } satisfies StoreCall);
    });

  await call('ready', []);
  // Who is calling is asked before every request does anything else, whether it may read a
  // blob before every download, and the thread may be deep in a batch's commit: these reads go
  // beside it, on a connection of this thread's own, rather than queue behind it (and cost no
  // thread handoff). Read-your-writes still holds: a write's call resolves only once it has
  // committed, and each read sees the last commit.
  const reader = openReader(file);
  const local: Partial<MetadataStore> = {
    ...requestReads(reader),
    // Ops cross as JSON text: cheaper to copy and to parse than a structured clone, and the
    // text is what the change log stores, so the thread never serialises them again.
    submitOps: (library, ops, context) =>
      call('submitOps', [library, ops.map((op) => JSON.stringify(op)), context]) as ReturnType<
        MetadataStore['submitOps']
      >,
    onCommit: (listener) => {
      commitListeners.add(listener);
    },
    onTrouble: (listener) => {
      troubleListeners.add(listener);
    },
    close: async () => {
      reader.close();
      await call('close', []);
      await worker.terminate();
    },
  };
  // Every other method is the same call in the thread. Not `then`: the store is no promise.
  return new Proxy(local, {
    get: (target, method) =>
      typeof method !== 'string' || method === 'then'
        ? undefined
        : method in target
          ? target[method as keyof MetadataStore]
          : (...args: unknown[]) => call(method, args),
  }) as MetadataStore;
}

function revive(error: { name: string; message: string }): Error {
  const Known = REVIVABLE[error.name];
  if (Known) return new Known(error.message);
  return Object.assign(new Error(error.message), { name: error.name });
}
