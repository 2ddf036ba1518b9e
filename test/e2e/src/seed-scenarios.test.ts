import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';
import { Prng } from '@keepsake/sim';
import { ADMIN_PASSWORD, put, serverForFile } from './households.js';
import { LibraryClient } from './library-client.js';

// The failures of the big photo clouds that Keepsake exists to end (see the background
// article), each replayed against real processes.

const { household, server } = serverForFile();

describe('seed scenarios', () => {
  it('the edited photo leaves no ghost record', async () => {
    const {
      library,
      devices: [phone, laptop],
    } = await household('ghost', ['phone', 'laptop']);
    put(phone, 'heic/classic-car.heic', 'IMG_0001.heic');
    await phone.syncOnce();
    await laptop.syncOnce();
    writeFileSync(join(laptop.folder, 'IMG_0001.heic'), 'the photo, cropped on the laptop');
    await laptop.syncOnce();
    await phone.syncOnce();
    // One photo, showing the edit, on every device and the server; the original kept with it.
    const assets = await library.assets();
    expect(assets).toHaveLength(1);
    expect(assets[0]?.versions).toHaveLength(1);
    expect(phone.files()).toEqual(laptop.files());
    expect([...phone.files().keys()]).toEqual(['IMG_0001.heic']);
    expect(assets[0]?.versions[0]?.resources.render?.hash).toBe(phone.files().get('IMG_0001.heic'));
  });

  it('the upload re-sent after a network switch is not dropped as a duplicate', async () => {
    const proxy = await FaultProxy.start(new URL(server().url), new Prng(1));
    proxy.faulty = false;
    try {
      const {
        library,
        devices: [phone, laptop],
      } = await household('network-switch', ['phone', 'laptop'], proxy.url);
      put(phone, 'livephoto/train.jpg', 'IMG_0002.jpg');
      // The server applies the import, and the reply is lost as the phone changes networks.
      proxy.loseReplyTo = 'POST /api/v1/ops';
      await phone.syncOnce();
      expect(proxy.loseReplyTo).toBeUndefined();
      await laptop.syncOnce();
      expect(laptop.files()).toEqual(phone.files());
      const [asset] = await library.assets();
      expect(asset?.paths).toEqual(['IMG_0002.jpg']);
      const why = await phone.run(['why', join(phone.folder, 'IMG_0002.jpg'), '--json']);
      const history = (
        JSON.parse(why.stdout) as { server: { history: { outcome: { status: string } }[] } }
      ).server.history;
      // Logged once, applied: the re-send got the first outcome back and was not a second photo.
      expect(history.map((h) => h.outcome.status)).toEqual(['applied']);
    } finally {
      await proxy.close();
    }
  });

  it('the deleted photo does not come back from a device that was away', async () => {
    const {
      library,
      devices: [phone, laptop, tablet],
    } = await household('no-resurrection', ['phone', 'laptop', 'tablet']);
    if (!tablet) throw new Error('three devices');
    put(phone, 'jpeg/mongolia.jpeg', 'mongolia.jpeg');
    for (const device of [phone, laptop, tablet]) await device.syncOnce();
    const hash = phone.files().get('mongolia.jpeg');
    // Deleted on the phone, then purged for good, while the tablet is away holding its copy.
    rmSync(join(phone.folder, 'mongolia.jpeg'));
    await phone.syncOnce();
    const [trashed] = await library.assets('trashed');
    if (!trashed) throw new Error('the deleted photo should be in the trash');
    const purge = await library.submit({
      kind: 'purge',
      assetId: trashed.id,
      context: trashed.versions.map((v) => v.id),
    });
    expect(purge.status).toBe('applied');
    await laptop.syncOnce();
    await tablet.syncOnce();
    await phone.syncOnce();
    for (const device of [phone, laptop, tablet]) expect(device.files().size).toBe(0);
    expect(tablet.trashedHashes()).toEqual([hash]); // kept in its local trash, not hard-deleted
    expect(await library.assets()).toEqual([]);
  });

  it('the shared-album photo neither vanishes nor doubles after a reboot', async () => {
    const {
      library,
      devices: [phone],
    } = await household('shared-album', ['phone']);
    const friend = await LibraryClient.forNewUser(
      server().url,
      ADMIN_PASSWORD,
      'shared-album-friend',
      'a friend of the e2e tests',
    );
    put(phone, 'livephoto/train.jpg', 'IMG_0003.jpg');
    put(phone, 'livephoto/train.mov', 'IMG_0003.mov');
    await phone.syncOnce();
    const [photo] = await library.assets();
    if (!photo) throw new Error('the photo should be on the server');
    const owner = await library.userId();
    const albumId = 'holiday-album';
    for (const payload of [
      { kind: 'createAlbum' as const, albumId, owner, name: 'Holiday' },
      { kind: 'addToAlbum' as const, albumId, assetId: photo.id },
      {
        kind: 'shareAlbum' as const,
        albumId,
        user: await friend.userId(),
        role: 'viewer' as const,
      },
    ]) {
      expect((await library.submit(payload as never)).status).toBe('applied');
    }
    // The phone crashes mid-sync, then reboots with its state lost, and syncs again.
    phone.killRunning();
    rmSync(join(phone.folder, '.keepsake'), { recursive: true });
    const again = await phone.syncOnce();
    expect(again.opsMade).toBe(0);
    const shared = await friend.albumAssets(albumId, owner);
    expect(shared.map((a) => a.id)).toEqual([photo.id]);
    expect(await library.assets()).toHaveLength(1);
  });
});
