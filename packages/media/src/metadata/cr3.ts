import type { ByteSource } from './byte-source.js';
import { readTiffTags, type TagValues, type TiffTags } from './exif-tags.js';
import { childBoxes, findBox, readPayload } from './iso-bmff.js';

// Canon CR3 is an ISO media file; its EXIF sits in a Canon "uuid" box inside moov, split into
// one TIFF block per directory: CMT1 is IFD0, CMT2 the EXIF IFD, CMT4 the GPS IFD.

const CANON_METADATA_UUID = '85c0b687820f11e08111f4ce462b6a48';
const MAX_BLOCK_BYTES = 1024 * 1024;

export async function readCr3Tags(source: ByteSource): Promise<TiffTags | undefined> {
  const moov = await findBox(source, 'moov');
  if (moov === undefined) throw new Error('no "moov" box: the CR3 is truncated or damaged');
  const canon = (await childBoxes(source, moov)).find(
    (box) => box.type === 'uuid' && box.uuid === CANON_METADATA_UUID,
  );
  if (canon === undefined) return undefined;
  const blocks = new Map<string, TagValues>();
  for (const box of await childBoxes(source, canon)) {
    if (!['CMT1', 'CMT2', 'CMT4'].includes(box.type)) continue;
    const tags = await readTiffTags(await readPayload(source, box, MAX_BLOCK_BYTES));
    // Each block is a TIFF of its own, so its directory comes back as that TIFF's IFD0.
    if (tags !== undefined) blocks.set(box.type, tags.ifd0);
  }
  return {
    ifd0: blocks.get('CMT1') ?? {},
    exif: blocks.get('CMT2') ?? {},
    gps: blocks.get('CMT4') ?? {},
  };
}
