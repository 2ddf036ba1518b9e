import { isVideoExt } from '@keepsake/core';
import type { AssetView } from '../api/client.js';

// What of an asset moves, read as the server's motion route reads it (a Live Photo's video
// half, or a video's current rendition).

export type Motion = 'live' | 'video' | undefined;

export function motionOf(asset: AssetView): Motion {
  const resources = asset.versions[0]?.resources;
  if (resources?.live) return 'live';
  const shown = resources?.render ?? resources?.original;
  return shown && isVideoExt(shown.ext) ? 'video' : undefined;
}

export const motionUrl = (id: string) => `/api/v1/assets/${encodeURIComponent(id)}/motion`;
