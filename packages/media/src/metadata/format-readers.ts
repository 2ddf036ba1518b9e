import type { MediaMeta } from '@keepsake/core';
import { SNIFF_LENGTH, type Container, type Format } from './sniff.js';
import type { ByteSource } from './byte-source.js';
import { xmpCaptureTime } from './capture-time.js';
import { readCr3Tags } from './cr3.js';
import { exifImageSize, metaFromExif } from './exif-meta.js';
import { readTiffTags, type TiffTags } from './exif-tags.js';
import { bmpSize, gifSize } from './gif-bmp.js';
import { readHeifImageSize } from './heif.js';
import { readJpegSegments } from './jpeg.js';
import type { PixelSize } from './meta-fields.js';
import { readPngChunks } from './png.js';
import { readQuickTimeMeta } from './quicktime.js';
import { readRafParts } from './raf.js';
import { readTiffStructure } from './tiff-structure.js';
import { readWebpChunks } from './webp.js';

// One reader per container. Each combines the container's own header (the pixel size) with
// the EXIF it carries. A damaged part is noted in `problems` and the rest is still read;
// only a container too broken to navigate makes a reader throw.

interface ReadContext {
  readonly source: ByteSource;
  readonly file: string;
  readonly format: Format;
  /** Parts that could not be read, for the error message if nothing else could be either. */
  readonly problems: string[];
}

interface FormatReading {
  readonly meta: MediaMeta;
  /** Set when reading tells more than sniffing could (a DNG is a TIFF until its tags say so). */
  readonly fileType?: string;
}

type FormatReader = (context: ReadContext) => Promise<FormatReading>;

interface ExifReading {
  readonly meta: MediaMeta;
  readonly size?: PixelSize;
}

export const FORMAT_READERS: Readonly<Record<Container, FormatReader>> = {
  async jpeg({ source, problems }) {
    const segments = await readJpegSegments(source);
    const exif = await readExif(problems, () => tagsOf(segments.exif));
    // Edited files sometimes keep the capture time only in XMP.
    const xmpTakenAt = segments.xmp === undefined ? undefined : xmpCaptureTime(segments.xmp);
    const takenAt = exif.meta.takenAt ?? xmpTakenAt;
    // The frame header, not EXIF: a resized copy keeps the original's ExifImageWidth.
    return { meta: { ...exif.meta, ...(takenAt !== undefined && { takenAt }), ...segments.size } };
  },
  async png({ source, problems }) {
    const chunks = await readPngChunks(source);
    const exif = await readExif(problems, () => tagsOf(chunks.exif));
    return { meta: { ...exif.meta, ...chunks.size } };
  },
  async webp({ source, problems }) {
    const chunks = await readWebpChunks(source);
    const exif = await readExif(problems, () => tagsOf(chunks.exif));
    return { meta: { ...exif.meta, ...chunks.size } };
  },
  async gif({ source }) {
    return { meta: { ...gifSize(await source.read(0, SNIFF_LENGTH)) } };
  },
  async bmp({ source }) {
    return { meta: { ...bmpSize(await source.read(0, SNIFF_LENGTH)) } };
  },
  async heif({ source, file, problems }) {
    const exif = await readExif(problems, () => readTiffTags(file));
    const size = await attempt(problems, () => readHeifImageSize(source));
    return { meta: { ...exif.meta, ...(size ?? exif.size) } };
  },
  async tiff({ source, file, format, problems }) {
    const exif = await readExif(problems, () => readTiffTags(file));
    const structure = await attempt(problems, () => readTiffStructure(source));
    // A RAW's directories hold previews and the sensor frame with its masked borders; the
    // size the camera declares in EXIF is the developed image, so it comes first.
    const size = exif.size ?? structure?.size;
    const fileType = structure?.isDng === true ? 'DNG' : format.fileType;
    return { meta: { ...exif.meta, ...size }, fileType };
  },
  async raf({ source, problems }) {
    const parts = await readRafParts(source);
    const exif = await readExif(problems, async () =>
      tagsOf((await readJpegSegments(parts.preview)).exif),
    );
    return { meta: { ...exif.meta, ...parts.size } };
  },
  async cr3({ source, problems }) {
    const exif = await readExif(problems, () => readCr3Tags(source));
    return { meta: { ...exif.meta, ...exif.size } };
  },
  async quicktime({ source }) {
    return { meta: await readQuickTimeMeta(source) };
  },
};

/** The fields EXIF gives; nothing (and a problem noted) when it is there but unreadable. */
async function readExif(
  problems: string[],
  loadTags: () => Promise<TiffTags | undefined>,
): Promise<ExifReading> {
  const reading = await attempt(problems, async () => {
    const tags = await loadTags();
    if (tags === undefined) return undefined;
    const size = exifImageSize(tags);
    return { meta: await metaFromExif(tags), ...(size !== undefined && { size }) };
  });
  return reading ?? { meta: {} };
}

/** A TIFF block cut out of a container, if it had one. */
async function tagsOf(block: Uint8Array | undefined): Promise<TiffTags | undefined> {
  return block === undefined ? undefined : readTiffTags(block);
}

/** Runs one part of a reading; a failure becomes a problem instead of ending the reading. */
async function attempt<T>(problems: string[], read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}
