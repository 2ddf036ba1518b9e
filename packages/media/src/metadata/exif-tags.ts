import exifr from 'exifr';

// exifr finds and decodes the TIFF/EXIF structure; we ask it for raw values under numeric tag
// ids, so what a value means (a date, a zone, a sign) is decided by our own code.

export type TagValues = Readonly<Record<number, unknown>>;

export interface TiffTags {
  readonly ifd0: TagValues;
  readonly exif: TagValues;
  readonly gps: TagValues;
  /** Undecoded: exifr does not know Apple's MakerNote. */
  readonly makerNote?: Uint8Array;
}

const OPTIONS = {
  tiff: true,
  ifd1: false,
  interop: false,
  makerNote: true,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateKeys: false,
  translateValues: false,
  reviveValues: false,
  mergeOutput: false,
} satisfies Parameters<typeof exifr.parse>[1];

/**
 * EXIF tags of a file exifr can navigate itself (JPEG, HEIF, TIFF; given by path it reads
 * only the chunks it needs), or of a bare TIFF block we cut out of another container.
 * Undefined when there is no EXIF; throws when the EXIF is there but unreadable.
 */
export async function readTiffTags(input: string | Uint8Array): Promise<TiffTags | undefined> {
  const output: unknown = await exifr.parse(input, OPTIONS);
  if (!isRecord(output)) return undefined;
  const block = (name: string): TagValues => {
    const value = output[name];
    return isRecord(value) ? value : {};
  };
  const tags = { ifd0: block('ifd0'), exif: block('exif'), gps: block('gps') };
  const makerNote = output['makerNote'];
  const empty = [tags.ifd0, tags.exif, tags.gps].every((b) => Object.keys(b).length === 0);
  const errors = output['errors'];
  if (empty && Array.isArray(errors) && errors.length > 0) {
    throw new Error(`EXIF is damaged (${String(errors[0])})`);
  }
  return makerNote instanceof Uint8Array ? { ...tags, makerNote } : tags;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
