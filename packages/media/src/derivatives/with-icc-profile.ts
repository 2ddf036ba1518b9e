import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import type { RgbaImage } from './decode-heif.js';

// sharp converts an image's embedded ICC profile to sRGB, but raw pixels carry no profile, and
// it has no option to say which one they are in. So the pixels are handed over as a PNG with the
// profile in an iCCP chunk (PNG 1.2, 4.2.2.4), which sharp reads like any other embedded one.

/** PNG signature (8 bytes) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC). */
const IHDR_END = 8 + 4 + 4 + 13 + 4;

/**
 * The image, scaled down to fit `longEdge` (never up), as an uncompressed PNG that says its
 * pixels are in `icc`. Scaling first keeps the PNG small; the derivatives are no bigger anyway.
 */
export async function pngWithIccProfile(
  { width, height, data }: RgbaImage,
  icc: Buffer,
  longEdge: number,
): Promise<Buffer> {
  const png = await sharp(data, { raw: { width, height, channels: 4 } })
    .resize({ width: longEdge, height: longEdge, fit: 'inside', withoutEnlargement: true })
    .png({ compressionLevel: 0 })
    .toBuffer();
  // Keyword "icc", its NUL, compression method 0 (zlib), then the compressed profile.
  const iccp = chunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), deflateSync(icc)]));
  return Buffer.concat([png.subarray(0, IHDR_END), iccp, png.subarray(IHDR_END)]);
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(typeAndData.length + 8);
  framed.writeUInt32BE(data.length, 0);
  typeAndData.copy(framed, 4);
  framed.writeUInt32BE(crc32(typeAndData), framed.length - 4);
  return framed;
}
