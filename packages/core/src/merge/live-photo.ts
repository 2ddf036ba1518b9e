import type { Asset, MediaMeta } from '../model/asset.js';
import type { AssetId } from '../model/ids.js';
import type { Library } from '../model/library.js';
import { splitPath } from '../model/library-path.js';

// Live Photo pairing (DESIGN §3): the still and its video are one asset, whichever arrives
// first and from whichever device. Apple's content identifier decides when both halves carry
// it; otherwise the same folder and base name with capture times within one second.

const VIDEO_EXTS = new Set(['mov', 'mp4', 'm4v']);
const STILL_EXTS = new Set(['heic', 'heif', 'jpg', 'jpeg']);
export const PAIRING_WINDOW_MS = 1000;

export const isVideoExt = (ext: string): boolean => VIDEO_EXTS.has(ext.toLowerCase());
export const isStillExt = (ext: string): boolean => STILL_EXTS.has(ext.toLowerCase());

export function pairingKeys(meta: MediaMeta, path: string): string[] {
  const { dir, base } = splitPath(path);
  const keys = [`name:${dir}${base.toLowerCase()}`];
  if (meta.contentId !== undefined) keys.push(`cid:${meta.contentId}`);
  return keys;
}

/** Do two halves belong together? Content identifiers, when both have one, are decisive. */
export function isLivePair(
  a: { meta: MediaMeta; path: string },
  b: { meta: MediaMeta; path: string },
): boolean {
  if (a.meta.contentId !== undefined && b.meta.contentId !== undefined) {
    return a.meta.contentId === b.meta.contentId;
  }
  const pa = splitPath(a.path);
  const pb = splitPath(b.path);
  if (pa.dir !== pb.dir || pa.base.toLowerCase() !== pb.base.toLowerCase()) return false;
  if (a.meta.takenAt === undefined || b.meta.takenAt === undefined) return false;
  return Math.abs(Date.parse(a.meta.takenAt) - Date.parse(b.meta.takenAt)) <= PAIRING_WINDOW_MS;
}

function idsUnder(library: Library, key: string): readonly AssetId[] {
  const ids = library.pairing.get(key);
  return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids;
}

export function indexForPairing(library: Library, id: AssetId, keys: readonly string[]): void {
  for (const key of keys) {
    const ids = idsUnder(library, key);
    if (ids.length === 0) library.pairing.set(key, id);
    else if (!ids.includes(id)) library.pairing.set(key, [...ids, id]);
  }
}

/**
 * An asset that could take the other half: live, one version holding its original alone. A
 * half with an edit or a sidecar stays an asset of its own: folding it in would drop them, and
 * loss is worse than an unpaired Live Photo.
 */
function canTakeHalf(asset: Asset, wantsVideo: boolean): boolean {
  if (asset.lifecycle.state !== 'live' || asset.versions.length !== 1) return false;
  const resources = asset.versions[0]?.resources;
  if (!resources || Object.keys(resources).length !== 1) return false;
  return wantsVideo ? isStillExt(resources.original.ext) : isVideoExt(resources.original.ext);
}

/**
 * The existing asset the incoming half pairs with, if any. Candidates are checked against
 * every placement they have, and the result is the smallest id so every replica agrees.
 */
export function findLivePartner(
  library: Library,
  keys: readonly string[],
  incoming: { meta: MediaMeta; path: string; isVideo: boolean },
): Asset | undefined {
  if (!keys.some((key) => library.pairing.has(key))) return undefined; // most imports pair with nothing
  const candidates = keys.flatMap((key) => idsUnder(library, key));
  const matches: Asset[] = [];
  for (const id of candidates) {
    const asset = library.assets.get(id);
    if (!asset || !canTakeHalf(asset, incoming.isVideo)) continue;
    const meta = asset.versions[0]?.meta ?? {};
    if ([...asset.paths.keys()].some((path) => isLivePair(incoming, { meta, path }))) {
      matches.push(asset);
    }
  }
  matches.sort((a, b) => (a.id < b.id ? -1 : 1));
  return matches[0];
}

/** Remembers which asset holds a video as its Live half, so no second asset can claim it. */
export function recordLiveHalf(library: Library, videoHash: string, still: AssetId): void {
  library.pairing.set(`live:${videoHash}`, still);
}

/** The live asset that already holds this video as its Live half, if any. */
export function holderOfLiveHalf(library: Library, videoHash: string): Asset | undefined {
  for (const id of idsUnder(library, `live:${videoHash}`)) {
    const asset = library.assets.get(id);
    if (
      asset?.lifecycle.state === 'live' &&
      asset.versions.some((v) => v.resources.live?.hash === videoHash)
    )
      return asset;
  }
  return undefined;
}
