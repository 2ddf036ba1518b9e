import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentDevice } from './agent-process.js';
import { ADMIN_PASSWORD, put, serverForFile } from './households.js';

// Real processes only: `keepsake serve`, and each device's `keepsake sync --once` in its own
// process with its own config directory and folder, as users run them. Each test is a user of
// its own, so libraries do not mix.

const { household, server } = serverForFile();

/** Blobs the server has sent (its request counter, read as the administrator). */
async function blobsServed(): Promise<number> {
  const { url } = server();
  const session = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }),
  });
  const { token } = (await session.json()) as { token: string };
  const metrics = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  return metrics
    .split('\n')
    .filter((line) => line.includes('method="GET"') && line.includes('route="/api/v1/blobs/:hash"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

const syncAll = async (...devices: AgentDevice[]) => {
  for (const device of devices) await device.syncOnce();
};

describe('keepsake sync between devices', () => {
  it('brings photos taken on one device to another, bit for bit', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('imports', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', '2024/door-knocker.jpg');
    put(a, 'heic/classic-car.heic', '2024/05/classic-car.heic');
    put(a, 'jpeg/fin de journée.jpg', 'fin de journée.jpg');
    await syncAll(a, b);
    expect(b.files()).toEqual(a.files());
    expect(a.files().size).toBe(3);
    expect(await library.assets()).toHaveLength(3);
  });

  it('an edit in place becomes a new version everywhere, and the original stays on the server', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('edits', ['a', 'b']);
    put(a, 'jpeg/mongolia.jpeg', 'mongolia.jpeg');
    await syncAll(a, b);
    const before = a.files().get('mongolia.jpeg');
    writeFileSync(join(b.folder, 'mongolia.jpeg'), 'the photo, edited on b');
    await syncAll(b, a);
    expect(a.files()).toEqual(b.files());
    expect(a.files().get('mongolia.jpeg')).not.toBe(before);
    const asset = await library.assetAt('mongolia.jpeg');
    expect(asset.versions).toHaveLength(1);
    expect(asset.versions[0]?.resources.original.hash).toBe(before);
    expect(asset.versions[0]?.resources.render?.hash).toBe(a.files().get('mongolia.jpeg'));
    expect(await library.assets()).toHaveLength(1); // no ghost record of the old version
  });

  it('a move or rename moves the file everywhere without uploading it again', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('moves', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'inbox/door-knocker.jpg');
    await syncAll(a, b);
    mkdirSync(join(a.folder, 'sorted'));
    renameSync(join(a.folder, 'inbox/door-knocker.jpg'), join(a.folder, 'sorted/knocker.jpg'));
    const moved = await a.syncOnce();
    expect(moved.uploaded).toBe(0);
    await b.syncOnce();
    expect([...b.files().keys()]).toEqual(['sorted/knocker.jpg']);
    expect(b.files()).toEqual(a.files());
    expect((await library.assetAt('sorted/knocker.jpg')).paths).toEqual(['sorted/knocker.jpg']);
  });

  it('a copy into a second folder is a second placement of one asset', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('copies', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await syncAll(a);
    put(a, 'jpeg/door-knocker.jpg', 'favourites/door-knocker.jpg');
    const copied = await a.syncOnce();
    expect(copied.uploaded).toBe(0);
    await b.syncOnce();
    expect(b.files()).toEqual(a.files());
    expect(b.files().size).toBe(2);
    const assets = await library.assets();
    expect(assets).toHaveLength(1);
    expect(assets[0]?.paths).toEqual(['door-knocker.jpg', 'favourites/door-knocker.jpg']);
  });

  it('a download a crash left linked to a placed file is not trusted for the next placement', async () => {
    const {
      devices: [a, b],
    } = await household('leftover-download', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await syncAll(a, b);
    const hash = b.files().get('door-knocker.jpg') ?? '';
    // What a crash between placing a download (a hard link) and dropping it leaves, once the
    // user has edited the placed file in place: the download's name, other bytes.
    const placed = join(mkdtempSync(join(tmpdir(), 'keepsake-placed-')), 'edited.jpg');
    writeFileSync(placed, 'edited by the user after the crash');
    linkSync(placed, join(b.folder, '.keepsake/downloads', hash));
    put(a, 'jpeg/door-knocker.jpg', 'favourites/door-knocker.jpg');
    await syncAll(a, b);
    expect(b.files().get('favourites/door-knocker.jpg')).toBe(hash);
    expect(b.files()).toEqual(a.files());
  });

  it('two placements of one photo are two files: an edit of one is one new version for both', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('placements', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    put(a, 'jpeg/door-knocker.jpg', 'favourites/door-knocker.jpg');
    await syncAll(a, b);
    const [first, second] = ['door-knocker.jpg', 'favourites/door-knocker.jpg'].map((path) =>
      statSync(join(b.folder, path)),
    );
    expect(first?.ino).not.toBe(second?.ino);
    // Rewritten in place (same inode), as editors that truncate and write do.
    writeFileSync(join(b.folder, 'favourites/door-knocker.jpg'), 'edited on b');
    await syncAll(b, a, b);
    const edited = b.files().get('favourites/door-knocker.jpg');
    expect(b.files().get('door-knocker.jpg')).toBe(edited);
    expect(a.files()).toEqual(b.files());
    const assets = await library.assets();
    expect(assets).toHaveLength(1);
    expect(assets[0]?.versions).toHaveLength(1);
  });

  it('a folder a device ignores is neither placed there nor deleted from the library', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('ignores', ['a', 'b']);
    writeFileSync(join(b.folder, '.keepsakeignore'), 'Screenshots/\n');
    put(a, 'jpeg/door-knocker.jpg', 'Screenshots/door-knocker.jpg');
    put(a, 'jpeg/mongolia.jpeg', 'mongolia.jpeg');
    await syncAll(a, b, a);
    const screenshot = a.files().get('Screenshots/door-knocker.jpg');
    expect(screenshot).toBeDefined();
    expect(b.files().has('Screenshots/door-knocker.jpg')).toBe(false);
    expect(b.files().has('mongolia.jpeg')).toBe(true);
    expect(await library.assets()).toHaveLength(2);

    // The rule dropped: the folder arrives.
    rmSync(join(b.folder, '.keepsakeignore'));
    await syncAll(b);
    expect(b.files().get('Screenshots/door-knocker.jpg')).toBe(screenshot);

    // A rule added for a folder already synced stops syncing it here; it deletes nothing.
    writeFileSync(join(b.folder, '.keepsakeignore'), 'Screenshots/\n');
    rmSync(join(b.folder, 'Screenshots'), { recursive: true });
    await syncAll(b, a);
    expect(a.files().get('Screenshots/door-knocker.jpg')).toBe(screenshot);
    expect(await library.assets()).toHaveLength(2);
    expect(await library.assets('trashed')).toHaveLength(0);
  });

  it('a photo whose name an ignored file of this device holds is left out there, and the device settles', async () => {
    const {
      devices: [a, b],
    } = await household('ignored-in-the-way', ['a', 'b']);
    writeFileSync(join(b.folder, '.keepsakeignore'), 'Screenshots/\n');
    mkdirSync(join(b.folder, 'Screenshots'));
    writeFileSync(join(b.folder, 'Screenshots/door-knocker.jpg'), 'kept on this device only');
    put(a, 'jpeg/door-knocker.jpg', 'Screenshots/door-knocker.jpg');
    await syncAll(a, b);
    const kept = readFileSync(join(b.folder, 'Screenshots/door-knocker.jpg'), 'utf8');
    expect(kept).toBe('kept on this device only');
  });

  it('a file is never placed through a linked folder, which would put it outside the synced one', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('linked-folder', ['a', 'b']);
    const elsewhere = mkdtempSync(join(tmpdir(), 'keepsake-elsewhere-'));
    try {
      symlinkSync(elsewhere, join(b.folder, 'Archive'));
      put(a, 'jpeg/door-knocker.jpg', 'Archive/door-knocker.jpg');
      await syncAll(a, b, a);
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(a.files().has('Archive/door-knocker.jpg')).toBe(true);
      expect(await library.assets()).toHaveLength(1);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('a delete trashes the asset on the server and moves the file to local trash elsewhere; restore brings it back', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('deletes', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await syncAll(a, b);
    const hash = a.files().get('door-knocker.jpg');
    rmSync(join(a.folder, 'door-knocker.jpg'));
    await syncAll(a, b);
    expect(b.files().size).toBe(0);
    expect(b.trashedHashes()).toEqual([hash]); // never a hard delete of the user's file
    const [trashed] = await library.assets('trashed');
    if (!trashed) throw new Error('expected the asset in the trash');
    expect(trashed.lifecycle.state).toBe('trashed');

    expect((await library.submit({ kind: 'restore', assetId: trashed.id })).status).toBe('applied');
    await syncAll(a, b);
    expect(a.files().get('door-knocker.jpg')).toBe(hash);
    expect(b.files()).toEqual(a.files());
  });

  it('a Live Photo is one asset whichever device has which half', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('live', ['a', 'b']);
    put(a, 'livephoto/train.jpg', 'train.jpg');
    put(b, 'livephoto/train.mov', 'train.mov');
    await syncAll(a, b, a);
    expect([...a.files().keys()].sort()).toEqual(['train.jpg', 'train.mov']);
    expect(b.files()).toEqual(a.files());
    const assets = await library.assets();
    expect(assets).toHaveLength(1);
    expect(assets[0]?.versions[0]?.resources.live?.hash).toBe(a.files().get('train.mov'));
  });

  it('a RAW+JPEG pair and its XMP sidecar travel as one asset', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('pairs', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'DSC_0001.jpg');
    put(a, 'raw/exiftool-Nikon.nef', 'DSC_0001.nef');
    writeFileSync(join(a.folder, 'DSC_0001.xmp'), '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>');
    await syncAll(a, b);
    expect(b.files()).toEqual(a.files());
    const assets = await library.assets();
    expect(assets).toHaveLength(1);
    expect(Object.keys(assets[0]?.versions[0]?.resources ?? {}).sort()).toEqual([
      'original',
      'raw',
      'sidecar',
    ]);
  });

  it('an AAE edit sidecar written after its photo synced joins that photo, and its edits travel', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('aae', ['a', 'b']);
    put(a, 'heic/heic-iphone.heic', 'IMG_0001.HEIC');
    await syncAll(a, b);
    // The phone's Photos app records an edit beside the original, later.
    put(a, 'sidecar/aae/exiftool-PLIST.aae', 'IMG_0001.AAE');
    await syncAll(a, b);
    expect(b.files()).toEqual(a.files());
    const sidecarOf = async () => {
      const assets = await library.assets();
      expect(assets).toHaveLength(1);
      const resources = assets[0]?.versions.at(-1)?.resources;
      expect(Object.keys(resources ?? {}).sort()).toEqual(['original', 'sidecar']);
      return resources?.sidecar?.hash;
    };
    expect(await sidecarOf()).toBe(a.files().get('IMG_0001.AAE'));
    // Edited again on the other device: the new sidecar comes back, the photo stays one.
    writeFileSync(join(b.folder, 'IMG_0001.AAE'), '<plist version="1.0"><dict/></plist>\n');
    await syncAll(b, a);
    expect(a.files()).toEqual(b.files());
    expect(await sidecarOf()).toBe(b.files().get('IMG_0001.AAE'));
  });

  it('a big import read a slice per look fetches nothing the device already holds, and doubles nothing', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('slices', ['a', 'b']);
    await syncAll(a, b);
    // The same card copied onto both devices; a syncs first, b reads one file per look.
    const card = ['jpeg/door-knocker.jpg', 'jpeg/mongolia.jpeg', 'heic/classic-car.heic'];
    for (const device of [a, b]) for (const photo of card) put(device, photo, `card/${photo}`);
    await a.syncOnce();
    const served = await blobsServed();
    await b.syncOnce({ KEEPSAKE_LOOK_BYTES: '1' });
    expect(await blobsServed()).toBe(served);
    expect(b.files()).toEqual(a.files());
    expect(await library.assets()).toHaveLength(3);
  });

  it('edits made on two devices before either synced are both kept: a conflict copy beside the photo', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('conflicts', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'door.jpg');
    await syncAll(a, b);
    writeFileSync(join(a.folder, 'door.jpg'), 'edited on a');
    writeFileSync(join(b.folder, 'door.jpg'), 'edited on b');
    await syncAll(a, b, a);
    expect(b.files()).toEqual(a.files());
    const names = [...a.files().keys()].sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('door.jpg');
    expect(names[1]).toMatch(/^door~conflict-[0-9a-f]{8}\.jpg$/);
    const [asset] = await library.assets('conflicts');
    expect(asset?.versions).toHaveLength(2);
  });

  it('a device that lost its state comes back without duplicating or uploading anything', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('reinstall', ['a', 'b']);
    put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    put(a, 'livephoto/train.jpg', 'live/train.jpg');
    put(a, 'livephoto/train.mov', 'live/train.mov');
    await syncAll(a, b);
    rmSync(join(b.folder, '.keepsake'), { recursive: true });
    const again = await b.syncOnce();
    expect(again.uploaded).toBe(0);
    expect(again.opsMade).toBe(0);
    expect(b.files()).toEqual(a.files());
    expect(await library.assets()).toHaveLength(2);
  });
});
