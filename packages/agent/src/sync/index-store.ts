import { groupKey, splitPath, type IndexEntry } from '@keepsake/core';
import type { StateDb } from '../state/agent-state.js';

/**
 * The device's index (core's `LocalIndex`) in the `local_index` table: for each path, the
 * content it was last synced at. Read a slice at a time (a folder, a name group, a hash),
 * never whole.
 */
export class IndexStore {
  readonly #q;

  constructor(db: StateDb) {
    this.#q = {
      get: db.prepare('SELECT entry FROM local_index WHERE path = ?').pluck(),
      inDir: db.prepare('SELECT path, entry FROM local_index WHERE dir = ?').raw(),
      inGroup: db.prepare('SELECT path, entry FROM local_index WHERE grp = ?').raw(),
      withHash: db.prepare('SELECT path, entry FROM local_index WHERE hash = ?').raw(),
      hashes: db.prepare('SELECT path, hash FROM local_index').raw(),
      put: db.prepare(
        `INSERT INTO local_index (path, dir, grp, hash, asset_id, entry) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET dir = excluded.dir, grp = excluded.grp,
           hash = excluded.hash, asset_id = excluded.asset_id, entry = excluded.entry`,
      ),
      ofAsset: db.prepare('SELECT path FROM local_index WHERE asset_id = ?').pluck(),
      drop: db.prepare('DELETE FROM local_index WHERE path = ?'),
      count: db.prepare('SELECT count(*) FROM local_index').pluck(),
    };
  }

  get(path: string): IndexEntry | undefined {
    const text = this.#q.get.get(path) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as IndexEntry);
  }

  inDir(dir: string): Map<string, IndexEntry> {
    return entries(this.#q.inDir.all(dir));
  }

  /** Entries whose placement is in a name group (what that group's plan is compared with). */
  inGroup(group: string): Map<string, IndexEntry> {
    return entries(this.#q.inGroup.all(group));
  }

  withHash(hash: string): Map<string, IndexEntry> {
    return entries(this.#q.withHash.all(hash));
  }

  /** Paths whose entries belong to these assets. */
  pathsOfAssets(assets: ReadonlySet<string>): string[] {
    return [...assets].flatMap((id) => this.#q.ofAsset.all(id) as string[]);
  }

  /** Every path with its hash, streamed: what a scan compares the folder with. */
  hashes(): IterableIterator<[path: string, hash: string]> {
    return this.#q.hashes.iterate() as IterableIterator<[string, string]>;
  }

  get size(): number {
    return this.#q.count.get() as number;
  }

  put(path: string, entry: IndexEntry): void {
    this.#q.put.run(
      path,
      splitPath(path).dir,
      groupKey(entry.placement),
      entry.hash,
      entry.assetId,
      JSON.stringify(entry),
    );
  }

  drop(path: string): void {
    this.#q.drop.run(path);
  }
}

const entries = (rows: unknown[]): Map<string, IndexEntry> =>
  new Map(
    (rows as [string, string][]).map(([path, text]) => [path, JSON.parse(text) as IndexEntry]),
  );
