// TIFF tags and values that mark camera RAW (TIFF 6.0, DNG 1.6 specifications).
const NEW_SUBFILE_TYPE = 254;
const REDUCED_RESOLUTION = 1;
const PHOTOMETRIC_INTERPRETATION = 262;
const RAW_PHOTOMETRICS = new Set([32803 /* CFA: sensor data */, 34892 /* LinearRaw */]);
const SHORT = 3;

/**
 * Whether a TIFF is really a camera RAW (CR2, NEF, DNG and the like). sharp decodes those as
 * TIFF but returns only their first image, a small preview or undemosaiced sensor data, not the
 * photo. CR2 says so in its header; the others in the first IFD's subfile type or photometric.
 */
export function tiffIsCameraRaw(tiff: Uint8Array): boolean {
  if (tiff.length < 12) return false;
  if (tiff[8] === 0x43 && tiff[9] === 0x52 && tiff[10] === 2) return true; // "CR", version 2
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const littleEndian = tiff[0] === 0x49;
  const ifd = view.getUint32(4, littleEndian);
  if (ifd + 2 > tiff.length) return false;
  const entries = view.getUint16(ifd, littleEndian);
  for (let i = 0; i < entries && ifd + 2 + (i + 1) * 12 <= tiff.length; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = view.getUint16(entry, littleEndian);
    const type = view.getUint16(entry + 2, littleEndian);
    // A SHORT value sits in the first two bytes of the value field, a LONG fills all four.
    const value =
      type === SHORT
        ? view.getUint16(entry + 8, littleEndian)
        : view.getUint32(entry + 8, littleEndian);
    if (tag === NEW_SUBFILE_TYPE && (value & REDUCED_RESOLUTION) !== 0) return true;
    if (tag === PHOTOMETRIC_INTERPRETATION && RAW_PHOTOMETRICS.has(value)) return true;
  }
  return false;
}
