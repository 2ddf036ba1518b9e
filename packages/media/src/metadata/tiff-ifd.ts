import type { ByteSource } from './byte-source.js';

// Just enough TIFF to read a few numbers and strings from a directory: RAW sizes and the Apple
// MakerNote, which exifr leaves undecoded. EXIF itself is decoded by exifr.

export interface TiffContext {
  readonly source: ByteSource;
  readonly littleEndian: boolean;
  /** Where offsets count from: the TIFF header, or the start of a MakerNote. */
  readonly base: number;
}

export interface IfdEntry {
  readonly type: number;
  readonly count: number;
  /** The 4-byte value-or-offset field. */
  readonly field: Buffer;
}

export interface Ifd {
  readonly entries: ReadonlyMap<number, IfdEntry>;
}

/** Byte sizes of TIFF field types 1–13. */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
const SHORT = 3;
const LONG = 4;
const ASCII = 2;
const IFD = 13;
/** The values we read are a few numbers or a short string; bigger ones are not ours. */
const MAX_VALUE_BYTES = 4096;

export interface TiffHeader extends TiffContext {
  /** 42 for TIFF; Panasonic RW2 writes 0x55, Olympus ORF "RO"/"RS". */
  readonly magic: number;
  readonly firstIfd: number;
}

export async function readTiffHeader(source: ByteSource): Promise<TiffHeader | undefined> {
  const head = await source.read(0, 8);
  if (head.length < 8) return undefined;
  const order = head.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const littleEndian = order === 'II';
  return {
    source,
    littleEndian,
    base: 0,
    magic: littleEndian ? head.readUInt16LE(2) : head.readUInt16BE(2),
    firstIfd: littleEndian ? head.readUInt32LE(4) : head.readUInt32BE(4),
  };
}

export async function readIfd(context: TiffContext, offset: number): Promise<Ifd | undefined> {
  const { source, littleEndian, base } = context;
  const countBytes = await source.read(base + offset, 2);
  if (countBytes.length < 2) return undefined;
  const count = littleEndian ? countBytes.readUInt16LE(0) : countBytes.readUInt16BE(0);
  const table = await source.read(base + offset + 2, count * 12);
  if (table.length < count * 12) return undefined;
  const entries = new Map<number, IfdEntry>();
  for (let i = 0; i < count; i += 1) {
    const at = i * 12;
    const u16 = (n: number): number =>
      littleEndian ? table.readUInt16LE(at + n) : table.readUInt16BE(at + n);
    const entryCount = littleEndian ? table.readUInt32LE(at + 4) : table.readUInt32BE(at + 4);
    entries.set(u16(0), {
      type: u16(2),
      count: entryCount,
      field: table.subarray(at + 8, at + 12),
    });
  }
  return { entries };
}

async function valueBytes(context: TiffContext, entry: IfdEntry): Promise<Buffer | undefined> {
  const length = (TYPE_SIZES[entry.type] ?? 0) * entry.count;
  if (length === 0 || length > MAX_VALUE_BYTES) return undefined;
  if (length <= 4) return entry.field.subarray(0, length);
  const { littleEndian, base, source } = context;
  const offset = littleEndian ? entry.field.readUInt32LE(0) : entry.field.readUInt32BE(0);
  const bytes = await source.read(base + offset, length);
  return bytes.length === length ? bytes : undefined;
}

/** The values of a SHORT, LONG or IFD entry; empty for other types. */
export async function numbersOf(
  context: TiffContext,
  entry: IfdEntry | undefined,
): Promise<number[]> {
  if (entry === undefined || ![SHORT, LONG, IFD].includes(entry.type)) return [];
  const bytes = await valueBytes(context, entry);
  if (bytes === undefined) return [];
  const width = entry.type === SHORT ? 2 : 4;
  return Array.from({ length: entry.count }, (_, i) => {
    const at = i * width;
    if (width === 2) return context.littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at);
    return context.littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
  });
}

export async function textOf(
  context: TiffContext,
  entry: IfdEntry | undefined,
): Promise<string | undefined> {
  if (entry?.type !== ASCII) return undefined;
  const bytes = await valueBytes(context, entry);
  return bytes?.toString('latin1');
}
