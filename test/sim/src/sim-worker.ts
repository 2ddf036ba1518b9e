import { parentPort, workerData } from 'node:worker_threads';
import { runSeed } from './run-seed.js';

// Runs the seeds it is handed and reports each result; the CLI spreads seeds over workers.
interface Job {
  readonly seeds: readonly number[];
  readonly ops: number;
  readonly devices: number | undefined;
}

const { seeds, ops, devices } = workerData as Job;
for (const seed of seeds) {
  const { violations, ticks, logLength } = runSeed({ seed, ops, ...(devices ? { devices } : {}) });
  parentPort?.postMessage({ seed, violations, ticks, logLength });
}
