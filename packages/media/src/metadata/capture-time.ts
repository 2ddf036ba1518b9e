// Capture times as ISO 8601 strings: with an offset when the file states the zone, local
// (no offset) when it does not. Guessing a zone would shift the photo by hours, so we never do.

const EXIF_DATE_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
/** Seconds may be left out, as XMP allows. */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
const SUB_SECONDS = /^\d{1,9}$/;

/** Seconds from 1904-01-01 (the QuickTime epoch) to 1970-01-01. */
const QUICKTIME_EPOCH_OFFSET = 2_082_844_800;

function localPart(fields: readonly string[]): string | undefined {
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = fields.map(Number);
  // Cameras without a clock write zeros; Date.UTC rolls 31 April into May, which we refuse.
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    year >= 1800 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  if (!valid) return undefined;
  return `${fields.slice(0, 3).join('-')}T${fields.slice(3, 6).join(':')}`;
}

/** "+0100" → "+01:00"; "Z" stays; anything else (blank, "   :  ") is no offset at all. */
function normalizeOffset(offset: string | undefined): string | undefined {
  const value = offset?.trim();
  if (value === 'Z') return 'Z';
  const match = value === undefined ? null : OFFSET.exec(value);
  if (match === null) return undefined;
  const [, sign = '', hours = '', minutes = ''] = match;
  if (Number(hours) > 14 || Number(minutes) > 59) return undefined;
  return `${sign}${hours}:${minutes}`;
}

/** EXIF "2023:10:22 09:39:48" with its SubSecTime and OffsetTime tags. */
export function fromExifDateTime(
  dateTime: string,
  subSeconds?: string,
  offset?: string,
): string | undefined {
  const match = EXIF_DATE_TIME.exec(dateTime.trim());
  const local = match === null ? undefined : localPart(match.slice(1));
  if (local === undefined) return undefined;
  const fraction = subSeconds?.trim();
  const withFraction =
    fraction !== undefined && SUB_SECONDS.test(fraction) ? `${local}.${fraction}` : local;
  return withFraction + (normalizeOffset(offset) ?? '');
}

/** ISO-style stamps as QuickTime keys and XMP write them, e.g. "2021-04-10T11:43:59+0100". */
export function fromIsoDateTime(value: string): string | undefined {
  const match = ISO_DATE_TIME.exec(value.trim());
  if (match === null) return undefined;
  const [
    ,
    year = '',
    month = '',
    day = '',
    hour = '',
    minute = '',
    second = '00',
    fraction,
    offset,
  ] = match;
  const local = localPart([year, month, day, hour, minute, second]);
  if (local === undefined) return undefined;
  return local + (fraction ?? '') + (normalizeOffset(offset) ?? '');
}

/** A QuickTime mvhd time (seconds since 1904, UTC by the spec). Zero and pre-1970 mean unset. */
export function fromQuickTimeSeconds(seconds: number): string | undefined {
  const unixSeconds = seconds - QUICKTIME_EPOCH_OFFSET;
  if (unixSeconds <= 0 || !Number.isSafeInteger(unixSeconds)) return undefined;
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

const XMP_DATE_TIME_ORIGINAL = /exif:DateTimeOriginal(?:="([^"]*)"|>([^<]*)<)/;

/** exif:DateTimeOriginal from an XMP packet, as an attribute or an element. */
export function xmpCaptureTime(xmp: string): string | undefined {
  const match = XMP_DATE_TIME_ORIGINAL.exec(xmp);
  const value = match?.[1] ?? match?.[2];
  return value === undefined ? undefined : fromIsoDateTime(value);
}
