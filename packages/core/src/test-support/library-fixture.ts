// Small verbs over a library for tests: apply ops, look assets up, compare states.
import { applyOp } from '../merge/apply-op.js';
import type { Album, Asset } from '../model/asset.js';
import { canonicalAlbumState, canonicalAssetState } from '../model/asset-state.js';
import type { AssetId, VersionId } from '../model/ids.js';
import { createLibrary, type MemoryLibrary } from '../model/library.js';
import { orSetTags, type OrSet } from '../model/or-set.js';
import { stableStringify } from '../model/stable-json.js';
import type { Op } from '../ops/op-schema.js';
import type { Reply } from '../ops/outcome.js';

/** A fresh library with these ops applied in order. */
export function libraryWith(...ops: Op[]): MemoryLibrary {
  const library = createLibrary();
  for (const op of ops) applyOp(library, op);
  return library;
}

export const applyAll = (library: MemoryLibrary, ops: readonly Op[]): Reply[] =>
  ops.map((op) => applyOp(library, op));

/** The asset stored under exactly this id (no alias following); fails the test if missing. */
export function assetOf(library: MemoryLibrary, id: AssetId): Asset {
  const asset = library.assets.get(id);
  if (!asset) throw new Error(`test expected asset ${id} in the library`);
  return asset;
}

export function albumOf(library: MemoryLibrary, id: Album['id']): Album {
  const album = library.albums.get(id);
  if (!album) throw new Error(`test expected album ${id} in the library`);
  return album;
}

export const versionIds = (asset: Asset): VersionId[] => asset.versions.map((v) => v.id);

export const sortedVersionIds = (asset: Asset): VersionId[] => versionIds(asset).sort();

export const pathsOf = (asset: Asset): string[] => [...asset.paths.keys()].sort();

export const keywordsOf = (asset: Asset): string[] => [...asset.keywords.keys()].sort();

/** Every asset's canonical state, by id: two replicas agree exactly when these are equal. */
export function canonicalStates(library: MemoryLibrary): Map<AssetId, string> {
  return new Map(
    [...library.assets.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((asset) => [asset.id, canonicalAssetState(asset)]),
  );
}

export const albumState = canonicalAlbumState;

const tagsOnly = (set: OrSet): [string, string[]][] =>
  [...set.keys()].sort().map((element) => [element, orSetTags(set, element).sort()]);

/**
 * The library's state with every log position taken out. The seq an op lands at depends on
 * arrival order by construction (it orders names in the folder layout), so comparing
 * different arrival orders of concurrent ops means comparing everything else: versions (as a
 * set), superseded ids, LWW fields, lifecycle, OR-set elements with their tags, albums.
 */
export function orderFreeState(library: MemoryLibrary): string {
  const assets = [...library.assets.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((asset) => ({
      id: asset.id,
      lifecycle: { ...asset.lifecycle, seq: undefined },
      versions: [...asset.versions]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((v) => ({ ...v, seq: undefined })),
      superseded: [...asset.superseded].sort(),
      fields: asset.fields,
      paths: tagsOnly(asset.paths),
      keywords: tagsOnly(asset.keywords),
    }));
  const albums = [...library.albums.values()]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((album) => ({
      id: album.id,
      owner: album.owner,
      name: album.name,
      members: tagsOnly(album.members),
      shares: [...album.shares.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
    }));
  return stableStringify({ assets, albums });
}

/** Every ordering of `items` (keep it small: n! of them). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
