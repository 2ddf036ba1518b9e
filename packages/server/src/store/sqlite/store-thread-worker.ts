// Runs inside the thread of `openStoreThread`: owns the SQLite store and answers its calls one
// at a time, in the order they arrive. Batches of ops that are waiting together commit together.
import {
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import type { UserId } from '@keepsake/core';
import type { Commit, SubmitRequest } from '../metadata-store.js';
import { asError, SqliteMetadataStore } from './sqlite-metadata-store.js';

export interface StoreCall {
  readonly id: number;
  readonly method: string;
  readonly args: unknown[];
}

export type StoreMessage =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string } }
  | { readonly commit: [UserId, Commit] }
  | { readonly trouble: { readonly during: string; readonly message: string } };

if (parentPort === null) throw new Error('store-thread-worker.ts runs only inside a worker thread');
const port: MessagePort = parentPort;

const store = new SqliteMetadataStore((workerData as { file: string }).file);
const post = (message: StoreMessage) => {
  port.postMessage(message);
};
const fail = (id: number, error: unknown) => {
  const { name, message } = asError(error);
  post({ id, error: { name, message } });
};
// Posted before the reply to the call that committed, so listeners run before its caller resumes.
store.onCommit((library, commit) => {
  post({ commit: [library, commit] });
});
store.onTrouble((during, error) => {
  post({ trouble: { during, message: error.message } });
});
const methods = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

const queue: StoreCall[] = [];
let draining = false;
port.on('message', (call: StoreCall) => {
  queue.push(call);
  if (!draining) {
    draining = true;
    setImmediate(drain);
  }
});

function drain(): void {
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
    queue.push(next.message as StoreCall);
  }
  const call = queue.shift();
  if (call === undefined) {
    draining = false;
    return;
  }
  if (call.method === 'submitOps') submitTogether([call, ...takeWhileSubmits()]);
  else run(call);
  setImmediate(drain);
}

/** The submits queued right behind the first one: they join its transaction. */
function takeWhileSubmits(): StoreCall[] {
  const end = queue.findIndex((call) => call.method !== 'submitOps');
  return queue.splice(0, end === -1 ? queue.length : end);
}

function submitTogether(calls: readonly StoreCall[]): void {
  // `openStoreThread` sends each batch's ops as JSON texts.
  const requests = calls.map(({ args: [library, opsJson, context] }) => ({
    library,
    ops: (opsJson as string[]).map((text) => JSON.parse(text) as unknown),
    context,
    opsJson,
  }));
  try {
    const results = store.submitBatches(requests as SubmitRequest[]);
    calls.forEach(({ id }, i) => {
      const result = results[i];
      if (result instanceof Error) fail(id, result);
      else post({ id, value: result });
    });
  } catch (error) {
    for (const { id } of calls) fail(id, error);
  }
}

function run({ id, method, args }: StoreCall): void {
  if (method === 'ready') {
    post({ id, value: undefined });
    return;
  }
  const method_ = methods[method];
  if (typeof method_ !== 'function') {
    fail(id, new TypeError(`the store has no method ${method}`));
    return;
  }
  // The store does its work synchronously inside; the promise only carries the answer. Some
  // methods throw before making one (a bad cursor): that is an answer too, not the thread's end.
  try {
    method_.apply(store, args).then(
      (value) => {
        post({ id, value });
      },
      (error: unknown) => {
        fail(id, error);
      },
    );
  } catch (error) {
    fail(id, error);
  }
}
