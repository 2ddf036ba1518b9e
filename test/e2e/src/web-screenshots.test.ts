import { mkdirSync } from 'node:fs';
import type { VersionId } from '@keepsake/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { put, serverForFile } from './households.js';
import { imageDecoded, signedIn, thumbnailsMade } from './web-session.js';

// Screenshots of the web app over a library of real photos, written to test-output/screenshots
// (docs/screenshots holds the ones the documentation shows). A photo whose thumbnail does not
// decode fails the test: a screenshot of broken images would show nothing.

const missing = requireBrowserInCi();
const file = serverForFile();
const OUT = new URL('../../../test-output/screenshots/', import.meta.url);
const PHOTOS = [
  'heic/classic-car.heic',
  'heic/sewing-threads.heic',
  'heic/heic-iphone.heic',
  'jpeg/door-knocker.jpg',
  'jpeg/fin de journée.jpg',
  'jpeg/mongolia.jpeg',
  'jpeg/IMG_20180725_163423-tiny.jpg',
  'sidecar/xmp/IMG_5910.jpg',
];

describe.skipIf(missing !== undefined)('screenshots of the web app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows the timeline, a photo with its history, and the sync inspector', async () => {
    const { url } = file.server();
    const { library, devices } = await file.household('frida', ['laptop']);
    const [laptop] = devices;
    for (const photo of PHOTOS) put(laptop, photo, `Camera/${photo.split('/').pop() ?? photo}`);
    await laptop.syncOnce();
    await thumbnailsMade(library, PHOTOS.length);

    const { context, page } = await signedIn(browser, url, 'frida');
    await page.setViewportSize({ width: 1100, height: 900 });
    // The rows on screen, each photo in its day (the rest are not in the page until scrolled to).
    const thumbnails = page.locator('.rows img');
    await expect.poll(() => thumbnails.count()).toBeGreaterThanOrEqual(3);
    for (const thumbnail of await thumbnails.all()) await imageDecoded(thumbnail);
    await page.screenshot({ path: new URL('timeline.png', OUT).pathname });

    await page.getByRole('link', { name: 'classic-car.heic' }).click();
    await imageDecoded(page.locator('img.preview'));
    await page.getByRole('button', { name: /Favorite/ }).click();
    await page.getByText('Marked as a favorite').waitFor();
    await page.screenshot({
      path: new URL('photo.jpg', OUT).pathname,
      fullPage: true,
      type: 'jpeg',
      quality: 80,
    });

    // The log with every outcome to show: a refused op beside the applied ones.
    const car = await library.assetAt('Camera/classic-car.heic');
    await library.submit({
      kind: 'trash',
      assetId: car.id,
      context: ['version-nobody-made' as VersionId],
    });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sync inspector' })
      .click();
    await page.getByText('Rejected (concurrent-edit)').waitFor();
    await page.screenshot({ path: new URL('sync-inspector.png', OUT).pathname });
    await context.close();
  });
});
