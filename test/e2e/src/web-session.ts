import type { Browser, BrowserContextOptions, Locator } from 'playwright-core';
import { expect } from 'vitest';
import { put, USER_PASSWORD, type serverForFile } from './households.js';
import type { LibraryClient } from './library-client.js';

// What the browser tests do again and again: sign a user in a browser of their own, wait for
// the server's thumbnails, tell a decoded image from a broken one.

/** A browser of its own (cookies, storage), signed in as `user`, in English and UTC. */
export async function signedIn(
  browser: Browser,
  url: string,
  user: string,
  password = USER_PASSWORD,
  options: BrowserContextOptions = {},
) {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'UTC', ...options });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return { context, page };
}

/** Waits until the server has made the thumbnails of `count` live assets of the library. */
export async function thumbnailsMade(library: LibraryClient, count: number): Promise<void> {
  await expect
    .poll(
      async () => {
        const assets = (await library.assets()) as unknown as {
          media: Record<string, { derivatives?: unknown[] }>;
        }[];
        return assets.filter((a) => (a.media.original?.derivatives?.length ?? 0) > 0).length;
      },
      { timeout: 60_000 },
    )
    .toBeGreaterThanOrEqual(count);
}

/** Waits until the image has loaded and decoded: its natural width, 0 while broken or loading. */
export async function imageDecoded(image: Locator): Promise<void> {
  await image.waitFor();
  await expect
    .poll(() =>
      image.evaluate((element) => {
        const img = element as unknown as { complete: boolean; naturalWidth: number };
        return img.complete ? img.naturalWidth : 0;
      }),
    )
    .toBeGreaterThan(0);
}

/** A new user whose laptop synced one fixture, its thumbnail made: a library to look at. */
export async function photoSyncedBy(
  file: ReturnType<typeof serverForFile>,
  user: string,
  fixturePath: string,
  as: string,
) {
  const { url } = file.server();
  const { library, devices } = await file.household(user, ['laptop']);
  const [laptop] = devices;
  put(laptop, fixturePath, as);
  await laptop.syncOnce();
  await thumbnailsMade(library, 1);
  return { url, laptop, library };
}
