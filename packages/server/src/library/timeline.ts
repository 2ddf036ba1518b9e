import type { Asset } from '@keepsake/core';

/**
 * The key the timeline sorts by: the day the photo was taken, as the camera recorded it where it
 * was taken, then the UTC instant it was taken at ('2024-05-01 2024-04-30T23:30:00.000Z' for
 * '2024-05-01T01:30:00+02:00'). A time without a zone is read as UTC. An asset with no known
 * capture time sorts last ('').
 *
 * Days lead because people remember photos by the date they lived them: keyed by the instant
 * alone, every photo taken after 5 pm in California would be grouped with the next day. Within
 * a day the instant orders them, so photos taken in different zones interleave as they were
 * taken. Both parts have a fixed width, so the key's first ten characters are its day and keys
 * compare as strings.
 */
export function timelineKey(asset: Asset): string {
  const override = asset.fields.takenAtOverride?.value;
  const takenAt = override ?? asset.versions[0]?.meta.takenAt;
  if (takenAt === undefined) return '';
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(takenAt) ? takenAt : `${takenAt}Z`;
  const ms = Date.parse(zoned);
  const day = /^\d{4}-\d\d-\d\d/.exec(takenAt)?.[0];
  if (Number.isNaN(ms) || day === undefined) return '';
  return `${day} ${new Date(ms).toISOString()}`;
}

/** The day a timeline key is grouped under ('' for no capture time). */
export const dayOfKey = (key: string): string => key.slice(0, 10);
