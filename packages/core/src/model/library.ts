import type { Album, Asset } from './asset.js';
import type { AlbumId, AssetId, OpId } from './ids.js';
import type { LogEntry } from '../ops/outcome.js';

/** The slice of a Map the merge rules need, so a store can back a library without holding it. */
export interface Table<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  has(key: K): boolean;
}

/** The change log as the merge rules see it: gap-free seqs from 1, findable by op id. */
export interface ChangeLog {
  /** The seq of the last entry; 0 while the log is empty. */
  readonly head: number;
  entry(seq: number): LogEntry | undefined;
  seqOf(opId: OpId): number | undefined;
  append(entry: LogEntry): void;
}

/**
 * One user's library: the state every replica derives by applying the change log in seq
 * order with the merge rules. The server's copy is authoritative; a device's copy is the same
 * function of the same log, so the two cannot disagree once both have applied the same seqs.
 *
 * The rules reach the library only through these narrow tables, so the server can run them
 * over a database (loading the few rows a batch touches) and everything else over memory.
 */
export interface Library {
  readonly assets: Table<AssetId, Asset>;
  /** Albums are few per library; a Live Photo fold walks them all. */
  readonly albums: Table<AlbumId, Album> & { values(): Iterable<Album> };
  /**
   * Live Photo pairing keys (content identifier; folder + base name) → asset(s). One id is
   * stored bare, the rare shared key as a list: most keys never pair, and a million of them
   * should not cost a million arrays.
   */
  readonly pairing: Table<string, AssetId | AssetId[]>;
  readonly log: ChangeLog;
}

/** A change log held in memory: the device's replica, the simulation, tests. */
export class MemoryLog implements ChangeLog {
  /** Entry i has seq i + 1. */
  readonly entries: LogEntry[] = [];
  readonly #seqByOpId = new Map<OpId, number>();

  get head(): number {
    return this.entries.length;
  }

  entry(seq: number): LogEntry | undefined {
    return this.entries[seq - 1];
  }

  seqOf(opId: OpId): number | undefined {
    return this.#seqByOpId.get(opId);
  }

  append(entry: LogEntry): void {
    this.entries.push(entry);
    this.#seqByOpId.set(entry.op.opId, entry.seq);
  }
}

/** A library held wholly in memory. */
export interface MemoryLibrary extends Library {
  readonly assets: Map<AssetId, Asset>;
  readonly albums: Map<AlbumId, Album>;
  readonly pairing: Map<string, AssetId | AssetId[]>;
  readonly log: MemoryLog;
}

export function createLibrary(): MemoryLibrary {
  return {
    assets: new Map(),
    albums: new Map(),
    pairing: new Map(),
    log: new MemoryLog(),
  };
}

export const headSeq = (library: Library): number => library.log.head;

/** The asset that now holds an id's content, following Live Photo aliases. */
export function findAsset(library: Library, id: AssetId): Asset | undefined {
  let asset = library.assets.get(id);
  for (let hops = 0; hops < 8 && asset?.lifecycle.state === 'aliased'; hops++) {
    asset = library.assets.get(asset.lifecycle.to);
  }
  return asset;
}

/** Follows Live Photo aliases to the id of the asset that now holds the content. */
export function resolveAssetId(library: Library, id: AssetId): AssetId {
  return findAsset(library, id)?.id ?? id;
}
