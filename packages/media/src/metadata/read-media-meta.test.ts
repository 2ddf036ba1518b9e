import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metaSchema, type MediaMeta } from '@keepsake/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, readManifest } from '../test-support/fixtures.js';
import { readMediaMeta, type MediaKind, type MediaReading } from './read-media-meta.js';

// The fixtures' facts were read with exiftool 12.57 (see SOURCES.md beside MANIFEST.tsv);
// every row is checked against what readMediaMeta finds in the same file, in place.

type Field =
  | 'kind'
  | 'fileType'
  | 'takenAt'
  | 'size'
  | 'orientation'
  | 'gps'
  | 'contentId'
  | 'duration'
  | 'camera';

/**
 * Where exiftool knows something this reader does not try to get. Each entry must still differ
 * (the test fails once it matches, so the list cannot go stale).
 */
const KNOWN_DIFFERENCES: Readonly<Record<string, readonly Field[]>> = {
  // An animated GIF's length is the sum of every frame's delay, so reading it means walking
  // the whole image; durationMs is a video field and GIF animations are not videos to us.
  'other/dispose_bgnd.gif': ['duration'],
  // Pentax keeps the make only in its private udta "TAGS" atom, not in standard metadata.
  'video/exiftool-QuickTime.mov': ['camera'],
  // A bare EXIF block is TIFF by content; exiftool names the type after the .exif extension.
  'sidecar/xmp/IMG_5910.exif': ['fileType'],
};

interface ManifestRow {
  readonly path: string;
  readonly kind: string;
  readonly dateTimeOriginal: string;
  readonly width: string;
  readonly height: string;
  readonly orientation: string;
  readonly gpsLat: string;
  readonly gpsLon: string;
  readonly contentIdentifier: string;
  readonly durationS: string;
  readonly fileType: string;
  readonly make: string;
  readonly model: string;
  readonly qtCreateDate: string;
  readonly notes: string;
}

function manifestRows(): ManifestRow[] {
  return readManifest().map((row) => {
    const cell = (name: string): string => row.get(name) ?? '';
    return {
      path: cell('path'),
      kind: cell('kind'),
      dateTimeOriginal: cell('date_time_original'),
      width: cell('width'),
      height: cell('height'),
      orientation: cell('orientation'),
      gpsLat: cell('gps_lat'),
      gpsLon: cell('gps_lon'),
      contentIdentifier: cell('content_identifier'),
      durationS: cell('duration_s'),
      fileType: cell('file_type'),
      make: cell('make'),
      model: cell('model'),
      qtCreateDate: cell('qt_create_date'),
      notes: cell('notes'),
    };
  });
}

/** Sidecars and placeholders: readMediaMeta must refuse them, not invent metadata. */
const NOT_MEDIA = new Set([
  'sidecar-xmp',
  'sidecar-aae',
  'sidecar-takeout-json',
  'sidecar-takeout-album-json',
  'empty-placeholder',
]);

function expectedKind(row: ManifestRow): MediaKind {
  if (row.kind.includes('video')) return 'video';
  // The placeholders are empty .JPG files: only their name says what they were meant to be.
  return NOT_MEDIA.has(row.kind) && row.kind !== 'empty-placeholder' ? 'other' : 'image';
}

/** A "Name=value" fact from the notes column; values run to the next " | ". */
function note(row: ManifestRow, name: string): string | undefined {
  return new RegExp(`(?:^| )${name}=([^|]+?)(?: \\||$)`).exec(row.notes)?.[1];
}

interface ExpectedTime {
  readonly local: string;
  readonly subSeconds?: string;
  readonly offset?: string;
}

/** "2021:04:10 11:43:59+01:00" → local "2021-04-10T11:43:59" and offset "+01:00". */
function splitExifTime(value: string): ExpectedTime {
  const local = `${value.slice(0, 10).replaceAll(':', '-')}T${value.slice(11, 19)}`;
  const offset = value.slice(19);
  return offset === '' ? { local } : { local, offset };
}

