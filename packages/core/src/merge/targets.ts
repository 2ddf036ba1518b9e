import type { Asset, Version } from '../model/asset.js';
import type { AssetId } from '../model/ids.js';
import { findAsset, type Library } from '../model/library.js';
import { rejected, type Outcome } from '../ops/outcome.js';

/** Merge rules return either the asset to act on or the outcome that ends the op. */
export const isOutcome = (value: Asset | Outcome): value is Outcome => 'status' in value;

/**
 * The asset an op acts on, through Live Photo aliases. Purged assets answer with the
 * tombstone's reason, so a device that missed the purge learns when and by whom.
 */
export function findTarget(library: Library, id: AssetId): Asset | Outcome {
  const asset = findAsset(library, id);
  if (!asset) return rejected('unknown-target', `no asset ${id} in this library`);
  if (asset.lifecycle.state === 'purged') {
    const { seq, by } = asset.lifecycle;
    return rejected('purged', `asset ${asset.id} was purged at seq ${seq} by device ${by}`);
  }
  return asset;
}

/**
 * Whether an op with this context had seen the version: named it, or named one it only added
 * companion files to. Contexts name a version or two: a linear scan beats building a Set.
 */
export function sawVersion(context: readonly string[], version: Version): boolean {
  return (
    context.includes(version.id) || (version.extends?.some((id) => context.includes(id)) ?? false)
  );
}

/** Versions of `asset` that an op with this context had not seen. */
export function unseenVersions(asset: Asset, context: readonly string[]): string[] {
  return asset.versions.filter((v) => !sawVersion(context, v)).map((v) => v.id);
}
