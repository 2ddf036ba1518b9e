import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLibraryPath, joinPath, splitPath } from './library-path.js';

const SEED = 20_260_401;

describe('checkLibraryPath', () => {
  it.each([
    'IMG_0001.HEIC',
    '2026/04/IMG_0001.HEIC',
    'Ferien am Meer/Tag 1/a b.jpg',
    '.hidden',
    'a..b/c',
  ])('accepts %j as it is', (path) => {
    expect(checkLibraryPath(path)).toEqual({ ok: true, path });
  });

  it('accepts characters outside the Basic Multilingual Plane (whole surrogate pairs)', () => {
    expect(checkLibraryPath('Ferien \u{1F600}/IMG.HEIC')).toEqual({
      ok: true,
      path: 'Ferien \u{1F600}/IMG.HEIC',
    });
  });

  it('normalizes to NFC so macOS and Linux agree on one spelling', () => {
    const decomposed = 'Cafe\u0301/IMG.HEIC';
    expect(checkLibraryPath(decomposed)).toEqual({ ok: true, path: 'Caf\u00e9/IMG.HEIC' });
  });

  it.each([
    ['', 'is empty'],
    ['/etc/passwd', 'must be relative'],
    ['a\\b.HEIC', 'must be relative'],
    ['C:/Users/x.HEIC', 'must be relative'],
    ['c:x.HEIC', 'must be relative'],
    ['a//b.HEIC', 'has an empty segment'],
    ['a/b/', 'has an empty segment'],
    ['..', 'may not contain "." or ".." segments'],
    ['a/../../b.HEIC', 'may not contain "." or ".." segments'],
    ['./a.HEIC', 'may not contain "." or ".." segments'],
    ['a/\u0000.HEIC', 'contains NUL or a control character'],
    ['a\nb.HEIC', 'contains NUL or a control character'],
    ['a\u007f.HEIC', 'contains NUL or a control character'],
    ['a\udc00b.jpg', 'is not well-formed Unicode'],
    ['a/\ud83d.jpg', 'is not well-formed Unicode'],
    ['\ude00\ud83d.jpg', 'is not well-formed Unicode'],
  ])('rejects %j: %s', (raw, problem) => {
    const check = checkLibraryPath(raw);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem).toContain(problem);
  });

  it('limits the whole path to 1024 characters and a segment to 255', () => {
    const segment = (n: number) => 'x'.repeat(n);
    expect(checkLibraryPath(segment(255)).ok).toBe(true);
    expect(checkLibraryPath(segment(256))).toEqual({
      ok: false,
      problem: 'has a segment longer than 255 characters',
    });
    const p1022 = [segment(255), segment(255), segment(255), segment(254)].join('/');
    expect(p1022).toHaveLength(1022);
    expect(checkLibraryPath(`${p1022}/x`)).toEqual({ ok: true, path: `${p1022}/x` });
    expect(checkLibraryPath(`${p1022}/xy`)).toEqual({
      ok: false,
      problem: 'is longer than 1024 characters',
    });
  });
});

describe('splitPath and joinPath', () => {
  it.each([
    ['2026/04/IMG_0001.HEIC', { dir: '2026/04/', base: 'IMG_0001', ext: 'HEIC' }],
    ['IMG_0001.HEIC', { dir: '', base: 'IMG_0001', ext: 'HEIC' }],
    ['archive.tar.gz', { dir: '', base: 'archive.tar', ext: 'gz' }],
    ['README', { dir: '', base: 'README', ext: '' }],
    ['a.b/README', { dir: 'a.b/', base: 'README', ext: '' }],
    ['a/.hidden', { dir: 'a/', base: '.hidden', ext: '' }],
    ['a/IMG.', { dir: 'a/', base: 'IMG.', ext: '' }],
  ])('splits %j', (path, parts) => {
    expect(splitPath(path)).toEqual(parts);
    expect(joinPath(parts)).toBe(path);
  });

  it('changes the extension and keeps the rest', () => {
    expect(joinPath({ ...splitPath('2026/IMG_7.MOV'), ext: 'HEIC' })).toBe('2026/IMG_7.HEIC');
  });

  it('round-trips every valid library path (property)', () => {
    const segment = fc.string({
      unit: fc.constantFrom('a', 'B', '1', '.', '_', ' ', 'é'),
      minLength: 1,
      maxLength: 6,
    });
    const path = fc
      .array(segment, { minLength: 1, maxLength: 4 })
      .map((segments) => segments.join('/'))
      .filter((p) => checkLibraryPath(p).ok);
    fc.assert(
      fc.property(path, (p) => {
        expect(joinPath(splitPath(p))).toBe(p);
        const { dir, base } = splitPath(p);
        expect(dir === '' || dir.endsWith('/')).toBe(true);
        expect(base.length).toBeGreaterThan(0);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
