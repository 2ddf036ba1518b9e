import type { ByteSource } from './byte-source.js';
import { pixelSize, type PixelSize } from './meta-fields.js';

// A JPEG's segments up to its frame header: the pixel size (SOF), the EXIF block and the XMP
// packet. Walking them ourselves is cheap (one small read per segment) and copes with files
// that trip exifr's own JPEG walk (stray bytes between segments, odd segment orders).

export interface JpegSegments {
  readonly size?: PixelSize;
  /** The TIFF structure inside the first APP1 "Exif" segment. */
  readonly exif?: Buffer;
  readonly xmp?: string;
}

const APP1 = 0xe1;
const START_OF_SCAN = 0xda;
const END_OF_IMAGE = 0xd9;
const EXIF_HEADER = 'Exif\0\0';
const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0';
const MAX_SEGMENTS = 1024;
/** Stray bytes we skip looking for the next marker, as exiftool does, before giving up. */
const MAX_RESYNC_BYTES = 4096;

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Markers that stand alone, without a length: TEM and the restart markers. */
const isStandalone = (marker: number): boolean =>
  marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

export async function readJpegSegments(source: ByteSource): Promise<JpegSegments> {
  let exif: Buffer | undefined;
  let xmp: string | undefined;
  let position = 2; // after SOI
  for (let count = 0; count < MAX_SEGMENTS; count += 1) {
    const markerAt = await nextMarker(source, position);
    if (markerAt === undefined) break;
    const head = await source.read(markerAt, 9);
    const marker = head[1] ?? END_OF_IMAGE;
    if (isStandalone(marker)) {
      position = markerAt + 2;
      continue;
    }
    if (marker === START_OF_SCAN || marker === END_OF_IMAGE || head.length < 4) break;
    const length = head.readUInt16BE(2);
    if (isStartOfFrame(marker)) {
      // Precision, then height and width; a height of 0 is defined later by a DNL segment.
      const size =
        head.length >= 9 ? pixelSize(head.readUInt16BE(7), head.readUInt16BE(5)) : undefined;
      return {
        ...(size !== undefined && { size }),
        ...(exif !== undefined && { exif }),
        ...(xmp !== undefined && { xmp }),
      };
    }
    if (marker === APP1 && length > 2) {
      const payload = await source.read(markerAt + 4, length - 2);
      if (exif === undefined && payload.toString('latin1', 0, 6) === EXIF_HEADER) {
        exif = payload.subarray(6);
      } else if (xmp === undefined && payload.toString('latin1', 0, 29) === XMP_HEADER) {
        xmp = payload.toString('utf8', 29);
      }
    }
    position = markerAt + 2 + length;
  }
  return { ...(exif !== undefined && { exif }), ...(xmp !== undefined && { xmp }) };
}

/** The offset of the next 0xFF-prefixed marker at or after `position`, skipping fill bytes. */
async function nextMarker(source: ByteSource, position: number): Promise<number | undefined> {
  const window = await source.read(position, MAX_RESYNC_BYTES);
  for (let i = 0; i + 1 < window.length; i += 1) {
    if (window[i] === 0xff && window[i + 1] !== 0xff && window[i + 1] !== 0x00) return position + i;
  }
  return undefined;
}
