import type { MediaMeta } from '@keepsake/core';
import { bufferSource, type ByteSource } from './byte-source.js';
import { fromIsoDateTime, fromQuickTimeSeconds } from './capture-time.js';
import { childBoxes, findBox, findPath, metaChildren, readPayload, type Box } from './iso-bmff.js';
import { cameraName, cleanText, gpsPoint, pixelSize, type Gps } from './meta-fields.js';

// Metadata of QuickTime and MP4 movies, read box by box: only the small header and metadata
// boxes are loaded, never the media data.

const KEY = {
  creationDate: 'com.apple.quicktime.creationdate',
  contentId: 'com.apple.quicktime.content.identifier',
  make: 'com.apple.quicktime.make',
  model: 'com.apple.quicktime.model',
  location: 'com.apple.quicktime.location.ISO6709',
} as const;

/** Header boxes (mvhd, tkhd, hdlr) are around 100 bytes; this leaves room for odd writers. */
const MAX_HEADER_BYTES = 1024;
const MAX_METADATA_BYTES = 1024 * 1024;
/** UTF-8 text, the "well-known type" 1 of QuickTime metadata values. */
const UTF8_VALUE = 1;
/** Matrix entries a,b,c,d of a 90°, 180° and 270° clockwise rotation. */
const ORIENTATION_OF_ROTATION: Readonly<Record<string, number>> = {
  '0,1,-1,0': 6,
  '-1,0,0,-1': 3,
  '0,-1,1,0': 8,
};

export async function readQuickTimeMeta(source: ByteSource): Promise<MediaMeta> {
  const moov = await findBox(source, 'moov');
  if (moov === undefined) throw new Error('no "moov" box: the movie is truncated or damaged');
  const children = await childBoxes(source, moov);
  const movie = await readMovieHeader(source, children);
  const track = await readVideoTrack(source, children);
  const tags = await readTextTags(source, children);
  const takenAt = dateFromTag(tags.get(KEY.creationDate)) ?? movie.createdAt;
  const gps = parseIso6709(tags.get(KEY.location) ?? tags.get('©xyz'));
  const camera = cameraName(
    tags.get(KEY.make) ?? tags.get('©mak'),
    tags.get(KEY.model) ?? tags.get('©mod'),
  );
  const contentId = tags.get(KEY.contentId);
  return {
    ...(takenAt !== undefined && { takenAt }),
    ...(movie.durationMs !== undefined && { durationMs: movie.durationMs }),
    ...track,
    ...(camera !== undefined && { camera }),
    ...(gps !== undefined && { gps }),
    ...(contentId !== undefined && { contentId }),
  };
}

function dateFromTag(value: string | undefined): string | undefined {
  return value === undefined ? undefined : fromIsoDateTime(value);
}

interface MovieHeader {
  readonly createdAt?: string;
  readonly durationMs?: number;
}

async function readMovieHeader(source: ByteSource, moovChildren: Box[]): Promise<MovieHeader> {
  const mvhd = moovChildren.find((box) => box.type === 'mvhd');
  if (mvhd === undefined) return {};
  const data = await readPayload(source, mvhd, MAX_HEADER_BYTES);
  const long = data[0] === 1;
  if (data.length < (long ? 32 : 20)) return {};
  const created = long ? Number(data.readBigUInt64BE(4)) : data.readUInt32BE(4);
  const timescale = data.readUInt32BE(long ? 20 : 12);
  const duration = long ? Number(data.readBigUInt64BE(24)) : data.readUInt32BE(16);
  // All ones means "unknown"; 0 is what fragmented MP4s write, their length being in the fragments.
  const knownDuration =
    timescale > 0 && duration > 0 && duration !== 0xffff_ffff && Number.isSafeInteger(duration);
  const createdAt = fromQuickTimeSeconds(created);
  return {
    ...(createdAt !== undefined && { createdAt }),
    ...(knownDuration && { durationMs: Math.round((duration / timescale) * 1000) }),
  };
}

type TrackFields = Pick<MediaMeta, 'width' | 'height' | 'orientation'>;

/** Size and rotation of the first video track with a size. */
async function readVideoTrack(source: ByteSource, moovChildren: Box[]): Promise<TrackFields> {
  for (const trak of moovChildren.filter((box) => box.type === 'trak')) {
    const handler = await findPath(source, ['mdia', 'hdlr'], trak);
    if (handler === undefined) continue;
    const handlerData = await readPayload(source, handler, MAX_HEADER_BYTES);
    if (handlerData.toString('latin1', 8, 12) !== 'vide') continue;
    const tkhd = await findBox(source, 'tkhd', trak.payloadStart, trak.end);
    if (tkhd === undefined) continue;
    const fields = parseTrackHeader(await readPayload(source, tkhd, MAX_HEADER_BYTES));
    if (fields.width !== undefined) return fields;
  }
  return {};
}

