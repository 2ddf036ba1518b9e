import { bufferSource } from './byte-source.js';
import { cleanText } from './meta-fields.js';
import { readIfd, textOf } from './tiff-ifd.js';

// Apple's MakerNote: "Apple iOS\0", a version, a byte order, then a TIFF directory whose
// offsets count from the start of the note. Tag 0x0011 is the Live Photo content identifier
// (exiftool 12 calls it MediaGroupUUID, newer releases ContentIdentifier); the paired video
// carries the same value as com.apple.quicktime.content.identifier.

const SIGNATURE = 'Apple iOS\0';
const DIRECTORY_OFFSET = 14;
const CONTENT_IDENTIFIER = 0x0011;

export async function appleContentIdentifier(makerNote: Uint8Array): Promise<string | undefined> {
  const note = Buffer.from(makerNote.buffer, makerNote.byteOffset, makerNote.byteLength);
  if (note.toString('latin1', 0, SIGNATURE.length) !== SIGNATURE) return undefined;
  const order = note.toString('latin1', 12, 14);
  if (order !== 'MM' && order !== 'II') return undefined;
  const context = { source: bufferSource(note), littleEndian: order === 'II', base: 0 };
  const directory = await readIfd(context, DIRECTORY_OFFSET);
  return cleanText(await textOf(context, directory?.entries.get(CONTENT_IDENTIFIER)));
}