function expectedTime(row: ManifestRow): ExpectedTime | undefined {
  if (row.dateTimeOriginal !== '') {
    const time = splitExifTime(row.dateTimeOriginal);
    const offset = time.offset ?? note(row, 'OffsetTimeOriginal');
    const subSeconds = note(row, 'SubSecTimeOriginal');
    return {
      local: time.local,
      ...(offset !== undefined && { offset }),
      ...(subSeconds !== undefined && { subSeconds }),
    };
  }
  if (expectedKind(row) !== 'video' || row.qtCreateDate === '') return undefined;
  // Apple's creationdate key carries the zone and is preferred; mvhd is UTC by the spec.
  const creationDate = note(row, 'Keys:CreationDate');
  if (creationDate !== undefined) return splitExifTime(creationDate);
  return { ...splitExifTime(row.qtCreateDate), offset: 'Z' };
}

const sameOffset = (a: string | undefined, b: string | undefined): boolean =>
  (a === '+00:00' ? 'Z' : a) === (b === '+00:00' ? 'Z' : b);

/** Whether `field` of `reading` agrees with the manifest; `partial` accepts a missing value. */
function agrees(field: Field, row: ManifestRow, reading: MediaReading, partial: boolean): boolean {
  if (field === 'kind') return reading.kind === expectedKind(row);
  if (!reading.ok) return false;
  const { meta } = reading;
  const absentOr = (value: unknown, expectedMissing: boolean, matches: () => boolean): boolean =>
    value === undefined ? expectedMissing || partial : !expectedMissing && matches();
  switch (field) {
    case 'fileType':
      return reading.fileType === row.fileType.replace(/^Extended /, '');
    case 'takenAt':
      return agreesOnTime(meta, expectedTime(row), partial);
    case 'size':
      return absentOr(
        meta.width,
        row.width === '',
        () => meta.width === Number(row.width) && meta.height === Number(row.height),
      );
    case 'orientation':
      return absentOr(
        meta.orientation,
        row.orientation === '',
        () => meta.orientation === Number(row.orientation),
      );
    case 'gps':
      return absentOr(meta.gps, row.gpsLat === '', () => {
        const { lat = NaN, lon = NaN } = meta.gps ?? {};
        return (
          Math.abs(lat - Number(row.gpsLat)) < 1e-4 && Math.abs(lon - Number(row.gpsLon)) < 1e-4
        );
      });
    case 'contentId':
      return absentOr(
        meta.contentId,
        row.contentIdentifier === '',
        () => meta.contentId === row.contentIdentifier,
      );
    case 'duration':
      return absentOr(
        meta.durationMs,
        row.durationS === '',
        () => Math.abs((meta.durationMs ?? NaN) / 1000 - Number(row.durationS)) < 0.05,
      );
    case 'camera':
      return absentOr(meta.camera, row.make === '' && row.model === '', () =>
        [row.make, row.model].every((part) => meta.camera?.includes(part) === true),
      );
  }
}

function agreesOnTime(meta: MediaMeta, expected: ExpectedTime | undefined, partial: boolean) {
  if (meta.takenAt === undefined) return expected === undefined || partial;
  if (expected === undefined) return false;
  const [, local, fraction, offset] = /^(.{19})(?:\.(\d+))?(.*)$/.exec(meta.takenAt) ?? [];
  return (
    local === expected.local &&
    (expected.subSeconds === undefined || fraction === expected.subSeconds) &&
    // No offset in the file means none in ours: a guessed zone moves the photo by hours.
    sameOffset(offset === '' ? undefined : offset, expected.offset)
  );
}

const FIELDS: readonly Field[] = [
  'kind',
  'fileType',
  'takenAt',
  'size',
  'orientation',
  'gps',
  'contentId',
  'duration',
  'camera',
];

const rows = manifestRows();

describe('readMediaMeta against the exiftool manifest', () => {
  it('reads all 98 rows of the manifest', () => {
    expect(rows.length).toBe(98);
  });

  it.each(rows)('$path ($kind)', async (row) => {
    const reading = await readMediaMeta(join(FIXTURES, row.path));
    if (NOT_MEDIA.has(row.kind)) {
      expect(reading).toMatchObject({ ok: false, kind: expectedKind(row) });
      return;
    }
    const corrupt = row.kind.startsWith('corrupt');
    // A damaged file may be refused, or read in part; what it gives must still be right.
    if (corrupt && !reading.ok) {
      expect(reading.error).toMatch(/^could not read metadata: /);
      return;
    }
    expect(reading.ok, JSON.stringify(reading)).toBe(true);
    if (reading.ok) expect(metaSchema.parse(reading.meta)).toEqual(reading.meta);
    const known = KNOWN_DIFFERENCES[row.path] ?? [];
    const disagreements = FIELDS.filter((field) => !agrees(field, row, reading, corrupt));
    expect({ disagreements, reading }).toEqual({ disagreements: known, reading });
  });
});

