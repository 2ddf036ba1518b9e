import { splitPath } from '../model/library-path.js';

// How a device tells a photo's parts apart by name: which file is the main one and which are
// companions that travel with it under the same base name.

export type FileKind = 'still' | 'video' | 'raw' | 'sidecar' | 'other';

const KINDS: Record<string, FileKind> = {
  heic: 'still',
  heif: 'still',
  jpg: 'still',
  jpeg: 'still',
  png: 'still',
  gif: 'still',
  webp: 'still',
  mov: 'video',
  mp4: 'video',
  m4v: 'video',
  dng: 'raw',
  cr2: 'raw',
  cr3: 'raw',
  nef: 'raw',
  arw: 'raw',
  raf: 'raw',
  orf: 'raw',
  rw2: 'raw',
  xmp: 'sidecar',
  aae: 'sidecar',
};

export const fileKind = (path: string): FileKind =>
  KINDS[splitPath(path).ext.toLowerCase()] ?? 'other';

/** Folder plus base name, case-folded: the key that groups a main file with its companions. */
export function groupKey(path: string): string {
  const { dir, base } = splitPath(path);
  return `${dir}${base}`.toLowerCase();
}
