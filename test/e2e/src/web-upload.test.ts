import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fixture } from '@keepsake/media/test-support';
import { Prng } from '@keepsake/sim';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { FaultProxy } from './fault-proxy.js';
import { ADMIN_PASSWORD, serverForFile, USER_PASSWORD } from './households.js';
import { LibraryClient } from './library-client.js';
import { imageDecoded, signedIn } from './web-session.js';

// Uploading from the browser: files are hashed there, sent resumably (tus) unless the library
// has them, and imported by core's own folder scan, so a Live Photo's still and video become
// one asset as they would from a synced folder, and the same bytes twice add nothing.

const missing = requireBrowserInCi();
const file = serverForFile();

const HEIC = fixture('heic/classic-car.heic');
const LIVE_STILL = fixture('livephoto/train.jpg');
const LIVE_VIDEO = fixture('livephoto/train.mov');
const PHOTO = fixture('jpeg/door-knocker.jpg');
const NOT_A_PHOTO = fixture('corrupt/broken.png');

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const hashOf = (path: string) => sha256(readFileSync(path));

/** A new user's library, and a browser signed in as them with the upload panel open. */
async function uploader(browser: Browser, user: string, url = file.server().url) {
  const library = await LibraryClient.forNewUser(
    file.server().url,
    ADMIN_PASSWORD,
    user,
    USER_PASSWORD,
  );
  const { context, page } = await signedIn(browser, url, user);
  await page.getByRole('button', { name: 'Upload' }).click();
  const panel = page.getByRole('region', { name: 'Upload' });
  /** Chooses files with the panel's file input, as a user picking them would. */
  const choose = (...paths: string[]) => panel.getByLabel('Choose files').setInputFiles(paths);
  /** Waits until every file in the panel is done; answers the panel's summary. */
  const done = async () => {
    const status = panel.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/^All \d+ files/);
    return status.textContent();
  };
  const row = (name: string) => panel.getByRole('listitem').filter({ hasText: name });
  return { library, context, page, panel, choose, done, row };
}

/** The thumbnail in the timeline of the photo named `name`, under the day it was taken. */
const thumbnailIn = (page: Page, day: string, name: string) =>
  page.getByRole('list', { name: day }).getByRole('img', { name });

