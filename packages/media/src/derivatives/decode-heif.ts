import heicDecode from 'heic-decode';
import { assertWithinPixelLimit } from './pixel-limit.js';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/**
 * Decodes the first image of a HEIC/HEIF file to RGBA with libheif (WebAssembly), because the
 * libvips that sharp ships cannot decode HEVC. libheif applies the file's rotation and mirroring,
 * so the pixels come out upright. The size is checked before the pixels are decoded.
 */
export async function decodeHeif(bytes: Uint8Array, maxPixels: number): Promise<RgbaImage> {
  const images = await heicDecode.all({ buffer: bytes });
  try {
    const [first] = images;
    if (first === undefined) throw new Error('HEIF file holds no image');
    assertWithinPixelLimit(first.width, first.height, maxPixels);
    return await first.decode();
  } finally {
    images.dispose();
  }
}
