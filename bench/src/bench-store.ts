import { join } from 'node:path';
import { asUserId } from '@keepsake/core';
import { SqliteMetadataStore } from '@keepsake/server';

// The SQLite store on its own, in the bench's process, with one library to submit ops to.

export const BENCH_LIBRARY = asUserId('user-bench');
/** Admits ops whatever their clocks say: the bench's are synthetic. */
export const ANY_TIME = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 0 };

/** What the benches ask of a store. */
export type BenchStore = Pick<
  SqliteMetadataStore,
  'createUser' | 'addLibraryBlobs' | 'submitOps' | 'close'
>;

/** A store of class `Store` in `dir`, holding BENCH_LIBRARY. */
export async function openBenchStore(
  dir: string,
  Store: new (file: string) => BenchStore = SqliteMetadataStore,
): Promise<BenchStore> {
  const store = new Store(join(dir, 'keepsake.db'));
  await store.createUser(
    { id: BENCH_LIBRARY, name: 'bench', passwordHash: null, isAdmin: true, quotaBytes: null },
    0,
  );
  return store;
}
