import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { put, serverForFile } from './households.js';
import { signedIn, thumbnailsMade } from './web-session.js';

// The timeline's filters and search box in Debian's Chromium, over a library a laptop really
// synced: a photo of each kind, and the server's own reading of them (camera, capture time,
// the file it could not read).

const missing = requireBrowserInCi();
const file = serverForFile();

/** What these tests read of an asset's media, beyond the client's view. */
interface Read {
  readonly media: Record<string, { readonly error?: string } | undefined>;
}

/** The file names of the photos the timeline shows, as their links name them, sorted. */
/** The file names of the tiles shown (a tile with no thumbnail says why after a colon). */
const shown = (page: Page): Promise<string[]> =>
  page
    .locator('.timeline .rows a.thumb')
    .evaluateAll((links) =>
      links
        .map(
          (link) =>
            ((link as unknown as Labelled).getAttribute('aria-label') ?? '').split(': ')[0] ?? '',
        )
        .sort(),
    );

interface Labelled {
  getAttribute(name: string): string | null;
}

describe.skipIf(missing !== undefined)('searching the timeline', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows exactly what each filter, the search box, the camera and a date range find', async () => {
    const { url } = file.server();
    const { library, devices } = await file.household('sol', ['laptop']);
    const [laptop] = devices;
    put(laptop, 'jpeg/door-knocker.jpg', 'door-knocker.jpg'); // 2018, Olympus E-M10
    put(laptop, 'jpeg/img_1771.jpg', 'harbour/img_1771.jpg'); // 2003, Canon PowerShot S40
    put(laptop, 'jpeg/fin de journée.jpg', 'fin de journée.jpg'); // 2021, Canon EOS R5
    put(laptop, 'livephoto/train.jpg', 'Live/IMG_0001.JPG'); // 2021, Apple iPhone 6s
    put(laptop, 'livephoto/train.mov', 'Live/IMG_0001.MOV');
    put(laptop, 'video/PXL_20220724_210650210.NIGHT.mp4', 'night.mp4'); // 2022
    put(laptop, 'corrupt/broken.png', 'broken.png'); // no capture time
    await laptop.syncOnce();
    await thumbnailsMade(library, 4);
    // The server could not read the broken file: it says so once it has tried.
    const mediaError = async () => {
      const asset = (await library.assetAt('broken.png')) as unknown as Read;
      return asset.media.original?.error;
    };
    await expect.poll(mediaError, { timeout: 60_000 }).toBeDefined();
    const door = await library.assetAt('door-knocker.jpg');
    const harbour = await library.assetAt('harbour/img_1771.jpg');
    expect(
      await library.submit({ kind: 'setField', assetId: door.id, field: 'favorite', value: true }),
    ).toMatchObject({ status: 'applied' });
    expect(
      await library.submit({
        kind: 'setField',
        assetId: harbour.id,
        field: 'caption',
        value: 'Boats at dawn',
      }),
    ).toMatchObject({ status: 'applied' });

    const { context, page } = await signedIn(browser, url, 'sol');
    // Tall enough for the timeline to lay out every photo of the library at once.
    await page.setViewportSize({ width: 1280, height: 4000 });
    const everything = [
      'IMG_0001.JPG',
      'broken.png',
      'door-knocker.jpg',
      'fin de journée.jpg',
      'img_1771.jpg',
      'night.mp4',
    ];
    await expect.poll(() => shown(page)).toEqual(everything);
    const filters = page.getByRole('group', { name: 'Show only' });
    const filter = async (name: string, expected: string[]) => {
      const chip = filters.getByRole('button', { name, exact: true });
      await chip.click();
      expect(await chip.getAttribute('aria-pressed')).toBe('true');
      await expect.poll(() => shown(page)).toEqual(expected);
    };
    await filter('Favorites', ['door-knocker.jpg']);
    expect(new URL(page.url()).search).toBe('?kind=favorites');
    await filter('Videos', ['night.mp4']);
    await filter('Live Photos', ['IMG_0001.JPG']);
    await filter('Errors', ['broken.png']);
    await filter('Conflicts', []);
    await page.getByText('No photos match: conflicts.').waitFor();
    // Pressed again, a filter lets go.
    await filters.getByRole('button', { name: 'Conflicts' }).click();
    await expect.poll(() => shown(page)).toEqual(everything);

    const words = page.getByRole('searchbox');
    const searchFor = async (text: string, expected: string[]) => {
      await words.fill(text);
      await words.press('Enter');
      await expect.poll(() => shown(page)).toEqual(expected);
    };
    await searchFor('door', ['door-knocker.jpg']); // a file name
    await searchFor('iPhone', ['IMG_0001.JPG']); // a camera model
    await searchFor('dawn', ['img_1771.jpg']); // a caption set through an op
    await searchFor('harbour', ['img_1771.jpg']); // a folder
    expect(new URL(page.url()).searchParams.get('q')).toBe('harbour');
    // Back steps through the searches, and the box follows.
    await page.goBack();
    await expect.poll(() => shown(page)).toEqual(['img_1771.jpg']);
    expect(await words.inputValue()).toBe('dawn');
    await searchFor('', everything);

    const camera = page.getByLabel('Camera', { exact: true });
    await camera.fill('canon');
    await camera.press('Enter');
    await expect.poll(() => shown(page)).toEqual(['fin de journée.jpg', 'img_1771.jpg']);
    await page.getByLabel('From', { exact: true }).fill('2010-01-01');
    await expect.poll(() => shown(page)).toEqual(['fin de journée.jpg']);
    await camera.fill('');
    await camera.press('Enter');
    await expect
      .poll(() => shown(page))
      .toEqual(['IMG_0001.JPG', 'door-knocker.jpg', 'fin de journée.jpg', 'night.mp4']);
    await page.getByLabel('To', { exact: true }).fill('2020-12-31');
    await expect.poll(() => shown(page)).toEqual(['door-knocker.jpg']);

    // A result opens its photo; the search is a link to share, cleared in one click.
    const linked = page.url();
    await page.getByRole('link', { name: 'door-knocker.jpg' }).click();
    await page.getByRole('heading', { level: 1, name: 'door-knocker.jpg' }).waitFor();
    await page.goto(linked);
    await expect.poll(() => shown(page)).toEqual(['door-knocker.jpg']);
    await page.getByRole('link', { name: 'Clear the search and filters' }).click();
    await expect.poll(() => shown(page)).toEqual(everything);
    expect(new URL(page.url()).search).toBe('');
    await context.close();
  });
});
