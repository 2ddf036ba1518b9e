import { timelineKeyOf, type Asset } from '@keepsake/core';

/** The key the timeline sorts an asset by: its capture time set by hand, else its current version's. */
export const timelineKey = (asset: Asset): string =>
  timelineKeyOf(asset.fields.takenAtOverride?.value ?? asset.versions[0]?.meta.takenAt);
