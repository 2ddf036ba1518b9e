import type { ByteSource } from './byte-source.js';
import { pixelSize, type PixelSize } from './meta-fields.js';

// A WebP's canvas size and EXIF chunk. RIFF chunks are little-endian and padded to even sizes.

export interface WebpChunks {
  readonly size?: PixelSize;
  readonly exif?: Buffer;
}

const RIFF_HEADER_LENGTH = 12;
const MAX_CHUNKS = 10_000;
const MAX_EXIF_BYTES = 1024 * 1024;
/** Many writers keep JPEG's "Exif\0\0" prefix, which the WebP spec leaves out. */
const JPEG_EXIF_PREFIX = 'Exif\0\0';

export async function readWebpChunks(source: ByteSource): Promise<WebpChunks> {
  let size: PixelSize | undefined;
  let exif: Buffer | undefined;
  let position = RIFF_HEADER_LENGTH;
  for (let count = 0; count < MAX_CHUNKS && exif === undefined; count += 1) {
    const header = await source.read(position, 8 + 10);
    if (header.length < 8) break;
    const type = header.toString('latin1', 0, 4);
    const length = header.readUInt32LE(4);
    size ??= sizeFromChunk(type, header.subarray(8));
    if (type === 'EXIF' && length <= MAX_EXIF_BYTES) {
      const data = await source.read(position + 8, length);
      exif = data.toString('latin1', 0, 6) === JPEG_EXIF_PREFIX ? data.subarray(6) : data;
    }
    position += 8 + length + (length % 2);
  }
  return { ...(size !== undefined && { size }), ...(exif !== undefined && { exif }) };
}

/** The size from the first 10 bytes of a VP8X (extended), VP8 (lossy) or VP8L (lossless) chunk. */
function sizeFromChunk(type: string, data: Buffer): PixelSize | undefined {
  if (type === 'VP8X' && data.length >= 10) {
    return pixelSize(data.readUIntLE(4, 3) + 1, data.readUIntLE(7, 3) + 1);
  }
  if (type === 'VP8 ' && data.length >= 10 && data.readUIntBE(3, 3) === 0x9d012a) {
    return pixelSize(data.readUInt16LE(6) & 0x3fff, data.readUInt16LE(8) & 0x3fff);
  }
  if (type === 'VP8L' && data.length >= 5 && data[0] === 0x2f) {
    const bits = data.readUInt32LE(1);
    return pixelSize((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  return undefined;
}
