const IMAGE_DESCRIPTOR = 0x2c;
const EXTENSION = 0x21;
const HAS_COLOR_TABLE = 0x80;

/**
 * The canvas a GIF needs to hold its logical screen and every frame. A frame may declare itself
 * far larger than the screen (a decompression bomb), which libvips' header check does not see.
 * Reads block headers only; stops quietly at the first thing that is not a well-formed block.
 */
export function gifCanvas(gif: Uint8Array): { width: number; height: number } {
  const view = new DataView(gif.buffer, gif.byteOffset, gif.byteLength);
  const u16 = (at: number): number => (at + 2 <= gif.length ? view.getUint16(at, true) : 0);
  let width = u16(6);
  let height = u16(8);
  let at = 13 + colorTableLength(gif[10] ?? 0);
  while (at < gif.length) {
    const block = gif[at];
    if (block === IMAGE_DESCRIPTOR) {
      width = Math.max(width, u16(at + 1) + u16(at + 5));
      height = Math.max(height, u16(at + 3) + u16(at + 7));
      // Descriptor, local color table, LZW minimum code size, then the pixel data's sub-blocks.
      at = skipSubBlocks(gif, at + 10 + colorTableLength(gif[at + 9] ?? 0) + 1);
    } else if (block === EXTENSION) {
      at = skipSubBlocks(gif, at + 2);
    } else {
      break;
    }
  }
  return { width, height };
}

function colorTableLength(flags: number): number {
  return (flags & HAS_COLOR_TABLE) === 0 ? 0 : 3 * 2 ** ((flags & 0x07) + 1);
}

/** The offset after a chain of length-prefixed sub-blocks ended by an empty one. */
function skipSubBlocks(gif: Uint8Array, at: number): number {
  let next = at;
  for (let size = gif[next]; size !== undefined && size > 0; size = gif[next]) next += size + 1;
  return next + 1;
}