function parseTrackHeader(data: Buffer): TrackFields {
  const matrixAt = data[0] === 1 ? 52 : 40;
  if (data.length < matrixAt + 44) return {};
  const fixed = (at: number): number => data.readInt32BE(at) / 0x10000;
  const size = pixelSize(Math.round(fixed(matrixAt + 36)), Math.round(fixed(matrixAt + 40)));
  const orientation = orientationOfMatrix(
    fixed(matrixAt),
    fixed(matrixAt + 4),
    fixed(matrixAt + 12),
    fixed(matrixAt + 16),
  );
  return { ...size, ...(orientation !== undefined && { orientation }) };
}

/**
 * The EXIF orientation equivalent to a track's rotation (phones record portrait video as
 * landscape frames plus a 90° matrix). Upright tracks leave it out, as photos without the
 * tag do; mirrored or skewed matrices are not simple rotations and are left out too.
 */
function orientationOfMatrix(a: number, b: number, c: number, d: number): number | undefined {
  return ORIENTATION_OF_ROTATION[[a, b, c, d].map(Math.round).join(',')];
}

/**
 * Text metadata by name: keyed entries from moov/meta ("com.apple.quicktime.make") and
 * four-character user data from moov/udta ("©xyz"), either directly or in udta/meta/ilst.
 */
async function readTextTags(source: ByteSource, moovChildren: Box[]): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  const meta = moovChildren.find((box) => box.type === 'meta');
  if (meta !== undefined) await readMetaItems(source, meta, tags);
  const udta = moovChildren.find((box) => box.type === 'udta');
  if (udta === undefined) return tags;
  for (const box of await childBoxes(source, udta)) {
    if (box.type === 'meta') {
      await readMetaItems(source, box, tags);
    } else if (box.type.startsWith('©') && !tags.has(box.type)) {
      const text = await userDataText(await readPayload(source, box, MAX_METADATA_BYTES));
      if (text !== undefined) tags.set(box.type, text);
    }
  }
  return tags;
}

/** A "meta" box's ilst items, named through its "keys" box when it has one. */
async function readMetaItems(
  source: ByteSource,
  meta: Box,
  into: Map<string, string>,
): Promise<void> {
  const children = await metaChildren(source, meta);
  const keys = children.find((box) => box.type === 'keys');
  const ilst = children.find((box) => box.type === 'ilst');
  if (ilst === undefined) return;
  const keyNames =
    keys === undefined ? undefined : parseKeys(await readPayload(source, keys, MAX_METADATA_BYTES));
  for (const item of await childBoxes(source, ilst)) {
    // With a keys box an item's type field is a 1-based index into it, not four characters.
    const name =
      keyNames === undefined
        ? item.type
        : keyNames[Buffer.from(item.type, 'latin1').readUInt32BE(0) - 1];
    if (name === undefined || into.has(name)) continue;
    const text = await dataBoxText(await readPayload(source, item, MAX_METADATA_BYTES));
    if (text !== undefined) into.set(name, text);
  }
}

function parseKeys(data: Buffer): string[] {
  const names: string[] = [];
  const count = data.length >= 8 ? data.readUInt32BE(4) : 0;
  let at = 8;
  for (let i = 0; i < count && at + 8 <= data.length; i += 1) {
    const size = data.readUInt32BE(at);
    if (size < 8) break;
    names.push(data.toString('utf8', at + 8, Math.min(at + size, data.length)));
    at += size;
  }
  return names;
}

/** The UTF-8 value of the "data" box inside an item; other value types are not text. */
async function dataBoxText(item: Buffer): Promise<string | undefined> {
  const items = bufferSource(item);
  const data = await findBox(items, 'data');
  if (data === undefined || data.end - data.payloadStart < 8) return undefined;
  const value = await items.read(data.payloadStart, data.end - data.payloadStart);
  if ((value.readUInt32BE(0) & 0xff_ffff) !== UTF8_VALUE) return undefined;
  return cleanText(value.toString('utf8', 8));
}

/**
 * User data text: classic QuickTime gives a 16-bit length and a language code before the
 * text; some writers put an iTunes-style "data" box there instead.
 */
async function userDataText(payload: Buffer): Promise<string | undefined> {
  if (payload.toString('latin1', 4, 8) === 'data') return dataBoxText(payload);
  if (payload.length < 4) return undefined;
  const length = payload.readUInt16BE(0);
  return cleanText(payload.toString('utf8', 4, Math.min(4 + length, payload.length)));
}

const ISO_6709 = /^([+-]\d{1,3}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?/;

/**
 * ISO 6709 in the decimal-degree form phones write ("+52.2097-000.8955+103.640/"). Android
 * drops the zero padding ("-2.8919"), so the digits before the point are not checked.
 */
export function parseIso6709(value: string | undefined): Gps | undefined {
  const match = value === undefined ? null : ISO_6709.exec(value.trim());
  if (match === null) return undefined;
  const [, lat = '', lon = '', alt] = match;
  return gpsPoint(Number(lat), Number(lon), alt === undefined ? undefined : Number(alt));
}