describe.skipIf(missing !== undefined)('uploading from the browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('imports a HEIC and a Live Photo pair as two assets, once however often they are uploaded', async () => {
    const { library, context, page, panel, choose, done } = await uploader(browser, 'alice');
    await choose(HEIC, LIVE_STILL, LIVE_VIDEO);
    expect(await done()).toBe(
      'All 3 files done: 3 imported, 0 already in your library, 0 not imported',
    );

    // The still and its video are one asset: two in the library, not three.
    const assets = await library.assets();
    expect(assets).toHaveLength(2);
    const live = assets.find((asset) => asset.versions[0]?.resources.live);
    expect(live?.versions[0]?.resources).toMatchObject({
      original: { hash: hashOf(LIVE_STILL), ext: 'jpg' },
      live: { hash: hashOf(LIVE_VIDEO), ext: 'mov' },
    });
    const heic = assets.find((asset) => asset !== live);
    expect(heic?.versions[0]?.resources.original.hash).toBe(hashOf(HEIC));
    const day = new Date();
    const folder = `Uploads/${String(day.getFullYear())}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    expect(heic?.paths).toEqual([`${folder}/classic-car.heic`]);

    // Their thumbnails decode in the timeline once the server made them, with no reload: the
    // push channel says when it did.
    await imageDecoded(thumbnailIn(page, 'Sunday, 22 October 2023', 'classic-car.heic'));
    await imageDecoded(thumbnailIn(page, 'Saturday, 10 April 2021', 'train.jpg'));

    // The same files again, from the panel still open: nothing is sent, nothing is added.
    await panel.getByRole('button', { name: 'Clear finished' }).click();
    let patches = 0;
    page.on('request', (request) => {
      if (request.method() === 'PATCH') patches += 1;
    });
    await choose(HEIC, LIVE_STILL, LIVE_VIDEO);
    expect(await done()).toBe(
      'All 3 files done: 0 imported, 3 already in your library, 0 not imported',
    );
    expect(patches).toBe(0);
    expect(await panel.getByText('Already in your library', { exact: true }).count()).toBe(3);
    const after = await library.assets();
    expect(after.map((asset) => [asset.id, asset.paths])).toEqual(
      assets.map((asset) => [asset.id, asset.paths]),
    );
    await context.close();
  });

  it('uploads a folder as it is, pairing only what the pairing rule pairs', async () => {
    const { library, context, panel, done } = await uploader(browser, 'dave');
    // livephoto/: a Live Photo pair, and in not-motion/ a photo and a video that share a base
    // name but no content identifier, taken minutes apart: not a pair.
    await panel.getByLabel('Choose a folder').setInputFiles(fixture('livephoto'));
    expect(await done()).toBe(
      'All 4 files done: 4 imported, 0 already in your library, 0 not imported',
    );
    const assets = await library.assets();
    expect(assets.map((asset) => asset.paths).sort()).toEqual([
      ['livephoto/not-motion/IMG_1234.jpg'],
      ['livephoto/not-motion/IMG_1234.mp4'],
      ['livephoto/train.jpg'],
    ]);
    const live = await library.assetAt('livephoto/train.jpg');
    expect(live.versions[0]?.resources.live?.hash).toBe(hashOf(LIVE_VIDEO));
    await context.close();
  });

  it('keeps a file it cannot read, saying why, and imports the others', async () => {
    const { library, context, choose, done, row } = await uploader(browser, 'bob');
    await choose(NOT_A_PHOTO, PHOTO);
    expect(await done()).toBe(
      'All 2 files done: 2 imported, 0 already in your library, 0 not imported',
    );
    await expect
      .poll(() => row('broken.png').textContent())
      .toMatch(/Imported, but could not read metadata: \w+/);
    expect(await row('door-knocker.jpg').textContent()).toContain('Imported');
    expect(await row('door-knocker.jpg').textContent()).not.toContain('could not read');
    // Stored bit-exact all the same, as a synced folder's file is.
    const hashes = (await library.assets()).map(
      (asset) => asset.versions[0]?.resources.original.hash,
    );
    expect(hashes.sort()).toEqual([hashOf(NOT_A_PHOTO), hashOf(PHOTO)].sort());
    await context.close();
  });

  it('fetches its code with the first files chosen, and says so when it cannot', async () => {
    const { library, context, page, choose, done, row } = await uploader(browser, 'cleo');
    // The upload code, as a tab left open across an upgrade of the server would ask for it.
    await page.route('**/static/blob-upload-*.js', (route) => route.abort());
    await choose(PHOTO);
    expect(await done()).toBe(
      'All 1 files done: 0 imported, 0 already in your library, 1 not imported',
    );
    expect(await row('door-knocker.jpg').textContent()).toContain(
      'the uploader could not be loaded',
    );
    // Fetched once it can be, the same file goes up.
    await page.unroute('**/static/blob-upload-*.js');
    await choose(PHOTO);
    await expect.poll(async () => (await library.assets()).length).toBe(1);
    await context.close();
  });

  it('tells a big upload by its counts, drawing its failures and a bounded list of rows', async () => {
    const { library, context, panel, done, row } = await uploader(browser, 'erin');
    const random = new Prng(150);
    const files = Array.from({ length: 149 }, (_, i) => ({
      name: `IMG_${String(i).padStart(4, '0')}.JPG`,
      mimeType: 'image/jpeg',
      buffer: Buffer.from(Array.from({ length: 2000 }, () => random.int(256))),
    }));
    // Last in the list, first on the screen: its name cannot be a library path.
    files.push({ name: 'back\\slash.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('x') });
    await panel.getByLabel('Choose files').setInputFiles(files);
    expect(await done()).toBe(
      'All 150 files done: 149 imported, 0 already in your library, 1 not imported',
    );
    const rows = panel.getByRole('listitem');
    expect(await rows.count()).toBe(100);
    expect(await rows.first().textContent()).toContain('Not imported: its name cannot be');
    expect(await row('IMG_0000.JPG').textContent()).toContain('Imported');
    await expect.poll(() => panel.getByText(/^Showing 100 of 150 files/).count()).toBe(1);
    expect(await library.assets()).toHaveLength(149);
    await context.close();
  });

  it('takes files dropped anywhere on the page', async () => {
    const { library, context, page, done } = await uploader(browser, 'dora');
    // A drop as the page receives one, its files in the event's data (the panel open to watch).
    await page.getByRole('button', { name: 'Upload' }).click();
    const bytes = readFileSync(PHOTO).toString('base64');
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob('${bytes}'), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'door-knocker.jpg', { type: 'image/jpeg' }));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(
          new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }),
        );
      }
    })()`);
    expect(await done()).toBe(
      'All 1 files done: 1 imported, 0 already in your library, 0 not imported',
    );
    const [asset] = await library.assets();
    expect(asset?.versions[0]?.resources.original.hash).toBe(hashOf(PHOTO));
    await context.close();
  });

  it('resumes an upload whose connection was cut, and stores the bytes exactly', async () => {
    const proxy = await FaultProxy.start(new URL(file.server().url), new Prng(8));
    proxy.faulty = false;
    try {
      const { library, context, page, choose, done } = await uploader(browser, 'carol', proxy.url);
      // Cut once a megabyte of the photo's bytes went through: the server keeps what arrived.
      proxy.cutNext = { request: 'PATCH /api/v1/uploads/', upstream: true, after: 1_000_000 };
      const offsets: number[] = [];
      page.on('request', (request) => {
        if (request.method() === 'PATCH') offsets.push(Number(request.headers()['upload-offset']));
      });
      await choose(LIVE_STILL);
      expect(await done()).toBe(
        'All 1 files done: 1 imported, 0 already in your library, 0 not imported',
      );
      expect(proxy.cutNext).toBeUndefined();
      // The second PATCH went on from where the first was cut, not from the start.
      expect(offsets[0]).toBe(0);
      expect(offsets.slice(1).some((offset) => offset > 0)).toBe(true);

      const expected = hashOf(LIVE_STILL);
      const [asset] = await library.assets();
      expect(asset?.versions[0]?.resources.original.hash).toBe(expected);
      const blob = await page.request.get(`${proxy.url}/api/v1/blobs/${expected}`);
      expect(sha256(await blob.body())).toBe(expected);
      await context.close();
    } finally {
      await proxy.close();
    }
  });
});
