/**
 * Where a capture time sorts in a timeline: as a UTC instant, so that photos taken in different
 * zones interleave as they happened; a time without a zone is read as UTC. No capture time, or
 * one that is no date, sorts last (''). The server orders its timeline by this key and the web
 * app groups it by the key's day, so both read it from here.
 */
export function timelineKeyOf(takenAt: string | undefined): string {
  if (takenAt === undefined) return '';
  const zoned = /(Z|[+-]\d\d:?\d\d)$/.test(takenAt) ? takenAt : `${takenAt}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}