describe('readMediaMeta on broken input', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keepsake-media-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Deterministic noise: a SHA-256 chain from a fixed seed. */
  function noise(length: number, seed: string): Buffer {
    const blocks: Buffer[] = [];
    let block = createHash('sha256').update(seed).digest();
    for (let total = 0; total < length; total += block.length) {
      blocks.push(block);
      block = createHash('sha256').update(block).digest();
    }
    return Buffer.concat(blocks).subarray(0, length);
  }

  async function readBytes(name: string, bytes: Uint8Array): Promise<MediaReading> {
    const file = join(dir, name);
    await writeFile(file, bytes);
    return readMediaMeta(file);
  }

  it('refuses an empty file', async () => {
    expect(await readBytes('empty.jpg', new Uint8Array())).toEqual({
      ok: false,
      kind: 'image',
      error: 'could not read metadata: the file is empty',
    });
  });

  it('refuses random bytes, whatever the name says', async () => {
    const reading = await readBytes('noise.heic', noise(64 * 1024, 'noise'));
    expect(reading).toMatchObject({ ok: false, kind: 'image' });
  });

  it('refuses a movie cut in half before its moov box', async () => {
    const movie = await readFile(join(FIXTURES, 'livephoto/train.mov'));
    const reading = await readBytes('half.mov', movie.subarray(0, movie.length / 2));
    expect(reading).toEqual({
      ok: false,
      kind: 'video',
      error: 'could not read metadata: no "moov" box: the movie is truncated or damaged',
    });
  });

  it('still reads a photo cut in half: its metadata comes before the image data', async () => {
    const photo = await readFile(join(FIXTURES, 'livephoto/train.jpg'));
    const whole = await readMediaMeta(join(FIXTURES, 'livephoto/train.jpg'));
    expect(await readBytes('half.jpg', photo.subarray(0, photo.length / 2))).toEqual(whole);
  });

  it('refuses a file that is not there', async () => {
    expect(await readMediaMeta(join(dir, 'missing.mov'))).toMatchObject({
      ok: false,
      kind: 'video',
      error: expect.stringMatching(/^could not read metadata: ENOENT/) as unknown,
    });
  });

  it('refuses what is not a regular file, such as a folder', async () => {
    expect(await readMediaMeta(dir)).toEqual({
      ok: false,
      kind: 'other',
      error: 'could not read metadata: not a regular file',
    });
  });

  const media = rows.filter((row) => !NOT_MEDIA.has(row.kind));

  it.each(media)('never throws on truncated or scrambled copies of $path', async (row) => {
    const bytes = await readFile(join(FIXTURES, row.path));
    const variants = [
      bytes.subarray(0, 16),
      bytes.subarray(0, 1000),
      bytes.subarray(0, Math.floor(bytes.length / 3)),
      scramble(bytes, row.path),
    ];
    for (const [index, variant] of variants.entries()) {
      const reading = await readBytes(`variant-${index}`, variant);
      if (reading.ok) expect(metaSchema.parse(reading.meta)).toEqual(reading.meta);
      else expect(reading.error).toMatch(/^could not read metadata: /);
    }
  });

  /**
   * Overwrites bytes of the first 8 KB, where headers and metadata are, from a fixed seed. The
   * first 12 bytes stay, so the file is still recognised and its parser meets the damage.
   */
  function scramble(bytes: Buffer, seed: string): Buffer {
    const copy = Buffer.from(bytes);
    const span = Math.min(copy.length, 8192) - 12;
    const changes = noise(3 * 80, seed);
    for (let i = 0; span > 0 && i + 3 <= changes.length; i += 3) {
      copy[12 + (changes.readUInt16BE(i) % span)] = changes[i + 2] ?? 0;
    }
    return copy;
  }
});
