import { extname } from 'node:path';

// What a file is, from its first bytes: a name can lie (a JPEG saved as .png, a photo without
// an extension), content rarely does. The extension only helps where the bytes are shared
// (TIFF-based RAWs) or when the content is not recognised at all.

export type MediaKind = 'image' | 'video' | 'other';

export type Container =
  'jpeg' | 'png' | 'gif' | 'bmp' | 'webp' | 'tiff' | 'raf' | 'heif' | 'cr3' | 'quicktime';

export interface Format {
  readonly container: Container;
  /** exiftool's name for the type: "JPEG", "HEIC", "CR2", "MOV"… */
  readonly fileType: string;
  readonly kind: MediaKind;
}

/** How many leading bytes `sniffFormat` wants. */
export const SNIFF_LENGTH = 64;

/** RAW formats that are plain TIFF inside, told apart only by name (and their Make tag). */
const TIFF_RAW_EXTENSIONS = new Set(
  '3fr arw dcr erf iiq kdc mef mos nef nrw pef sr2 srf srw'.split(' '),
);
const IMAGE_EXTENSIONS = new Set([
  ...TIFF_RAW_EXTENSIONS,
  ...'jpg jpeg jpe heic heif avif png gif webp bmp tif tiff dng cr2 cr3 raf orf rw2'.split(' '),
]);
const VIDEO_EXTENSIONS = new Set('mov mp4 m4v 3gp 3g2 mts m2ts avi mkv webm'.split(' '));

/** QuickTime files from before "ftyp" existed start straight with one of these. */
const QUICKTIME_FIRST_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
/** The DIB header sizes of the BMP versions, a check that "BM" is not a coincidence. */
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ']);

const extensionOf = (fileName: string): string => extname(fileName).slice(1).toLowerCase();

export function kindFromExtension(fileName: string): MediaKind {
  const extension = extensionOf(fileName);
  if (IMAGE_EXTENSIONS.has(extension)) return 'image';
  return VIDEO_EXTENSIONS.has(extension) ? 'video' : 'other';
}

export function sniffFormat(head: Buffer, fileName: string): Format | undefined {
  const ascii = (start: number, end: number): string => head.toString('latin1', start, end);
  const image = (container: Container, fileType: string): Format => ({
    container,
    fileType,
    kind: 'image',
  });
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return image('jpeg', 'JPEG');
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return image('png', 'PNG');
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return image('gif', 'GIF');
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return image('webp', 'WEBP');
  if (ascii(0, 16) === 'FUJIFILMCCD-RAW ') return image('raf', 'RAF');
  if (ascii(0, 2) === 'BM' && head.length >= 18 && BMP_HEADER_SIZES.has(head.readUInt32LE(14))) {
    return image('bmp', 'BMP');
  }
  const tiffType = tiffFileType(ascii(0, 4), ascii(8, 10), extensionOf(fileName));
  if (tiffType !== undefined) return image('tiff', tiffType);
  if (ascii(4, 8) === 'ftyp') return isoMediaFormat(head);
  if (QUICKTIME_FIRST_BOXES.has(ascii(4, 8))) {
    return { container: 'quicktime', fileType: 'MOV', kind: 'video' };
  }
  return undefined;
}

/** DNG is recognised later, from its DNGVersion tag. */
function tiffFileType(magic: string, cr2Marker: string, extension: string): string | undefined {
  if (magic === 'IIU\0') return 'RW2';
  if (magic === 'IIRO' || magic === 'IIRS' || magic === 'MMOR') return 'ORF';
  if (magic !== 'II*\0' && magic !== 'MM\0*') return undefined;
  if (cr2Marker === 'CR') return 'CR2';
  return TIFF_RAW_EXTENSIONS.has(extension) ? extension.toUpperCase() : 'TIFF';
}

/** ISO media files by their brands: the major brand, then the compatible ones. */
function isoMediaFormat(head: Buffer): Format | undefined {
  const ftypSize = Math.min(head.readUInt32BE(0), head.length);
  const major = head.toString('latin1', 8, 12);
  const compatible: string[] = [];
  for (let at = 16; at + 4 <= ftypSize; at += 4) {
    compatible.push(head.toString('latin1', at, at + 4));
  }
  const image = (fileType: string): Format => ({ container: 'heif', fileType, kind: 'image' });
  const video = (fileType: string): Format => ({ container: 'quicktime', fileType, kind: 'video' });
  if (major === 'crx ') return { container: 'cr3', fileType: 'CR3', kind: 'image' };
  if (AUDIO_BRANDS.has(major)) return undefined;
  if (major === 'qt  ') return video('MOV');
  if (major.startsWith('M4V')) return video('M4V');
  if (major.startsWith('3g')) return video('3GP');
  if (AVIF_BRANDS.has(major)) return image('AVIF');
  if (HEIC_BRANDS.has(major)) return image('HEIC');
  if (major === 'mif1' || major === 'msf1') {
    // The generic HEIF brands: the compatible list says which codec.
    if (compatible.some((brand) => AVIF_BRANDS.has(brand))) return image('AVIF');
    return image(compatible.some((brand) => HEIC_BRANDS.has(brand)) ? 'HEIC' : 'HEIF');
  }
  return video('MP4');
}
