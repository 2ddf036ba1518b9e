import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { put, serverForFile } from './households.js';
import { imageDecoded, signedIn, thumbnailsMade } from './web-session.js';

// Albums in the web app as `keepsake serve` serves it, in Debian's Chromium, over photos that
// laptops really synced: one user makes an album and shares it; the other sees its photos and
// nothing else of her library, and what the role lets them do.

const missing = requireBrowserInCi();
const { household, server } = serverForFile();

const ALBUM = 'Harbour walk';

describe.skipIf(missing !== undefined)('albums and sharing in the web app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  const go = (page: Page, to: 'Photos' | 'Albums') =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: to }).click();

  /** The controls only an album's owner has, and the one its contributors have too. */
  const ownerControls = (page: Page) => [
    page.getByRole('form', { name: 'Rename album' }),
    page.getByRole('region', { name: 'Sharing' }),
    page.getByRole('button', { name: /^Remove / }),
  ];
  const addPhotos = (page: Page) => page.getByRole('button', { name: 'Choose from your photos' });

  it('shares an album as viewer, then as contributor, and shows nothing else of the library', async () => {
    const { url } = server();
    const carol = await household('carol', ['laptop']);
    put(carol.devices[0], 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    put(carol.devices[0], 'jpeg/mongolia.jpeg', 'mongolia.jpeg');
    await carol.devices[0].syncOnce();
    const dave = await household('dave', ['laptop']);
    put(dave.devices[0], 'jpeg/img_1771.jpg', 'img_1771.jpg');
    await dave.devices[0].syncOnce();
    await thumbnailsMade(carol.library, 2);
    await thumbnailsMade(dave.library, 1);
    const inAlbum = await carol.library.assetAt('door-knocker.jpg');
    const notInAlbum = await carol.library.assetAt('mongolia.jpeg');

    // Carol makes the album; it opens, empty.
    const asCarol = await signedIn(browser, url, 'carol');
    const carolPage = asCarol.page;
    await go(carolPage, 'Albums');
    await carolPage.getByRole('heading', { name: 'Albums', level: 1 }).waitFor();
    await carolPage.getByLabel('Album name').fill(ALBUM);
    await carolPage.getByRole('button', { name: 'Create album' }).click();
    await carolPage.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();
    const albumId = /^\/albums\/([^/]+)$/.exec(new URL(carolPage.url()).pathname)?.[1];
    expect(albumId).toMatch(/^[0-9A-Za-z_-]{8,64}$/);
    await carolPage.getByText('No photos in this album yet.').waitFor();

    // She adds a photo to it from the photo's page.
    await carolPage.goto(`${url}/photos/${inAlbum.id}`);
    await carolPage.getByRole('heading', { name: 'door-knocker.jpg' }).waitFor();
    const addToAlbum = carolPage.getByRole('form', { name: 'Add to album' });
    await addToAlbum.getByLabel('Album').selectOption({ label: ALBUM });
    await addToAlbum.getByRole('button', { name: 'Add to album' }).click();
    await addToAlbum.getByRole('status').getByText(`Added to ${ALBUM}.`).waitFor();

    // The album shows it, and she shares the album with Dave as a viewer.
    await go(carolPage, 'Albums');
    await carolPage
      .getByRole('region', { name: 'Your albums' })
      .getByRole('link', { name: ALBUM })
      .click();
    const carolsGrid = carolPage.getByRole('list', { name: `Photos in ${ALBUM}` });
    await imageDecoded(carolsGrid.getByRole('img', { name: 'door-knocker.jpg' }));
    const sharing = carolPage.getByRole('region', { name: 'Sharing' });
    await sharing.getByLabel('User name').fill('dave');
    await sharing.getByLabel('Access').selectOption('viewer');
    await sharing.getByRole('button', { name: 'Share', exact: true }).click();
    const davesRole = sharing.getByRole('combobox', { name: 'What dave may do' });
    await davesRole.waitFor();
    expect(await davesRole.inputValue()).toBe('viewer');

    // Dave, in a browser of his own, finds it among the albums shared with him.
    const asDave = await signedIn(browser, url, 'dave');
    const davePage = asDave.page;
    const errors: string[] = [];
    davePage.on('pageerror', (error) => errors.push(error.message));
    await go(davePage, 'Albums');
    const sharedWithDave = davePage.getByRole('region', { name: 'Shared with you' });
    const entry = sharedWithDave.getByRole('listitem').filter({ hasText: ALBUM });
    await entry.waitFor();
    expect(await entry.textContent()).toMatch(/from carol, 1 photo; you can view/);
    await entry.getByRole('link', { name: ALBUM }).click();
    await davePage.getByRole('heading', { name: ALBUM, level: 1 }).waitFor();

    // Carol's photo shows to him, through the album (his own library has no such photo).
    const davesGrid = davePage.getByRole('list', { name: `Photos in ${ALBUM}` });
    const thumbnail = davesGrid.getByRole('img', { name: 'door-knocker.jpg' });
    await imageDecoded(thumbnail);
    expect(await thumbnail.getAttribute('src')).toContain(`/api/v1/albums/${String(albumId)}/`);
    const own = await davePage.request.get(
      `${url}/api/v1/assets/${inAlbum.id}/derivatives/thumbnail`,
    );
    expect(own.status()).toBe(404);
    // A viewer has nothing to change (the page has loaded: the photo is there).
    for (const control of [...ownerControls(davePage), addPhotos(davePage)]) {
      expect(await control.count()).toBe(0);
    }
    await davePage.getByText('you can view').waitFor();
    const davesAlbumPage = davePage.url();

    // Carol's photo outside the album is not found for him, in the page and in the API alike:
    // 404, exactly as for a photo that does not exist (never a 403 that tells it does).
    await davePage.goto(`${url}/photos/${notInAlbum.id}`);
    await davePage.getByRole('heading', { name: 'Photo not found' }).waitFor();
    for (const path of [
      `/api/v1/assets/${notInAlbum.id}`,
      `/api/v1/assets/${'0'.repeat(64)}`,
      `/api/v1/albums/${String(albumId)}/assets/${notInAlbum.id}/derivatives/thumbnail?owner=${await carol.library.userId()}`,
    ]) {
      expect([path, (await davePage.request.get(`${url}${path}`)).status()]).toEqual([path, 404]);
    }

    // Carol makes him a contributor; his album page then lets him add his own photos, and only that.
    await davesRole.selectOption('contributor');
    await expect.poll(() => davesRole.inputValue()).toBe('contributor');
    await davePage.goto(davesAlbumPage);
    await davePage.getByText('you can add photos').waitFor();
    await addPhotos(davePage).click();
    for (const control of ownerControls(davePage)) expect(await control.count()).toBe(0);
    const davesPhotos = davePage.getByRole('list', { name: 'Your photos' });
    await davesPhotos.getByRole('button', { name: 'Add img_1771.jpg to the album' }).click();
    await imageDecoded(davesGrid.getByRole('img', { name: 'img_1771.jpg' }));
    await davesPhotos.getByText('In the album').waitFor();

    // His photo joined Carol's album, and her page shows it without a reload.
    await carolsGrid.getByRole('link', { name: 'img_1771.jpg' }).waitFor();
    expect(errors).toEqual([]);
    await asCarol.context.close();
    await asDave.context.close();
  });

  it('adds several photos at once and removes several at once', async () => {
    const { url } = server();
    const erin = await household('erin', ['laptop']);
    const names = ['door-knocker.jpg', 'mongolia.jpeg', 'img_1771.jpg'];
    for (const name of names) put(erin.devices[0], `jpeg/${name}`, name);
    await erin.devices[0].syncOnce();
    await thumbnailsMade(erin.library, 3);
    const { context, page } = await signedIn(browser, url, 'erin');
    await go(page, 'Albums');
    await page.getByLabel('Album name').fill('Picked');
    await page.getByRole('button', { name: 'Create album' }).click();
    await page.getByRole('heading', { name: 'Picked', level: 1 }).waitFor();

    await addPhotos(page).click();
    const yours = page.getByRole('list', { name: 'Your photos' });
    await yours.getByRole('checkbox', { name: 'Select door-knocker.jpg' }).check();
    await yours.getByRole('checkbox', { name: 'Select img_1771.jpg' }).check();
    await page.getByRole('button', { name: 'Add 2 photos to the album' }).click();
    const album = page.getByRole('list', { name: 'Photos in Picked' });
    await album.getByRole('img', { name: 'door-knocker.jpg' }).waitFor();
    await album.getByRole('img', { name: 'img_1771.jpg' }).waitFor();
    expect(await album.getByRole('img').count()).toBe(2);
    // Done, the selection empties: its bar goes.
    expect(await page.getByRole('toolbar', { name: 'Selected photos' }).count()).toBe(0);

    await album.getByRole('checkbox', { name: 'Select door-knocker.jpg' }).check();
    await album.getByRole('checkbox', { name: 'Select img_1771.jpg' }).check();
    await page.getByRole('button', { name: 'Remove 2 photos from the album' }).click();
    await page.getByText('No photos in this album yet.').waitFor();
    await context.close();
  });
});
