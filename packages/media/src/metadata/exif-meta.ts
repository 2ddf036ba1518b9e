import type { MediaMeta } from '@keepsake/core';
import { appleContentIdentifier } from './apple-maker-note.js';
import { fromExifDateTime } from './capture-time.js';
import type { TagValues, TiffTags } from './exif-tags.js';
import {
  cameraName,
  cleanText,
  gpsPoint,
  orientationValue,
  pixelSize,
  type Gps,
  type PixelSize,
} from './meta-fields.js';

// What the EXIF tags say about a photo, field by field.

const TAG = {
  make: 0x010f,
  model: 0x0110,
  orientation: 0x0112,
  dateTimeOriginal: 0x9003,
  createDate: 0x9004,
  offsetTimeOriginal: 0x9011,
  offsetTimeDigitized: 0x9012,
  subSecTimeOriginal: 0x9291,
  subSecTimeDigitized: 0x9292,
  exifImageWidth: 0xa002,
  exifImageHeight: 0xa003,
  gpsLatitudeRef: 0x0001,
  gpsLatitude: 0x0002,
  gpsLongitudeRef: 0x0003,
  gpsLongitude: 0x0004,
  gpsAltitudeRef: 0x0005,
  gpsAltitude: 0x0006,
} as const;

/** Everything but the pixel size, which each container states better itself. */
export async function metaFromExif(tags: TiffTags): Promise<MediaMeta> {
  const takenAt = captureTime(tags.exif);
  const orientation = orientationValue(tags.ifd0[TAG.orientation]);
  const camera = cameraName(tags.ifd0[TAG.make], tags.ifd0[TAG.model]);
  const gps = gpsFromExif(tags.gps);
  const contentId =
    tags.makerNote === undefined ? undefined : await appleContentIdentifier(tags.makerNote);
  return {
    ...(takenAt !== undefined && { takenAt }),
    ...(orientation !== undefined && { orientation }),
    ...(camera !== undefined && { camera }),
    ...(gps !== undefined && { gps }),
    ...(contentId !== undefined && { contentId }),
  };
}

/** The size the camera declares (ExifImageWidth/Height): for RAWs, the developed image. */
export function exifImageSize(tags: TiffTags): PixelSize | undefined {
  return pixelSize(tags.exif[TAG.exifImageWidth], tags.exif[TAG.exifImageHeight]);
}

/**
 * DateTimeOriginal, else DateTimeDigitized (the same moment for a camera, the scan for a
 * scanned print). ModifyDate is when the file was last edited, so it is never used.
 */
function captureTime(exif: TagValues): string | undefined {
  const pairs = [
    [TAG.dateTimeOriginal, TAG.subSecTimeOriginal, TAG.offsetTimeOriginal],
    [TAG.createDate, TAG.subSecTimeDigitized, TAG.offsetTimeDigitized],
  ] as const;
  for (const [dateTag, subSecTag, offsetTag] of pairs) {
    const dateTime = cleanText(exif[dateTag]);
    if (dateTime === undefined) continue;
    const takenAt = fromExifDateTime(
      dateTime,
      textOrNumber(exif[subSecTag]),
      cleanText(exif[offsetTag]),
    );
    if (takenAt !== undefined) return takenAt;
  }
  return undefined;
}

/** SubSecTime is ASCII by the spec, but some writers store it as a number. */
function textOrNumber(value: unknown): string | undefined {
  return typeof value === 'number' ? String(value) : cleanText(value);
}

function gpsFromExif(gps: TagValues): Gps | undefined {
  const lat = degrees(gps[TAG.gpsLatitude]);
  const lon = degrees(gps[TAG.gpsLongitude]);
  const latRef = cleanText(gps[TAG.gpsLatitudeRef])?.toUpperCase();
  const lonRef = cleanText(gps[TAG.gpsLongitudeRef])?.toUpperCase();
  // Without the reference the hemisphere is unknown; a wrong sign is worse than no place.
  const validRefs = (latRef === 'N' || latRef === 'S') && (lonRef === 'E' || lonRef === 'W');
  if (lat === undefined || lon === undefined || !validRefs) return undefined;
  const altitude = firstNumber(gps[TAG.gpsAltitude]);
  const belowSeaLevel = firstNumber(gps[TAG.gpsAltitudeRef]) === 1;
  return gpsPoint(
    latRef === 'S' ? -lat : lat,
    lonRef === 'W' ? -lon : lon,
    altitude === undefined ? undefined : belowSeaLevel ? -altitude : altitude,
  );
}

/** Degrees, minutes, seconds (each a rational) to decimal degrees. */
function degrees(value: unknown): number | undefined {
  const parts = numbers(value);
  if (parts === undefined || parts.length === 0 || parts.length > 3) return undefined;
  const [d = 0, m = 0, s = 0] = parts;
  const result = d + m / 60 + s / 3600;
  return Number.isFinite(result) ? result : undefined;
}

function firstNumber(value: unknown): number | undefined {
  return numbers(value)?.[0];
}

/** A number, or a list of them (exifr gives arrays or typed arrays). */
function numbers(value: unknown): number[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? [value] : undefined;
  const list: unknown[] | undefined = Array.isArray(value)
    ? value
    : value instanceof Uint8Array || value instanceof Uint16Array || value instanceof Uint32Array
      ? Array.from(value)
      : undefined;
  if (list === undefined) return undefined;
  return list.every((n): n is number => typeof n === 'number' && Number.isFinite(n))
    ? list
    : undefined;
}
