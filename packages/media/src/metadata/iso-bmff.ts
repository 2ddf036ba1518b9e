import type { ByteSource } from './byte-source.js';

// The box (atom) structure shared by QuickTime, MP4, HEIF/AVIF and Canon CR3. Files come from
// anywhere, so every size is checked against its parent and every walk is bounded.

export interface Box {
  /** Four characters, decoded as Latin-1 so QuickTime's "©xyz" keeps its 0xA9 byte. */
  readonly type: string;
  readonly start: number;
  /** Where the content starts: after the header, and after the 16-byte id of a "uuid" box. */
  readonly payloadStart: number;
  /** Just past the box, clamped to its parent: a truncated box ends where the data ends. */
  readonly end: number;
  /** The 16-byte user type of a "uuid" box, in lowercase hex. */
  readonly uuid?: string;
}

/** More boxes than any real file has side by side; a corrupt file could claim millions. */
const MAX_BOXES_PER_LEVEL = 100_000;

/** The boxes between `start` and `end`, in order. Stops quietly where the structure breaks. */
async function* boxesIn(source: ByteSource, start = 0, end = source.size): AsyncGenerator<Box> {
  let position = start;
  for (let count = 0; count < MAX_BOXES_PER_LEVEL && position + 8 <= end; count += 1) {
    const header = await source.read(position, 32);
    if (header.length < 8) return;
    const size32 = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    let size: number;
    if (size32 === 1) {
      if (header.length < 16) return;
      headerSize = 16;
      size = Number(header.readBigUInt64BE(8));
    } else {
      // 0 means "to the end of the enclosing space".
      size = size32 === 0 ? end - position : size32;
    }
    if (size < headerSize) return;
    const box = { type, start: position, end: Math.min(position + size, end) };
    if (type === 'uuid') {
      if (header.length < headerSize + 16) return;
      const uuid = header.toString('hex', headerSize, headerSize + 16);
      yield { ...box, payloadStart: position + headerSize + 16, uuid };
    } else {
      yield { ...box, payloadStart: position + headerSize };
    }
    position += size;
  }
}

export async function findBox(
  source: ByteSource,
  type: string,
  start = 0,
  end = source.size,
): Promise<Box | undefined> {
  for await (const box of boxesIn(source, start, end)) {
    if (box.type === type) return box;
  }
  return undefined;
}

export async function childBoxes(source: ByteSource, parent: Box): Promise<Box[]> {
  const children: Box[] = [];
  for await (const box of boxesIn(source, parent.payloadStart, parent.end)) children.push(box);
  return children;
}

/** Follows a path of box types down from `parent` (or the top level), first match at each step. */
export async function findPath(
  source: ByteSource,
  path: readonly string[],
  parent?: Box,
): Promise<Box | undefined> {
  let current = parent;
  for (const type of path) {
    current = await findBox(source, type, current?.payloadStart ?? 0, current?.end ?? source.size);
    if (current === undefined) return undefined;
  }
  return current;
}

/** The box's content, refusing boxes larger than `limit` (their sizes come from the file). */
export async function readPayload(source: ByteSource, box: Box, limit: number): Promise<Buffer> {
  const length = box.end - box.payloadStart;
  if (length > limit) {
    throw new Error(`the "${box.type}" box is ${length} bytes, more than the ${limit} expected`);
  }
  return source.read(box.payloadStart, length);
}

/**
 * The children of a "meta" box. ISO files give it a version and flags before them; QuickTime
 * files do not, and go straight to the "hdlr" child.
 */
export async function metaChildren(source: ByteSource, meta: Box): Promise<Box[]> {
  const head = await source.read(meta.payloadStart, 8);
  const quickTimeStyle = head.length === 8 && head.toString('latin1', 4, 8) === 'hdlr';
  const payloadStart = quickTimeStyle ? meta.payloadStart : meta.payloadStart + 4;
  return childBoxes(source, { ...meta, payloadStart });
}
