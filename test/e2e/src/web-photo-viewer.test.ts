import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fixture } from '@keepsake/media/test-support';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { put, serverForFile } from './households.js';
import { signedIn, thumbnailsMade } from './web-session.js';

// The photo's own page in Debian's Chromium: a Live Photo moves when pressed, a video plays,
// the arrow keys step through the timeline, a caption sticks, and a conflict is settled by
// picking the version to keep.

const missing = requireBrowserInCi();
const file = serverForFile();
const sha256 = (path: string) =>
  createHash('sha256')
    .update(readFileSync(fixture(path)))
    .digest('hex');

/** How far a video has got: its current time once it has frames to show, else 0. */
const playedSeconds = (video: Locator) =>
  video.evaluate((element) => {
    const v = element as unknown as { readyState: number; currentTime: number };
    return v.readyState >= 2 ? v.currentTime : 0;
  });

const openPhoto = async (page: Page, url: string, id: string) => {
  await page.goto(`${url}/photos/${id}`);
  await page.getByRole('region', { name: 'History' }).waitFor();
};

describe.skipIf(missing !== undefined)('the photo page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('plays a Live Photo while LIVE is pressed, and a video with its controls', async () => {
    const { url } = file.server();
    const { library, devices } = await file.household('live', ['phone']);
    const [phone] = devices;
    put(phone, 'livephoto/train.jpg', 'Live/IMG_0001.JPG');
    put(phone, 'livephoto/train.mov', 'Live/IMG_0001.MOV');
    put(phone, 'video/PXL_20220724_210650210.NIGHT.mp4', 'night.mp4');
    await phone.syncOnce();
    await thumbnailsMade(library, 1);
    const { context, page } = await signedIn(browser, url, 'live');

    await openPhoto(page, url, (await library.assetAt('Live/IMG_0001.JPG')).id);
    const live = page.getByRole('button', { name: 'LIVE' });
    expect(await live.getAttribute('aria-pressed')).toBe('false');
    await live.click();
    expect(await live.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => playedSeconds(page.locator('.live-frame video'))).toBeGreaterThan(0);
    // Each file of it downloads under the photo's name.
    const files = page.getByRole('list', { name: 'Files' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      files.getByRole('link', { name: 'Download the Live Photo video' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('IMG_0001.MOV');

    await openPhoto(page, url, (await library.assetAt('night.mp4')).id);
    const video = page.locator('video.preview');
    expect(await video.getAttribute('controls')).not.toBeNull();
    await video.evaluate((element) => (element as unknown as { play(): Promise<void> }).play());
    await expect.poll(() => playedSeconds(video)).toBeGreaterThan(0);
    await context.close();
  });

  it('steps through the timeline with the arrow keys, and keeps a caption', async () => {
    const { url } = file.server();
    const { library, devices } = await file.household('stepper', ['laptop']);
    const [laptop] = devices;
    // Taken in 2018, 2011 and 2003: the timeline reads them in that order.
    put(laptop, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    put(laptop, 'jpeg/mongolia.jpeg', 'mongolia.jpeg');
    put(laptop, 'jpeg/img_1771.jpg', 'img_1771.jpg');
    await laptop.syncOnce();
    await thumbnailsMade(library, 3);
    const { context, page } = await signedIn(browser, url, 'stepper');
    await openPhoto(page, url, (await library.assetAt('mongolia.jpeg')).id);
    await page.getByRole('link', { name: 'Older ›' }).waitFor();

    const heading = (name: string) => page.getByRole('heading', { level: 1, name });
    await page.keyboard.press('ArrowRight');
    await heading('img_1771.jpg').waitFor();
    await page.getByRole('link', { name: '‹ Newer' }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await heading('mongolia.jpeg').waitFor();
    await page.getByRole('link', { name: '‹ Newer' }).click();
    await heading('door-knocker.jpg').waitFor();

    // Typing in the caption moves its caret, not the page.
    const caption = page.getByRole('textbox', { name: 'Caption' });
    await caption.fill('Door at dusk');
    await caption.press('ArrowLeft');
    await page.getByRole('button', { name: 'Save caption' }).click();
    const history = page.getByRole('region', { name: 'History' });
    await expect.poll(() => history.textContent()).toContain('Door at dusk');
    await page.reload();
    await expect.poll(() => caption.inputValue()).toBe('Door at dusk');
    await heading('door-knocker.jpg').waitFor();
    await context.close();
  });

  it('settles a conflict by keeping the version picked, on every device', async () => {
    const { url } = file.server();
    const { library, devices } = await file.household('settler', ['laptop', 'phone']);
    const [laptop, phone] = devices;
    put(laptop, 'jpeg/door-knocker.jpg', 'harbour.jpg');
    await laptop.syncOnce();
    await phone.syncOnce();
    // Both change the photo before either hears of the other's change.
    put(laptop, 'jpeg/mongolia.jpeg', 'harbour.jpg');
    put(phone, 'jpeg/img_1771.jpg', 'harbour.jpg');
    await laptop.syncOnce();
    await phone.syncOnce();
    const contested = await library.assetAt('harbour.jpg');
    expect(contested.inConflict).toBe(true);

    const { context, page } = await signedIn(browser, url, 'settler');
    await openPhoto(page, url, contested.id);
    const versions = page.getByRole('region', { name: '2 versions, in conflict' });
    const fromPhone = versions.getByRole('listitem').filter({ hasText: 'settler-phone' });
    await fromPhone.getByRole('button', { name: 'Keep this version' }).click();
    await versions.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByRole('region', { name: 'History' }).textContent())
      .toMatch(/Chrome on Linux/);

    const settled = await library.assetAt('harbour.jpg');
    expect(settled.inConflict).toBe(false);
    // The phone's change is an edit: its bytes are the version's rendition.
    const kept = settled.versions[0]?.resources;
    expect((kept?.render ?? kept?.original)?.hash).toBe(sha256('jpeg/img_1771.jpg'));
    await laptop.syncOnce();
    expect(laptop.files().get('harbour.jpg')).toBe(sha256('jpeg/img_1771.jpg'));
    await context.close();
  });
});
