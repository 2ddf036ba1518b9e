import { describe, expect, it } from 'vitest';
import { dayKey, distinctPathRuns, isHidden, libraryPathOf } from './library-paths.js';

describe('libraryPathOf', () => {
  it('keeps an uploaded folder as it was, under its own name', () => {
    expect(
      libraryPathOf({ name: 'IMG_1.HEIC', folderPath: 'Trip/day 1/IMG_1.HEIC' }, '2026-11-30'),
    ).toEqual({ ok: true, path: 'Trip/day 1/IMG_1.HEIC' });
  });

  it('puts a file chosen on its own under the day of its upload', () => {
    expect(libraryPathOf({ name: 'IMG_1.HEIC' }, '2026-11-30')).toEqual({
      ok: true,
      path: 'Uploads/2026-11-30/IMG_1.HEIC',
    });
  });

  it('says why a name cannot be a library path', () => {
    const check = libraryPathOf({ name: 'a\u0001b.jpg' }, '2026-11-30');
    expect(check.ok).toBe(false);
    expect(!check.ok && check.problem).toContain('control character');
  });
});

describe('dayKey', () => {
  it('is the local date, zero-padded', () => {
    expect(dayKey(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});

describe('isHidden', () => {
  it('tells what the system left from what the user keeps', () => {
    expect(isHidden('Trip/.DS_Store')).toBe(true);
    expect(isHidden('Trip/._IMG_1.JPG')).toBe(true);
    expect(isHidden('Trip/.Trashes/IMG_1.JPG')).toBe(true);
    expect(isHidden('Trip/IMG_1.JPG')).toBe(false);
  });
});

describe('distinctPathRuns', () => {
  it('keeps first files of each path together and moves later namesakes to runs of their own', () => {
    const files = ['a/x.jpg', 'a/x.mov', 'a/x.jpg', 'a/y.jpg', 'a/x.jpg'].map((path, id) => ({
      path,
      id,
    }));
    expect(distinctPathRuns(files).map((run) => run.map((f) => f.id))).toEqual([
      [0, 1, 3],
      [2],
      [4],
    ]);
  });
});
