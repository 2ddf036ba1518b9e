import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDevice } from './agent-process.js';
import { foldingMountMissing, mountFolding, type FoldingMount } from './folding-mount.js';
import { serverForFile, USER_PASSWORD } from './households.js';
import type { LibraryClient } from './library-client.js';

// One device on Linux's ext4, which tells IMG_1.jpg from img_1.jpg, and one whose folder is on
// a real exFAT mount, which does not (as SD cards, USB drives, and macOS and Windows disks as
// usually formatted): the same library must reach both with nothing lost and nothing fighting.

const missing = foldingMountMissing();
if (missing !== undefined && process.env.KEEPSAKE_REQUIRE_SERVICES === '1') {
  throw new Error(`no exFAT mount for the case-folding tests: ${missing}`);
}

const { household, server } = serverForFile();

/** The folder's own names, the agent's aside. */
const names = (device: AgentDevice) =>
  readdirSync(device.folder)
    .filter((name) => name !== '.keepsake')
    .sort();

describe.skipIf(missing !== undefined)('a folder on a file system that folds names (exFAT)', () => {
  let mount: FoldingMount | undefined;
  const roots: string[] = [];
  beforeAll(() => {
    mount = mountFolding();
  });
  afterAll(() => {
    mount?.unmount();
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  async function linuxAndFolding(user: string) {
    const {
      library,
      devices: [linux],
    } = await household(user, ['linux']);
    if (!mount) throw new Error('the exFAT image is mounted in beforeAll');
    const root = mkdtempSync(join(tmpdir(), `keepsake-${user}-exfat-`));
    roots.push(root);
    const folding = new AgentDevice(
      `${user}-exfat`,
      root,
      mkdtempSync(join(mount.path, `${user}-`)),
    );
    await folding.login(server().url, user, USER_PASSWORD);
    return { library, linux, folding };
  }

  /**
   * Syncs two new photos named alike but for case, and checks both devices end with both,
   * under names the exFAT folder can hold side by side, and stay quiet.
   */
  async function twoPhotosOnBoth(
    library: LibraryClient,
    linux: AgentDevice,
    folding: AgentDevice,
  ): Promise<void> {
    await linux.syncOnce();
    await folding.syncOnce();
    await linux.syncOnce();
    expect(new Set(names(folding).map((name) => name.toLowerCase())).size).toBe(2);
    expect(new Set(folding.files().values()).size).toBe(2);
    expect(folding.files()).toEqual(linux.files());
    expect(await library.assets()).toHaveLength(2);
    for (const device of [folding, linux]) expect((await device.syncOnce()).opsMade).toBe(0);
  }

  it('two photos whose names differ only in case are two files there, and nothing fights', async () => {
    const { library, linux, folding } = await linuxAndFolding('case-pair');
    writeFileSync(join(linux.folder, 'IMG_1.jpg'), 'the first photo');
    writeFileSync(join(linux.folder, 'img_1.jpg'), 'a second photo');
    await twoPhotosOnBoth(library, linux, folding);
    // Under one name each would overwrite the other: one goes by the deterministic suffix, on
    // both devices alike.
    expect(names(folding).some((name) => /^img_1~[0-9a-f]{4}\.jpg$/i.test(name))).toBe(true);
    expect(folding.trashedHashes()).toEqual([]);
  });

  it('a case-only rename made elsewhere reaches it, and one made there reaches the others', async () => {
    const { library, linux, folding } = await linuxAndFolding('case-rename');
    writeFileSync(join(linux.folder, 'IMG_2.jpg'), 'a photo renamed twice');
    await linux.syncOnce();
    await folding.syncOnce();
    renameSync(join(linux.folder, 'IMG_2.jpg'), join(linux.folder, 'img_2.jpg'));
    await linux.syncOnce();
    // Written under its new name, the file would be in its own way; removed under the old one,
    // it would be gone: the folder follows by renaming it.
    await folding.syncOnce();
    expect(names(folding)).toEqual(['img_2.jpg']);
    expect(folding.files()).toEqual(linux.files());
    expect(folding.trashedHashes()).toEqual([]);

    renameSync(join(folding.folder, 'img_2.jpg'), join(folding.folder, 'Img_2.jpg'));
    await folding.syncOnce();
    await linux.syncOnce();
    expect(names(linux)).toEqual(['Img_2.jpg']);
    expect(linux.files()).toEqual(folding.files());
    const assets = await library.assets();
    expect(assets).toHaveLength(1);
    expect(assets[0]?.paths).toEqual(['Img_2.jpg']);
  });

  it('converges when each device names a new photo the same but for case', async () => {
    const { library, linux, folding } = await linuxAndFolding('case-both');
    writeFileSync(join(linux.folder, 'Photo.jpg'), 'taken on the laptop');
    writeFileSync(join(folding.folder, 'PHOTO.JPG'), 'taken on the camera');
    await twoPhotosOnBoth(library, linux, folding);
  });

  it('a photo deleted elsewhere goes to the local trash, even when a new photo takes its name but for case', async () => {
    const { linux, folding } = await linuxAndFolding('case-replaced');
    writeFileSync(join(folding.folder, 'PHOTO.JPG'), 'the old photo');
    await folding.syncOnce();
    await linux.syncOnce();
    const old = folding.files().get('PHOTO.JPG');
    rmSync(join(linux.folder, 'PHOTO.JPG'));
    writeFileSync(join(linux.folder, 'Photo.jpg'), 'a new photo');
    await linux.syncOnce();
    await folding.syncOnce();
    expect(names(folding)).toEqual(['Photo.jpg']);
    expect(folding.files()).toEqual(linux.files());
    expect(folding.trashedHashes()).toEqual([old]);
  });

  it('a folder renamed only in case elsewhere waits there, and reverts or trashes nothing', async () => {
    const { library, linux, folding } = await linuxAndFolding('case-folder');
    mkdirSync(join(linux.folder, 'trip'));
    writeFileSync(join(linux.folder, 'trip/a.jpg'), 'a photo of the trip');
    await linux.syncOnce();
    await folding.syncOnce();
    renameSync(join(linux.folder, 'trip'), join(linux.folder, 'Trip'));
    await linux.syncOnce();
    // Following it would mean renaming the folder under every file in it: not done, and said.
    const run = await folding.run(['sync', folding.folder, '--once', '--json', '--timeout', '5']);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('name group(s) not settled');
    expect(names(folding)).toEqual(['trip']);
    expect(folding.trashedHashes()).toEqual([]);
    const assets = await library.assets();
    expect(assets.map((asset) => asset.paths)).toEqual([['Trip/a.jpg']]);
  });
});
