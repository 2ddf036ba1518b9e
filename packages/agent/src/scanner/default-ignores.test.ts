import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { ignoredByDefault } from './default-ignores.js';
import { DEFAULT_IGNORES, loadIgnoreRules, syncedHere } from './ignore-rules.js';

describe('the default ignore rules without the ignore package', () => {
  it('say what ignore says of the same patterns, for paths made of their pieces (property)', () => {
    const reference = ignore().add([...DEFAULT_IGNORES]);
    const piece = fc.constantFrom(
      '.keepsake',
      '.KeepSake',
      '.keepsakeignore',
      '.DS_Store',
      '.ds_store',
      '._IMG',
      '.Spotlight-V100',
      '.Trashes',
      '.fseventsd',
      '.TemporaryItems',
      'Thumbs.db',
      'THUMBS.DB',
      'desktop.ini',
      '$RECYCLE.BIN',
      '@eaDir',
      '#recycle',
      '#snapshot',
      'IMG_0001.JPG',
      'notes.txt~',
      '~',
      '.x.swp',
      '..swp',
      '.swp',
      '~$report.docx',
      '~$',
      'a.tmp',
      '.tmp',
      'A.TEMP',
      'video.part',
      'b.partial',
      'c.crdownload',
      'd.download',
      'download',
      'photo',
      'tmp',
      'x.swp',
      '.hidden',
    );
    const path = fc
      .tuple(fc.array(piece, { minLength: 0, maxLength: 3 }), piece, fc.boolean())
      .map(([dirs, name, folder]) => `${[...dirs, name].join('/')}${folder ? '/' : ''}`);
    // The walk never enters an ignored folder, so only paths whose folders are kept are asked.
    const foldersKept = (p: string) => {
      const parts = p.replace(/\/$/, '').split('/').slice(0, -1);
      return parts.every((_, i) => !reference.ignores(`${parts.slice(0, i + 1).join('/')}/`));
    };
    fc.assert(
      fc.property(path.filter(foldersKept), (p) => {
        expect(ignoredByDefault(p)).toBe(reference.ignores(p));
      }),
      { seed: 20261130, numRuns: 2000 },
    );
  });
});

describe("the agent's own folder", () => {
  // A folder synced by another device inside this one holds its own `.keepsake`: its state.db
  // must not be uploaded as a photo.
  const nested = ['.keepsake/', 'Trip/.keepsake/', 'a/b/.KeepSake/'];

  it('is left out at any depth by the fast path', () => {
    for (const path of nested) expect(ignoredByDefault(path), path).toBe(true);
    expect(ignoredByDefault('Trip/.keepsake')).toBe(false); // a file so named is a file
    expect(ignoredByDefault('Trip/.keepsakes/')).toBe(false);
  });

  it('is left out at any depth with or without a .keepsakeignore', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'keepsake-ignores-'));
    try {
      const plain = await loadIgnoreRules(folder);
      await writeFile(join(folder, '.keepsakeignore'), '*.raw\n');
      const own = await loadIgnoreRules(folder);
      for (const rules of [plain, own]) {
        for (const path of nested) expect(rules.ignores(path), path).toBe(true);
        expect(syncedHere('Trip/.keepsake/state.db', rules)).toBe(false);
        expect(syncedHere('Trip/IMG_0001.JPG', rules)).toBe(true);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
