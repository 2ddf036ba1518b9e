// sharp must be loaded by the main thread before any worker loads it: on glibc Linux a worker's
// exit would otherwise unload libvips under its other threads (lovell/sharp#2263).
import 'sharp';
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../ts-worker.js';
import type { DerivativeJob } from './derivative-worker.js';
import {
  DEFAULT_DERIVATIVE_LIMITS,
  type Derivative,
  type DerivativeLimits,
  type DerivativeResult,
} from './make-derivatives.js';

const DERIVATIVE_WORKER = new URL('./derivative-worker.ts', import.meta.url);

/** A result as it arrives from a worker: structured cloning turns its Buffers into Uint8Arrays. */
type WorkerReply =
  | {
      readonly ok: true;
      readonly derivatives: readonly (Omit<Derivative, 'bytes'> & { readonly bytes: Uint8Array })[];
    }
  | { readonly ok: false; readonly error: string };

interface Slot {
  readonly worker: Worker;
  job: RunningJob | undefined;
  /** Why the worker failed, from its 'error' event, for the job it was running when it exited. */
  failure: string | undefined;
}

interface RunningJob {
  readonly settle: (result: DerivativeResult) => void;
  readonly timer: NodeJS.Timeout;
}

interface QueuedJob extends DerivativeJob {
  readonly settle: (result: DerivativeResult) => void;
}

export interface DerivativeWorkersOptions {
  /** The module each worker imports; tests swap in one that misbehaves. */
  readonly workerModule?: URL;
}

/**
 * Runs `makeDerivatives` in up to `size` worker threads, so that decoding never blocks the main
 * thread and a decoder that hangs or throws costs one worker, not the server (DESIGN §8). A worker
 * that exceeds `limits.timeoutMs` is terminated; a dead worker is replaced on demand. Jobs wait in
 * order for a free worker. Like `makeDerivatives`, never rejects. A native crash in libvips would
 * still end the whole process: threads share it.
 */
export class DerivativeWorkers {
  readonly #size: number;
  readonly #workerModule: URL;
  readonly #slots = new Set<Slot>();
  readonly #queue: QueuedJob[] = [];
  #closed = false;

  constructor(size: number, { workerModule = DERIVATIVE_WORKER }: DerivativeWorkersOptions = {}) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`worker pool size must be a positive integer, got ${size}`);
    }
    this.#size = size;
    this.#workerModule = workerModule;
  }

  make(
    file: string,
    limits: DerivativeLimits = DEFAULT_DERIVATIVE_LIMITS,
  ): Promise<DerivativeResult> {
    if (this.#closed) return Promise.resolve({ ok: false, error: 'derivative workers are closed' });
    return new Promise((settle) => {
      this.#queue.push({ file, limits, settle });
      this.#dispatch();
    });
  }

  /** Stops every worker; jobs still queued or running resolve with ok:false. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.settle({ ok: false, error: 'derivative workers are closed' });
    }
    await Promise.all([...this.#slots].map((slot) => slot.worker.terminate()));
  }

  #dispatch(): void {
    for (let job = this.#queue[0]; job !== undefined; job = this.#queue[0]) {
      const slot = this.#idleSlot() ?? this.#spawn();
      if (slot === undefined) return;
      this.#queue.shift();
      this.#start(slot, job);
    }
  }

  #idleSlot(): Slot | undefined {
    for (const slot of this.#slots) if (slot.job === undefined) return slot;
    return undefined;
  }

  #spawn(): Slot | undefined {
    if (this.#closed || this.#slots.size >= this.#size) return undefined;
    const worker = startTsWorker(this.#workerModule);
    const slot: Slot = { worker, job: undefined, failure: undefined };
    worker.on('message', (reply: WorkerReply) => {
      this.#finish(slot, revive(reply));
    });
    // Without an 'error' listener a worker's uncaught exception would be rethrown here.
    worker.on('error', (error) => {
      slot.failure = error.message;
    });
    worker.on('exit', (code) => {
      this.#slots.delete(slot);
      const reason = slot.failure ?? `exit code ${code}`;
      this.#finish(slot, { ok: false, error: `derivative worker stopped (${reason})` });
    });
    this.#slots.add(slot);
    return slot;
  }

  #start(slot: Slot, { file, limits, settle }: QueuedJob): void {
    const timer = setTimeout(() => {
      // Out of service at once, so that a fresh worker can take its place while it stops.
      this.#slots.delete(slot);
      this.#finish(slot, { ok: false, error: `decoding took longer than ${limits.timeoutMs} ms` });
      void slot.worker.terminate();
    }, limits.timeoutMs);
    slot.job = { settle, timer };
    const job: DerivativeJob = { file, limits };
    slot.worker.postMessage(job);
  }

  /** Settles the slot's running job, if any, and hands the freed capacity to the queue. */
  #finish(slot: Slot, result: DerivativeResult): void {
    const job = slot.job;
    if (job === undefined) return;
    slot.job = undefined;
    clearTimeout(job.timer);
    job.settle(result);
    this.#dispatch();
  }
}

function revive(reply: WorkerReply): DerivativeResult {
  if (!reply.ok) return reply;
  const derivatives = reply.derivatives.map(({ bytes, ...rest }) => ({
    ...rest,
    bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  }));
  return { ok: true, derivatives };
}
