import type { MediaMeta } from '@keepsake/core';

// Small checks shared by the format readers, so each field is cleaned the same way.

export type Gps = NonNullable<MediaMeta['gps']>;
export interface PixelSize {
  readonly width: number;
  readonly height: number;
}

/** A trimmed, NUL-free, non-empty string, or nothing. */
export function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Fixed-width fields are padded with NULs or spaces.
  const text = value.replaceAll('\0', '').trim();
  return text === '' ? undefined : text;
}

/** "Make Model", without repeating the make when the model already starts with it. */
export function cameraName(make: unknown, model: unknown): string | undefined {
  const maker = cleanText(make);
  const product = cleanText(model);
  if (maker === undefined || product === undefined) return product ?? maker;
  return product.toLowerCase().startsWith(maker.toLowerCase()) ? product : `${maker} ${product}`;
}

export function pixelSize(width: unknown, height: unknown): PixelSize | undefined {
  const valid = (n: unknown): n is number =>
    typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  return valid(width) && valid(height) ? { width, height } : undefined;
}

export function gpsPoint(lat: number, lon: number, alt?: number): Gps | undefined {
  const inRange = Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  // Exactly 0,0 is what phones write when they had no fix, not a place in the Gulf of Guinea.
  if (!inRange || (lat === 0 && lon === 0)) return undefined;
  return alt !== undefined && Number.isFinite(alt) ? { lat, lon, alt } : { lat, lon };
}

export function orientationValue(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8
    ? value
    : undefined;
}
