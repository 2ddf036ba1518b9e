import type { AssetView } from './api/client.js';

// What the pages show of an asset, read the way the server orders its timeline.

/** When it was taken: a date set by hand, else the current version's capture time. */
export const takenAtOf = (asset: AssetView) =>
  asset.fields.takenAtOverride ?? asset.versions[0]?.meta.takenAt ?? undefined;

/** The file name it is kept under (its first placement), for alt text and titles. */
export const nameOf = (asset: AssetView) =>
  asset.paths[0]?.split('/').pop() ?? `${asset.id.slice(0, 12)}…`;

/** The thumbnail's size, so the grid holds its place before the image arrives. */
export function thumbnailSize(asset: AssetView): { width: number; height: number } | undefined {
  const media = asset.media.render ?? asset.media.original;
  if (!media || 'pending' in media) return undefined;
  return media.derivatives.find((d) => d.role === 'thumbnail');
}

/** Why the server could not read it, if it could not. */
export function mediaError(asset: AssetView): string | undefined {
  const media = asset.media.render ?? asset.media.original;
  return media && !('pending' in media) ? media.error : undefined;
}
