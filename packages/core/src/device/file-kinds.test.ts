import { describe, expect, it } from 'vitest';
import { fileKind, groupKey } from './file-kinds.js';

describe('fileKind', () => {
  it.each([
    ['2026/04/IMG_0001.HEIC', 'still'],
    ['IMG_0001.heif', 'still'],
    ['IMG_0001.jpg', 'still'],
    ['IMG_0001.JPEG', 'still'],
    ['screenshot.png', 'still'],
    ['anim.gif', 'still'],
    ['web.webp', 'still'],
    ['2026/04/IMG_0001.MOV', 'video'],
    ['clip.mp4', 'video'],
    ['clip.m4v', 'video'],
    ['IMG_0002.DNG', 'raw'],
    ['canon.CR2', 'raw'],
    ['canon.cr3', 'raw'],
    ['nikon.NEF', 'raw'],
    ['sony.arw', 'raw'],
    ['fuji.RAF', 'raw'],
    ['olympus.orf', 'raw'],
    ['panasonic.RW2', 'raw'],
    ['IMG_0001.XMP', 'sidecar'],
    ['IMG_0001.AAE', 'sidecar'],
    ['notes/todo.txt', 'other'],
    ['archive.tar.gz', 'other'],
  ])('%s is a %s', (path, kind) => {
    expect(fileKind(path)).toBe(kind);
  });

  it('ignores the case of the extension', () => {
    for (const path of ['a.HEIC', 'a.heic', 'a.HeIc']) expect(fileKind(path), path).toBe('still');
    for (const path of ['a.MOV', 'a.mov', 'a.Mov']) expect(fileKind(path), path).toBe('video');
    for (const path of ['a.XMP', 'a.xmp', 'a.xMp']) expect(fileKind(path), path).toBe('sidecar');
  });

  it('reads the last extension only, and a name without one is other', () => {
    expect(fileKind('IMG_0001.HEIC.xmp')).toBe('sidecar');
    expect(fileKind('IMG_0001.xmp.HEIC')).toBe('still');
    expect(fileKind('README')).toBe('other');
    expect(fileKind('photos/.heic')).toBe('other');
    expect(fileKind('IMG_0001.')).toBe('other');
    // A folder named like an extension does not make its files photos.
    expect(fileKind('trip.jpg/notes')).toBe('other');
  });
});

describe('groupKey', () => {
  it('groups a main file with its companions: folder and base name, without the extension', () => {
    expect(groupKey('2026/04/IMG_0001.HEIC')).toBe('2026/04/img_0001');
    expect(groupKey('2026/04/IMG_0001.MOV')).toBe(groupKey('2026/04/IMG_0001.HEIC'));
    expect(groupKey('2026/04/IMG_0001.xmp')).toBe(groupKey('2026/04/IMG_0001.HEIC'));
  });

  it('folds case in the base name and the folder', () => {
    expect(groupKey('2026/04/img_0001.mov')).toBe(groupKey('2026/04/IMG_0001.HEIC'));
    expect(groupKey('Trips/Rome/IMG_0001.HEIC')).toBe(groupKey('trips/rome/img_0001.heic'));
  });

  it('keeps different folders and different base names apart', () => {
    expect(groupKey('2026/05/IMG_0001.HEIC')).not.toBe(groupKey('2026/04/IMG_0001.HEIC'));
    expect(groupKey('2026/04/IMG_0002.HEIC')).not.toBe(groupKey('2026/04/IMG_0001.HEIC'));
    // The folder is part of the key, not glued into the name: a/bc and ab/c differ.
    expect(groupKey('a/bc.HEIC')).not.toBe(groupKey('ab/c.HEIC'));
  });

  it('drops only the last extension, and keeps a name without one whole', () => {
    expect(groupKey('2026/IMG_0001.edit.JPG')).toBe('2026/img_0001.edit');
    expect(groupKey('2026/README')).toBe('2026/readme');
    expect(groupKey('IMG_0001.HEIC')).toBe('img_0001');
  });
});
