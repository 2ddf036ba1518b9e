import type { ByteSource } from './byte-source.js';
import { pixelSize, type PixelSize } from './meta-fields.js';
import { numbersOf, readIfd, readTiffHeader, type Ifd, type TiffHeader } from './tiff-ifd.js';

// What the TIFF directories of a TIFF or TIFF-based RAW say about the main image. RAWs keep
// previews in IFD0 or SubIFDs and mark the full-resolution image with NewSubfileType 0.

export interface TiffStructure {
  readonly size?: PixelSize;
  readonly isDng: boolean;
}

const TAG = {
  newSubfileType: 0x00fe,
  imageWidth: 0x0100,
  imageLength: 0x0101,
  subIfds: 0x014a,
  dngVersion: 0xc612,
} as const;
/** Panasonic RW2 replaces the TIFF magic 42 with 0x55 and describes its sensor area by borders. */
const RW2_MAGIC = 0x55;
const RW2_BORDER = { top: 0x0004, left: 0x0005, bottom: 0x0006, right: 0x0007 } as const;
const MAX_SUB_IFDS = 16;

export async function readTiffStructure(source: ByteSource): Promise<TiffStructure> {
  const header = await readTiffHeader(source);
  const ifd0 = header === undefined ? undefined : await readIfd(header, header.firstIfd);
  if (header === undefined || ifd0 === undefined) {
    throw new Error('the TIFF header or its first directory is unreadable');
  }
  const size =
    header.magic === RW2_MAGIC ? await rw2Size(header, ifd0) : await mainImageSize(header, ifd0);
  return { ...(size !== undefined && { size }), isDng: ifd0.entries.has(TAG.dngVersion) };
}

/** The largest full-resolution image among IFD0 and its SubIFDs. */
async function mainImageSize(header: TiffHeader, ifd0: Ifd): Promise<PixelSize | undefined> {
  const subIfdOffsets = await numbersOf(header, ifd0.entries.get(TAG.subIfds));
  const directories = [ifd0];
  for (const offset of subIfdOffsets.slice(0, MAX_SUB_IFDS)) {
    const directory = await readIfd(header, offset);
    if (directory !== undefined) directories.push(directory);
  }
  let best: PixelSize | undefined;
  for (const directory of directories) {
    const number = async (tag: number): Promise<number | undefined> =>
      (await numbersOf(header, directory.entries.get(tag)))[0];
    if (((await number(TAG.newSubfileType)) ?? 0) !== 0) continue;
    const size = pixelSize(await number(TAG.imageWidth), await number(TAG.imageLength));
    if (size !== undefined && (best === undefined || area(size) > area(best))) best = size;
  }
  return best;
}

async function rw2Size(header: TiffHeader, ifd0: Ifd): Promise<PixelSize | undefined> {
  const border = async (tag: number): Promise<number> =>
    (await numbersOf(header, ifd0.entries.get(tag)))[0] ?? 0;
  return pixelSize(
    (await border(RW2_BORDER.right)) - (await border(RW2_BORDER.left)),
    (await border(RW2_BORDER.bottom)) - (await border(RW2_BORDER.top)),
  );
}

const area = (size: PixelSize): number => size.width * size.height;
