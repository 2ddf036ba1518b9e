import type { Asset } from '@keepsake/core';

/**
 * The key the timeline sorts by: when the photo was taken, as a UTC instant so that photos
 * taken in different zones interleave correctly; a time without a zone is read as UTC. An
 * asset with no known capture time sorts last ('').
 */
export function timelineKey(asset: Asset): string {
  const override = asset.fields.takenAtOverride?.value;
  const takenAt = override ?? asset.versions[0]?.meta.takenAt;
  if (takenAt === undefined) return '';
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(takenAt) ? takenAt : `${takenAt}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}
