import type { Asset } from '../model/asset.js';
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

/** Versions of `asset` that an op with this context had not seen. */
export function unseenVersions(asset: Asset, context: readonly string[]): string[] {
  const seen = new Set(context);
  return asset.versions.filter((v) => !seen.has(v.id)).map((v) => v.id);
}
