import type { Album, Asset } from './asset.js';
import type { AlbumId, AssetId, OpId } from './ids.js';
import type { LogEntry } from '../ops/outcome.js';

/**
 * One user's library: the state every replica derives by applying the change log in seq
 * order with the merge rules. The server's copy is authoritative; a device's copy is the same
 * function of the same log, so the two cannot disagree once both have applied the same seqs.
 */
export interface Library {
  readonly assets: Map<AssetId, Asset>;
  readonly albums: Map<AlbumId, Album>;
  /** The change log: entry i has seq i + 1. */
  readonly log: LogEntry[];
  readonly seqByOpId: Map<OpId, number>;
  /**
   * Live Photo pairing keys (content identifier; folder + base name) → asset(s). One id is
   * stored bare, the rare shared key as a list: most keys never pair, and a million of them
   * should not cost a million arrays.
   */
  readonly pairing: Map<string, AssetId | AssetId[]>;
}

export function createLibrary(): Library {
  return {
    assets: new Map(),
    albums: new Map(),
    log: [],
    seqByOpId: new Map(),
    pairing: new Map(),
  };
}

export const headSeq = (library: Library): number => library.log.length;

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
