import { pixelSize, type PixelSize } from './meta-fields.js';

// GIF and BMP carry no capture metadata; their headers give the size, from the first bytes.

/** The logical screen size, bytes 6–9, little-endian. */
export function gifSize(head: Buffer): PixelSize | undefined {
  return head.length >= 10 ? pixelSize(head.readUInt16LE(6), head.readUInt16LE(8)) : undefined;
}

/** From the DIB header: 16-bit fields in the old OS/2 form, signed 32-bit (negative = top-down) after. */
export function bmpSize(head: Buffer): PixelSize | undefined {
  if (head.length < 26) return undefined;
  const headerSize = head.readUInt32LE(14);
  if (headerSize === 12) return pixelSize(head.readUInt16LE(18), head.readUInt16LE(20));
  return pixelSize(head.readInt32LE(18), Math.abs(head.readInt32LE(22)));
}
