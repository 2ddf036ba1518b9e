import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Random access to a file's bytes, so parsers read only the few ranges they need. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset`: fewer at the end of the source, none past it. */
  read(offset: number, length: number): Promise<Buffer>;
}

/**
 * The most any parser reads at once. Lengths come from the file itself, so a corrupt size
 * field must not make us allocate gigabytes; metadata blocks are far smaller than this.
 */
const MAX_READ = 8 * 1024 * 1024;

function clampedRange(size: number, offset: number, length: number): [number, number] {
  if (length > MAX_READ) {
    throw new Error(`a block declares ${length} bytes, more than the ${MAX_READ} read at once`);
  }
  const start = Math.min(Math.max(0, offset), size);
  return [start, Math.min(size, start + Math.max(0, length))];
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: buffer.length,
    read(offset, length) {
      const [start, end] = clampedRange(buffer.length, offset, length);
      return Promise.resolve(buffer.subarray(start, end));
    },
  };
}

/** A window onto part of another source, e.g. the JPEG preview embedded in a RAW file. */
export function sliceSource(source: ByteSource, offset: number, length: number): ByteSource {
  const start = Math.min(Math.max(0, offset), source.size);
  const size = Math.max(0, Math.min(length, source.size - start));
  return {
    size,
    read(at, count) {
      const [from, to] = clampedRange(size, at, count);
      return source.read(start + from, to - from);
    },
  };
}

/** Opens `file`, lends it to `use` as a ByteSource, and always closes it. */
export async function withFileSource<T>(
  file: string,
  use: (source: ByteSource) => Promise<T>,
): Promise<T> {
  // Non-blocking, so a named pipe in a photo folder cannot hang the open.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('not a regular file');
    const { size } = stats;
    return await use({
      size,
      async read(offset, length) {
        const [start, end] = clampedRange(size, offset, length);
        const buffer = Buffer.alloc(end - start);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        return buffer.subarray(0, bytesRead);
      },
    });
  } finally {
    await handle.close();
  }
}
