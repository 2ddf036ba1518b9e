import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimFolder, OverlappingFolder, syncedFolders } from './synced-folders.js';

describe('claimFolder', () => {
  let root: string;
  let config: string;

  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'keepsake-claim-')));
    config = join(root, 'config');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('records a folder by its real path, once', async () => {
    const photos = join(root, 'photos');
    await mkdir(photos);
    expect(await claimFolder(config, photos)).toBe(photos);
    expect(await claimFolder(config, `${photos}/.`)).toBe(photos);
    expect(await syncedFolders(config)).toEqual([photos]);
  });

  it('refuses a folder inside or around one this device syncs', async () => {
    const photos = join(root, 'photos');
    await mkdir(join(photos, 'trip'), { recursive: true });
    await claimFolder(config, photos);
    await expect(claimFolder(config, join(photos, 'trip'))).rejects.toThrow(OverlappingFolder);
    await expect(claimFolder(config, root)).rejects.toThrow(OverlappingFolder);
    expect(await syncedFolders(config)).toEqual([photos]);
  });

  it('refuses a folder inside one another device syncs, seen by its .keepsake', async () => {
    const theirs = join(root, 'shared');
    const deep = join(theirs, 'a', 'b');
    await mkdir(join(theirs, '.keepsake'), { recursive: true });
    await mkdir(deep, { recursive: true });
    const claim = claimFolder(config, deep);
    await expect(claim).rejects.toThrow(OverlappingFolder);
    await expect(claim).rejects.toThrow(`${deep} is inside ${theirs}`);
    expect(await syncedFolders(config)).toEqual([]);
    // The synced folder itself (its own .keepsake is not above it) can be claimed.
    expect(await claimFolder(config, theirs)).toBe(theirs);
  });

  it('does not count a file named .keepsake as a synced folder', async () => {
    const inner = join(root, 'outer', 'inner');
    await mkdir(inner, { recursive: true });
    await writeFile(join(root, 'outer', '.keepsake'), '');
    expect(await claimFolder(config, inner)).toBe(inner);
  });

  it('refuses a file, and records nothing', async () => {
    const file = join(root, 'IMG_0001.JPG');
    await writeFile(file, 'jpeg');
    await expect(claimFolder(config, file)).rejects.toThrow(`${file} is not a folder`);
    await expect(readFile(join(config, 'folders.json'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('refuses a missing folder', async () => {
    await expect(claimFolder(config, join(root, 'nope'))).rejects.toThrow('does not exist');
  });
});
