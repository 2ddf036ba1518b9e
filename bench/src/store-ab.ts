// `npm run bench:ab -- <module>`: a change to the SQLite store measured against the store as it
// is. Both get the same batches of the bench op stream, alternately, in one process, so the slow
// spells of a shared machine hit both alike (A/A runs read within ~5%, where separate runs
// swing by 1.5×). <module> exports `VariantStore`: a copy of SqliteMetadataStore with the change,
// kept out of the repository until it proves itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { asDeviceId, type Op } from '@keepsake/core';
import { standInBlobs } from './stand-in-blobs.js';
import { ANY_TIME, BENCH_LIBRARY, openBenchStore, type BenchStore } from './bench-store.js';
import { OpStream } from './op-stream.js';

const IMPORTS = 40_000;
const MIXED = 60_000;
const BATCH = 500;

/**
 * Wall and CPU µs per op of each store over the same batches, taking turns and swapping who goes
 * first. Wall time is what a single writer is bound by; CPU misses nothing the store does, but
 * counts the work of its background threads (checkpoints) wherever it falls, even in the other
 * store's turn.
 */
async function alternate(
  stores: readonly BenchStore[],
  ops: readonly Op[],
): Promise<{ wall: number; cpu: number }[]> {
  for (const store of stores) await store.addLibraryBlobs(BENCH_LIBRARY, standInBlobs(ops), 0);
  const spent = stores.map(() => ({ wall: 0, cpu: 0 }));
  for (let start = 0, turn = 0; start < ops.length; start += BATCH, turn++) {
    const batch = ops.slice(start, start + BATCH);
    const order = turn % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const cpuBefore = process.cpuUsage();
      const wallBefore = performance.now();
      await stores[which]?.submitOps(BENCH_LIBRARY, batch, ANY_TIME);
      const cpu = process.cpuUsage(cpuBefore);
      const total = spent[which];
      if (total) {
        total.wall += (performance.now() - wallBefore) * 1000;
        total.cpu += cpu.user + cpu.system;
      }
    }
  }
  return spent.map(({ wall, cpu }) => ({ wall: wall / ops.length, cpu: cpu / ops.length }));
}

const variantModule = process.argv[2];
if (variantModule === undefined) {
  console.error('usage: npm run bench:ab -- <module exporting VariantStore>');
  process.exit(2);
}
const { VariantStore } = (await import(pathToFileURL(resolve(variantModule)).href)) as {
  VariantStore: new (file: string) => BenchStore;
};
const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'keepsake-ab-')));
const stores = [
  await openBenchStore(dirs[0] ?? ''),
  await openBenchStore(dirs[1] ?? '', VariantStore),
];
try {
  const stream = new OpStream([asDeviceId('device-bench')]);
  await alternate(stores, [stream.createAlbum(BENCH_LIBRARY)]);
  const phases = {
    imports: Array.from({ length: IMPORTS }, () => stream.importNew()),
    'busy mix': Array.from({ length: MIXED }, (_, i) => stream.next(i)),
  };
  for (const [phase, ops] of Object.entries(phases)) {
    const [a, b] = await alternate(stores, ops);
    if (!a || !b) throw new Error('two stores, two results');
    const line = (kind: 'wall' | 'cpu') =>
      `${kind} ${a[kind].toFixed(1)} vs ${b[kind].toFixed(1)} µs/op (${(b[kind] / a[kind]).toFixed(3)})`;
    console.log(`${phase}: store vs variant, ${line('wall')}, ${line('cpu')}`);
  }
} finally {
  for (const store of stores) await store.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
