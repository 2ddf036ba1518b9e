import { open, readFile } from 'node:fs/promises';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { decodeHeif } from './decode-heif.js';
import { gifCanvas } from './gif-canvas.js';
import { assertWithinPixelLimit } from './pixel-limit.js';
import { SNIFF_LENGTH, sniffImageFormat, type ImageFormat } from './sniff-image.js';
import { tiffIsCameraRaw } from './tiff-camera-raw.js';
import { pngWithIccProfile } from './with-icc-profile.js';

export interface Derivative {
  readonly role: 'thumbnail' | 'preview';
  readonly bytes: Buffer;
  readonly format: 'webp' | 'jpeg';
  readonly width: number;
  readonly height: number;
}

export type DerivativeResult =
  | { readonly ok: true; readonly derivatives: readonly Derivative[] }
  | { readonly ok: false; readonly error: string };

export interface DerivativeLimits {
  /** Images whose header declares more pixels than this are refused before decoding. */
  readonly maxPixels: number;
  /**
   * Wall-clock budget for one file. `DerivativeWorkers` enforces it by terminating the worker;
   * a direct `makeDerivatives` call can only pass it to sharp (in whole seconds), and cannot
   * interrupt the HEIC decoder.
   */
  readonly timeoutMs: number;
}

export const DEFAULT_DERIVATIVE_LIMITS: DerivativeLimits = {
  maxPixels: 100_000_000,
  timeoutMs: 30_000,
};

const SIZES = [
  { role: 'thumbnail', longEdge: 320 },
  { role: 'preview', longEdge: 1600 },
] as const;
const LARGEST_EDGE = Math.max(...SIZES.map((size) => size.longEdge));

const WEBP_QUALITY = 80;

const NOT_A_STILL = 'no derivatives for this kind of file';

/**
 * Makes a ~320 px (long edge) thumbnail and a ~1600 px preview of a still image, auto-rotated by
 * EXIF orientation, never upscaled. Never throws for bad input.
 */
export async function makeDerivatives(
  file: string,
  limits: DerivativeLimits = DEFAULT_DERIVATIVE_LIMITS,
): Promise<DerivativeResult> {
  let format: ImageFormat | undefined;
  let bytes: Buffer;
  try {
    // Sniff first so that a multi-gigabyte video is refused without being read.
    format = sniffImageFormat(await readHead(file));
    if (format === undefined) return { ok: false, error: NOT_A_STILL };
    bytes = await readFile(file);
  } catch (error) {
    return { ok: false, error: `cannot read file: ${messageOf(error)}` };
  }
  if (format === 'tiff' && tiffIsCameraRaw(bytes)) return { ok: false, error: NOT_A_STILL };
  try {
    const image = await openImage(bytes, format, limits.maxPixels);
    const derivatives = await Promise.all(SIZES.map((size) => render(image, size, limits)));
    return { ok: true, derivatives };
  } catch (error) {
    return { ok: false, error: `cannot decode image: ${messageOf(error)}` };
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(SNIFF_LENGTH);
    const { bytesRead } = await handle.read({ buffer: head, position: 0 });
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A sharp pipeline on the upright image. Refused, undecoded, if it declares too many pixels. */
async function openImage(bytes: Buffer, format: ImageFormat, maxPixels: number): Promise<Sharp> {
  const options: SharpOptions = {
    // sharp compares the header's width × height with this before it decodes anything.
    limitInputPixels: maxPixels,
    // Cameras and editors write small, harmless defects ("extraneous bytes before marker") that
    // browsers display fine; refuse only images whose pixel data is actually broken.
    failOn: 'error',
    autoOrient: true,
  };
  if (format === 'heif') {
    const image = await decodeHeif(bytes, maxPixels);
    if (image.icc === undefined) {
      const { width, height, data } = image;
      return sharp(data, { ...options, raw: { width, height, channels: 4 } });
    }
    // Taken as sRGB, an iPhone's Display P3 colours would come out dull: say which they are.
    return sharp(await pngWithIccProfile(image, image.icc, LARGEST_EDGE), options);
  }
  if (format === 'gif') {
    // sharp checks the GIF's screen size only; a frame can declare itself far larger.
    const canvas = gifCanvas(bytes);
    assertWithinPixelLimit(canvas.width, canvas.height, maxPixels);
  }
  return sharp(bytes, options);
}

async function render(
  image: Sharp,
  { role, longEdge }: (typeof SIZES)[number],
  { timeoutMs }: DerivativeLimits,
): Promise<Derivative> {
  // Metadata (EXIF, GPS, ICC) is left out: sharp writes none unless asked to keep it.
  const { data, info } = await image
    .clone()
    .resize({ width: longEdge, height: longEdge, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: WEBP_QUALITY })
    .timeout({ seconds: Math.min(3600, Math.ceil(timeoutMs / 1000)) })
    .toBuffer({ resolveWithObject: true });
  return { role, bytes: data, format: 'webp', width: info.width, height: info.height };
}

/** The error's message on one line; libvips repeats lines and ends them with newlines. */
function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').map((line) => line.trim());
  return [...new Set(lines.filter((line) => line !== ''))].join('; ');
}
