// Runs inside a worker thread of `DerivativeWorkers`: one job at a time, one reply per job.
import { parentPort } from 'node:worker_threads';
import { makeDerivatives, type Derivative, type DerivativeLimits } from './make-derivatives.js';

export interface DerivativeJob {
  readonly file: string;
  readonly limits: DerivativeLimits;
}

const port = parentPort;
if (port === null) throw new Error('derivative-worker.ts runs only inside a worker thread');

port.on('message', (job: DerivativeJob) => {
  void makeDerivatives(job.file, job.limits).then((result) => {
    port.postMessage(result, result.ok ? movableBuffers(result.derivatives) : []);
  });
});

/**
 * The encoded bytes, to be moved to the main thread rather than copied. Only a buffer that spans
 * its whole ArrayBuffer can move: a slice of a shared pool would take its neighbours with it.
 */
function movableBuffers(derivatives: readonly Derivative[]): ArrayBuffer[] {
  return derivatives.flatMap(({ bytes }) =>
    bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength
      ? [bytes.buffer]
      : [],
  );
}
