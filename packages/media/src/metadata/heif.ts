import type { ByteSource } from './byte-source.js';
import { childBoxes, findBox, metaChildren, readPayload } from './iso-bmff.js';
import { pixelSize, type PixelSize } from './meta-fields.js';

// The stored size of a HEIF/HEIC/AVIF image: the "ispe" property of the primary item. Tiles,
// thumbnails and depth maps are items too, with their own (smaller) ispe.

/** Item properties and their associations are small; a grid of 48 tiles is a few KB. */
const MAX_PROPERTY_BYTES = 1024 * 1024;

export async function readHeifImageSize(source: ByteSource): Promise<PixelSize | undefined> {
  const meta = await findBox(source, 'meta');
  if (meta === undefined) throw new Error('no "meta" box: the image is truncated or damaged');
  const children = await metaChildren(source, meta);
  const pitm = children.find((box) => box.type === 'pitm');
  const iprp = children.find((box) => box.type === 'iprp');
  if (pitm === undefined || iprp === undefined) return undefined;
  const primary = primaryItemId(await readPayload(source, pitm, MAX_PROPERTY_BYTES));
  const propertyBoxes = await childBoxes(source, iprp);
  const ipco = propertyBoxes.find((box) => box.type === 'ipco');
  const ipma = propertyBoxes.find((box) => box.type === 'ipma');
  if (primary === undefined || ipco === undefined || ipma === undefined) return undefined;
  const properties = await childBoxes(source, ipco);
  const associations = await readPayload(source, ipma, MAX_PROPERTY_BYTES);
  for (const index of propertyIndexesOf(associations, primary)) {
    const property = properties[index - 1];
    if (property?.type !== 'ispe') continue;
    const ispe = await readPayload(source, property, 64);
    if (ispe.length >= 12) return pixelSize(ispe.readUInt32BE(4), ispe.readUInt32BE(8));
  }
  return undefined;
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
