// `npm run bench:ab -- <module>`: a change to the SQLite store measured against the store as it
// is. Both get the same batches of the bench op stream, alternately, in one process, so the slow
// spells of a shared machine hit both alike (A/A runs read within ~5%, where separate runs
// swing by 1.5×). <module> exports `VariantStore`: a copy of SqliteMetadataStore with the change,
// kept out of the repository until it proves itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asDeviceId, asUserId, type Op } from '@keepsake/core';
import { SqliteMetadataStore } from '@keepsake/server';
import { standInBlobs } from './bench-client.js';
import { OpStream } from './op-stream.js';

const IMPORTS = 40_000;
const MIXED = 60_000;
const BATCH = 500;
const library = asUserId('user-bench');
const context = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 0 };

/** What the comparison asks of a store. */
type Store = Pick<SqliteMetadataStore, 'createUser' | 'addLibraryBlobs' | 'submitOps' | 'close'>;
type StoreClass = new (file: string) => Store;

async function openStore(Class: StoreClass, dir: string): Promise<Store> {
  const store = new Class(join(dir, 'keepsake.db'));
  await store.createUser(
    { id: library, name: 'bench', passwordHash: null, isAdmin: true, quotaBytes: null },
    0,
  );
  return store;
}

/** CPU µs per op of each store over the same batches, taking turns and swapping who goes first. */
async function alternate(stores: readonly Store[], ops: readonly Op[]): Promise<number[]> {
  for (const store of stores) await store.addLibraryBlobs(library, standInBlobs(ops), 0);
  const cpu = stores.map(() => 0);
  for (let start = 0, turn = 0; start < ops.length; start += BATCH, turn++) {
    const batch = ops.slice(start, start + BATCH);
    const order = turn % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order) {
      const before = process.cpuUsage();
      await stores[which]?.submitOps(library, batch, context);
      const spent = process.cpuUsage(before);
      cpu[which] = (cpu[which] ?? 0) + spent.user + spent.system;
    }
  }
  return cpu.map((us) => us / ops.length);
}

const variantModule = process.argv[2];
if (variantModule === undefined) {
  console.error('usage: npm run bench:ab -- <module exporting VariantStore>');
  process.exit(2);
}
const { VariantStore } = (await import(pathToFileURL(resolve(variantModule)).href)) as {
  VariantStore: StoreClass;
};
const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'keepsake-ab-')));
const stores = [
  await openStore(SqliteMetadataStore, dirs[0] ?? ''),
  await openStore(VariantStore, dirs[1] ?? ''),
];
try {
  const stream = new OpStream([asDeviceId('device-bench')]);
  await alternate(stores, [stream.createAlbum(library)]);
  const phases = {
    imports: Array.from({ length: IMPORTS }, () => stream.importNew()),
    'busy mix': Array.from({ length: MIXED }, (_, i) => stream.next(i)),
  };
  for (const [phase, ops] of Object.entries(phases)) {
    const [a = 0, b = 0] = await alternate(stores, ops);
    console.log(
      `${phase}: store ${a.toFixed(1)} µs/op, variant ${b.toFixed(1)} µs/op, variant/store ${(b / a).toFixed(3)}`,
    );
  }
} finally {
  for (const store of stores) await store.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
