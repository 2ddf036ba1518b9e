import { sliceSource, type ByteSource } from './byte-source.js';
import { pixelSize, type PixelSize } from './meta-fields.js';

// Fujifilm RAF: a fixed header pointing at an embedded JPEG (which holds the EXIF) and at
// Fujifilm's own directory of raw-image tags (which holds the size).

export interface RafParts {
  readonly size?: PixelSize;
  readonly preview: ByteSource;
}

const POINTERS_AT = 84;
const RAW_IMAGE_FULL_SIZE = 0x0100;
/** The size after cropping the sensor's borders, which exiftool reports first. */
const RAW_IMAGE_CROPPED_SIZE = 0x0111;
const MAX_DIRECTORY_BYTES = 64 * 1024;
const MAX_ENTRIES = 1000;

export async function readRafParts(source: ByteSource): Promise<RafParts> {
  const pointers = await source.read(POINTERS_AT, 16);
  if (pointers.length < 16) throw new Error('the RAF header is truncated');
  const preview = sliceSource(source, pointers.readUInt32BE(0), pointers.readUInt32BE(4));
  const directory = await source.read(
    pointers.readUInt32BE(8),
    Math.min(pointers.readUInt32BE(12), MAX_DIRECTORY_BYTES),
  );
  const sizes = directorySizes(directory);
  const size = sizes.get(RAW_IMAGE_CROPPED_SIZE) ?? sizes.get(RAW_IMAGE_FULL_SIZE);
  return { ...(size !== undefined && { size }), preview };
}

/** Entries are tag (2), length (2), data; the size tags hold height then width. */
function directorySizes(directory: Buffer): Map<number, PixelSize> {
  const sizes = new Map<number, PixelSize>();
  const count = directory.length >= 4 ? directory.readUInt32BE(0) : 0;
  let at = 4;
  for (let i = 0; i < Math.min(count, MAX_ENTRIES) && at + 4 <= directory.length; i += 1) {
    const tag = directory.readUInt16BE(at);
    const length = directory.readUInt16BE(at + 2);
    const isSize = tag === RAW_IMAGE_FULL_SIZE || tag === RAW_IMAGE_CROPPED_SIZE;
    if (isSize && length === 4 && at + 8 <= directory.length) {
      const size = pixelSize(directory.readUInt16BE(at + 6), directory.readUInt16BE(at + 4));
      if (size !== undefined) sizes.set(tag, size);
    }
    at += 4 + length;
  }
  return sizes;
}
