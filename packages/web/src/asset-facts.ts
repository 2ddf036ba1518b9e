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

/** Not read by the server yet: its thumbnail, if it is to have one, is on its way. */
export function waitingForMedia(asset: AssetView): boolean {
  const media = asset.media.render ?? asset.media.original;
  return !media || 'pending' in media;
}

/**
 * What a tile says in place of a thumbnail: that it is being made, that the file could not be
 * read, or what it is when the server makes no picture of it (a video).
 */
export function noThumbnailText(asset: AssetView): string {
  const media = asset.media.render ?? asset.media.original;
  if (!media || 'pending' in media) return 'Preparing…';
  if (media.error !== undefined) return 'Cannot show';
  return media.kind === 'video' ? '▶ Video' : 'No preview';
}
