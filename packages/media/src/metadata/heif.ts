import type { ByteSource } from './byte-source.js';
import { childBoxes, findBox, metaChildren, readPayload, type Box } from './iso-bmff.js';
import { pixelSize, type PixelSize } from './meta-fields.js';

// Properties of a HEIF/HEIC/AVIF image's primary item: its stored size ("ispe") and its colour
// profile ("colr"). Tiles, thumbnails and depth maps are items too, with their own properties.

/** Item properties and their associations are small; a grid of 48 tiles is a few KB. */
const MAX_PROPERTY_BYTES = 1024 * 1024;
/** An embedded ICC profile; Apple's Display P3 is ~0.5 KB, a camera's a few hundred KB. */
const MAX_ICC_BYTES = 4 * 1024 * 1024;

export async function readHeifImageSize(source: ByteSource): Promise<PixelSize | undefined> {
  const items = await readItemProperties(source);
  for (const ispe of (await items?.of(items.primary, 'ispe', 64)) ?? []) {
    if (ispe.length >= 12) return pixelSize(ispe.readUInt32BE(4), ispe.readUInt32BE(8));
  }
  return undefined;
}

/**
 * The ICC profile the primary image's pixels are in (an iPhone's are in Display P3), or
 * undefined when it has none or declares its colours by code points ("nclx") alone. A grid
 * image (an iPhone's primary item is one) usually carries no colour property of its own: its
 * tiles do, all the same one, so the first tile's is the grid's.
 */
export async function readHeifIccProfile(source: ByteSource): Promise<Buffer | undefined> {
  const items = await readItemProperties(source);
  if (items === undefined) return undefined;
  const [firstTile] = await items.derivedFrom(items.primary);
  for (const item of firstTile === undefined ? [items.primary] : [items.primary, firstTile]) {
    const colours = await items.of(item, 'colr', MAX_ICC_BYTES);
    // An item may state its colours both ways; the profile is the exact one.
    const profile = colours.find((colr) =>
      ['prof', 'rICC'].includes(colr.toString('latin1', 0, 4)),
    );
    if (profile) return profile.subarray(4);
    if (colours.length > 0) return undefined;
  }
  return undefined;
}

/** The file's items' properties ("iprp"), read on demand. Undefined when it has none. */
async function readItemProperties(source: ByteSource) {
  const meta = await findBox(source, 'meta');
  if (meta === undefined) throw new Error('no "meta" box: the image is truncated or damaged');
  const children = await metaChildren(source, meta);
  const pitm = children.find((box) => box.type === 'pitm');
  const iprp = children.find((box) => box.type === 'iprp');
  const iref = children.find((box) => box.type === 'iref');
  if (pitm === undefined || iprp === undefined) return undefined;
  const primary = primaryItemId(await readPayload(source, pitm, MAX_PROPERTY_BYTES));
  const propertyBoxes = await childBoxes(source, iprp);
  const ipco = propertyBoxes.find((box) => box.type === 'ipco');
  const ipma = propertyBoxes.find((box) => box.type === 'ipma');
  if (primary === undefined || ipco === undefined || ipma === undefined) return undefined;
  const properties = await childBoxes(source, ipco);
  const associations = await readPayload(source, ipma, MAX_PROPERTY_BYTES);
  /** The payloads of an item's properties of one type, in association order. */
  const of = async (item: number, type: string, limit: number): Promise<Buffer[]> => {
    const payloads: Buffer[] = [];
    for (const index of propertyIndexesOf(associations, item)) {
      const property = properties[index - 1];
      if (property?.type === type) payloads.push(await readPayload(source, property, limit));
    }
    return payloads;
  };
  return {
    primary,
    of,
    /** The items an image is derived from ("dimg" references: a grid's tiles), in order. */
    derivedFrom: async (item: number): Promise<number[]> =>
      iref === undefined ? [] : derivedImages(source, iref, item),
  };
}

/** The "dimg" references from `item` in an "iref" box (ISO/IEC 23008-12 8.11.12). */
async function derivedImages(source: ByteSource, iref: Box, item: number): Promise<number[]> {
  const head = await source.read(iref.payloadStart, 4);
  if (head.length < 4) return [];
  const idBytes = head[0] === 0 ? 2 : 4;
  const readId = (b: Buffer, at: number) =>
    idBytes === 2 ? b.readUInt16BE(at) : b.readUInt32BE(at);
  // A full box: its references start after the version and flags.
  const references = { ...iref, payloadStart: iref.payloadStart + 4 };
  for (const reference of await childBoxes(source, references)) {
    if (reference.type !== 'dimg') continue;
    const body = await readPayload(source, reference, MAX_PROPERTY_BYTES);
    if (body.length < idBytes + 2 || readId(body, 0) !== item) continue;
    const count = body.readUInt16BE(idBytes);
    const ids: number[] = [];
    for (
      let i = 0, at = idBytes + 2;
      i < count && at + idBytes <= body.length;
      i++, at += idBytes
    ) {
      ids.push(readId(body, at));
    }
    return ids;
  }
  return [];
}

function primaryItemId(pitm: Buffer): number | undefined {
  if (pitm[0] === 0 && pitm.length >= 6) return pitm.readUInt16BE(4);
  if (pitm.length >= 8) return pitm.readUInt32BE(4);
  return undefined;
}

/** The 1-based ipco indexes associated with `itemId` in an ipma box (ISO/IEC 23008-12 9.3). */
function propertyIndexesOf(ipma: Buffer, itemId: number): number[] {
  if (ipma.length < 8) return [];
  const version = ipma[0] ?? 0;
  const wideIndexes = ((ipma[3] ?? 0) & 1) === 1;
  const idBytes = version < 1 ? 2 : 4;
  const indexBytes = wideIndexes ? 2 : 1;
  const entryCount = ipma.readUInt32BE(4);
  let at = 8;
  for (let entry = 0; entry < entryCount && at + idBytes + 1 <= ipma.length; entry += 1) {
    const id = idBytes === 2 ? ipma.readUInt16BE(at) : ipma.readUInt32BE(at);
    const count = ipma[at + idBytes] ?? 0;
    at += idBytes + 1;
    if (at + count * indexBytes > ipma.length) return [];
    if (id === itemId) {
      // The top bit of each association says "essential"; the rest is the index.
      return Array.from({ length: count }, (_, i) =>
        wideIndexes ? ipma.readUInt16BE(at + i * 2) & 0x7fff : (ipma[at + i] ?? 0) & 0x7f,
      );
    }
    at += count * indexBytes;
  }
  return [];
}
