import type { ByteSource } from './byte-source.js';
import { pixelSize, type PixelSize } from './meta-fields.js';

// A PNG's size (IHDR, which must come first) and its EXIF (eXIf), which writers may place
// before or after the image data, so the walk goes chunk by chunk to the end if it must.

export interface PngChunks {
  readonly size?: PixelSize;
  readonly exif?: Buffer;
}

const SIGNATURE_LENGTH = 8;
const MAX_CHUNKS = 100_000;
const MAX_EXIF_BYTES = 1024 * 1024;

export async function readPngChunks(source: ByteSource): Promise<PngChunks> {
  const ihdr = await source.read(SIGNATURE_LENGTH, 16);
  if (ihdr.length < 16 || ihdr.toString('latin1', 4, 8) !== 'IHDR') {
    throw new Error('the PNG does not start with an IHDR chunk');
  }
  const size = pixelSize(ihdr.readUInt32BE(8), ihdr.readUInt32BE(12));
  let position = SIGNATURE_LENGTH;
  for (let count = 0; count < MAX_CHUNKS; count += 1) {
    const header = await source.read(position, 8);
    if (header.length < 8) break;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (type === 'IEND') break;
    if (type === 'eXIf' && length <= MAX_EXIF_BYTES) {
      return { ...(size !== undefined && { size }), exif: await source.read(position + 8, length) };
    }
    position += 12 + length; // length, type, data, CRC
  }
  return size === undefined ? {} : { size };
}
