import type { Album, Asset } from './asset.js';
import { sha256Hex } from './hash.js';
import type { OrSet } from './or-set.js';
import { stableStringify } from './stable-json.js';

const sortedOrSet = (set: OrSet): [string, [string, number][]][] =>
  [...set.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([element, tags]) => [element, [...tags.entries()].sort(([a], [b]) => (a < b ? -1 : 1))]);

/**
 * The asset's replicated state in one canonical form (sorted keys and sets). Two replicas hold
 * the same asset exactly when these strings are equal; the digest hashes them.
 */
export function canonicalAssetState(asset: Asset): string {
  return stableStringify({
    id: asset.id,
    lifecycle: asset.lifecycle,
    versions: asset.versions,
    superseded: [...asset.superseded].sort(),
    fields: asset.fields,
    paths: sortedOrSet(asset.paths),
    keywords: sortedOrSet(asset.keywords),
  });
}

export function assetStateHash(asset: Asset): string {
  return sha256Hex(canonicalAssetState(asset));
}

/** The album's replicated state in one canonical form, as canonicalAssetState is for assets. */
export function canonicalAlbumState(album: Album): string {
  return stableStringify({
    id: album.id,
    owner: album.owner,
    name: album.name,
    members: sortedOrSet(album.members),
    shares: [...album.shares.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  });
}
