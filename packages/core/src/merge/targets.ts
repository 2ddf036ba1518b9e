import type { Asset } from '../model/asset.js';
import type { AssetId } from '../model/ids.js';
import { resolveAssetId, type Library } from '../model/library.js';
import { rejected, type Outcome } from '../ops/outcome.js';

export type Target = { ok: true; asset: Asset } | { ok: false; outcome: Outcome };

/**
 * The asset an op acts on, through Live Photo aliases. Purged assets answer with the
 * tombstone's reason, so a device that missed the purge learns when and by whom.
 */
export function findTarget(library: Library, id: AssetId): Target {
  const asset = library.assets.get(resolveAssetId(library, id));
  if (!asset) return { ok: false, outcome: rejected('unknown-target', `no asset ${id} in this library`) };
  if (asset.lifecycle.state === 'purged') {
    const { seq, by } = asset.lifecycle;
    return {
      ok: false,
      outcome: rejected('purged', `asset ${asset.id} was purged at seq ${seq} by device ${by}`),
    };
  }
  return { ok: true, asset };
}

/** Versions of `asset` that an op with this context had not seen. */
export function unseenVersions(asset: Asset, context: readonly string[]): string[] {
  const seen = new Set(context);
  return asset.versions.filter((v) => !seen.has(v.id)).map((v) => v.id);
}
