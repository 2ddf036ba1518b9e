import heicDecode from 'heic-decode';
import { bufferSource } from '../metadata/byte-source.js';
import { readHeifIccProfile } from '../metadata/heif.js';
import { assertWithinPixelLimit } from './pixel-limit.js';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/**
 * Decodes the first image of a HEIC/HEIF file to RGBA with libheif (WebAssembly), because the
 * libvips that sharp ships cannot decode HEVC. libheif applies the file's rotation and mirroring,
 * so the pixels come out upright. The size is checked before the pixels are decoded. The pixels
 * are in the file's colour profile, `icc` when it has one (an iPhone's: Display P3); libheif
 * does not convert them.
 */
export async function decodeHeif(
  bytes: Uint8Array,
  maxPixels: number,
): Promise<RgbaImage & { readonly icc: Buffer | undefined }> {
  const images = await heicDecode.all({ buffer: bytes });
  try {
    const [first] = images;
    if (first === undefined) throw new Error('HEIF file holds no image');
    assertWithinPixelLimit(first.width, first.height, maxPixels);
    // A profile that cannot be read leaves the pixels taken for sRGB: dull colours beat none.
    const icc = await readHeifIccProfile(bufferSource(bytes)).catch(() => undefined);
    return { ...(await first.decode()), icc };
  } finally {
    images.dispose();
  }
}
