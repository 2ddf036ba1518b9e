// Benchmark of the merge rules in memory: how many ops one core applies per second to a
// library that already holds 100,000 assets, on the mix a busy library sees (edits,
// favorites, album adds, moves, new imports).
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  applyOp,
  asAlbumId,
  asDeviceId,
  asUserId,
  createLibrary,
  type MemoryLibrary,
} from '@keepsake/core';
import { OpStream } from './op-stream.js';
import { median } from './stats.js';

const LIBRARY_ASSETS = 100_000;
const MEASURED_OPS = 200_000;
const ROUNDS = 5;
const DEVICES = [asDeviceId('laptop0001'), asDeviceId('phone00001'), asDeviceId('desktop001')];
const ALBUM = asAlbumId('album-bench-1');

function populatedLibrary(stream: OpStream): MemoryLibrary {
  const library = createLibrary();
  applyOp(library, stream.createAlbum(asUserId('user-bench')));
  for (let i = 0; i < LIBRARY_ASSETS; i++) applyOp(library, stream.importNew());
  return library;
}

function oneRound(): number {
  const stream = new OpStream(DEVICES, ALBUM);
  const library = populatedLibrary(stream);
  const ops = Array.from({ length: MEASURED_OPS }, (_, i) => stream.next(i));
  // Settle the heap first, so the timing measures the merge rather than the garbage collector
  // promoting the freshly made input ops.
  collectGarbage();
  const start = performance.now();
  for (const op of ops) applyOp(library, op);
  const seconds = (performance.now() - start) / 1000;
  const rejected = library.log.entries.filter((e) => e.outcome.status === 'rejected').length;
  if (rejected > 0)
    throw new Error(`${rejected} ops of the benchmark mix were rejected; the mix is wrong`);
  return MEASURED_OPS / seconds;
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export function benchApplyOps(): Record<string, number> {
  oneRound(); // warm the JIT
  const rates = Array.from({ length: ROUNDS }, oneRound);
  return {
    'apply ops in memory, median of 5 (ops/s)': Math.round(median(rates)),
    'apply ops in memory, slowest of 5 (ops/s)': Math.round(Math.min(...rates)),
  };
}
