import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { put, serverForFile, USER_PASSWORD } from './households.js';

// The web app as `keepsake serve` serves it, in Debian's Chromium: a photo synced from a
// laptop shows in the timeline with its thumbnail, and its page tells its history.

const missing = requireBrowserInCi();
const { household, server } = serverForFile();

/** Waits until the server has made the thumbnail of every live asset of `user`'s library. */
async function thumbnailsMade(url: string, user: string, count: number): Promise<void> {
  const session = (await (
    await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, password: USER_PASSWORD }),
    })
  ).json()) as { token: string };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const page = (await (
      await fetch(`${url}/api/v1/assets`, { headers: { authorization: `Bearer ${session.token}` } })
    ).json()) as { assets: { media: Record<string, { derivatives?: unknown[] }> }[] };
    const ready = page.assets.filter((a) => (a.media.original?.derivatives?.length ?? 0) > 0);
    if (ready.length >= count) return;
    if (Date.now() > deadline) throw new Error(`thumbnails never made: ${JSON.stringify(page)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function signIn(page: Page, url: string, user: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe.skipIf(missing !== undefined)('the web app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  /** A new user whose laptop synced one fixture, its thumbnail made. */
  async function photoSyncedBy(user: string, fixturePath: string, as: string) {
    const { url } = server();
    const { devices } = await household(user, ['laptop']);
    const [laptop] = devices;
    put(laptop, fixturePath, as);
    await laptop.syncOnce();
    await thumbnailsMade(url, user, 1);
    return { url, laptop };
  }

  /** A browser of its own (cookies, storage), signed in as `user`, in English and UTC. */
  async function signedIn(url: string, user: string) {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'UTC' });
    const page = await context.newPage();
    await signIn(page, url, user);
    return { context, page };
  }

  it('shows a synced HEIC in the timeline and tells its history on its page', async () => {
    const { url } = await photoSyncedBy(
      'alice',
      'heic/classic-car.heic',
      'Camera/classic-car.heic',
    );
    const { context, page } = await signedIn(url, 'alice');
    // Signed in, nothing the page loads fails and nothing breaks the content security policy.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    // Grouped under the day it was taken, its thumbnail loaded (a decoded image, not a broken one).
    const day = page.getByRole('region', { name: 'Sunday, 22 October 2023' });
    const thumbnail = day.getByRole('img', { name: 'classic-car.heic' });
    await thumbnail.waitFor();
    await expect
      .poll(() =>
        thumbnail.evaluate((element) => {
          const img = element as unknown as { complete: boolean; naturalWidth: number };
          return img.complete ? img.naturalWidth : 0;
        }),
      )
      .toBeGreaterThan(0);

    await day.getByRole('link', { name: 'classic-car.heic' }).click();
    await expect.poll(() => page.url()).toMatch(/\/photos\/[0-9a-f]{64}$/);
    const details = page.getByRole('region', { name: 'Details' });
    await expect.poll(() => details.textContent()).toContain('Apple iPhone 12 Pro');
    const history = page.getByRole('region', { name: 'History' });
    await expect
      .poll(() => history.textContent())
      .toMatch(/Imported as Camera\/classic-car\.heic on alice-laptop, \d+ \w+ \d{4}/);

    // A link into the app opens it there: the server answers page addresses with the app.
    await page.reload();
    await expect.poll(() => history.textContent()).toContain('Imported as');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('favorites a photo live on a second browser, and trashes and restores it', async () => {
    const { url, laptop } = await photoSyncedBy('bob', 'jpeg/door-knocker.jpg', 'door-knocker.jpg');

    // Two signed-in browsers on the same photo's page: a phone and a desktop, say.
    const open = async () => {
      const { context, page } = await signedIn(url, 'bob');
      await page.getByRole('link', { name: 'door-knocker.jpg' }).click();
      await page.getByRole('heading', { name: 'door-knocker.jpg' }).waitFor();
      return { context, page };
    };
    const here = await open();
    const there = await open();
    const favorite = (page: Page) => page.getByRole('button', { name: /Favorite/ });
    expect(await favorite(there.page).getAttribute('aria-pressed')).toBe('false');

    await favorite(here.page).click();
    // The other browser hears of it over the push channel, with no reload.
    await expect
      .poll(() => favorite(there.page).getAttribute('aria-pressed'), { timeout: 10_000 })
      .toBe('true');
    const history = there.page.getByRole('region', { name: 'History' });
    await expect
      .poll(() => history.textContent())
      .toMatch(/Marked as a favorite on Chrome on Linux/);

    await here.page.getByRole('button', { name: 'Move to trash' }).click();
    await there.page.getByText('In the trash').waitFor();
    await expect
      .poll(() => history.textContent())
      .toContain('Moved to the trash on Chrome on Linux');
    await there.page.getByRole('button', { name: 'Restore' }).click();
    await here.page.getByRole('button', { name: 'Move to trash' }).waitFor();
    await expect.poll(() => history.textContent()).toContain('Restored from the trash');

    // The laptop's folder follows: the photo left it for the trash and came back.
    await laptop.syncOnce();
    expect([...laptop.files().keys()]).toContain('door-knocker.jpg');
    await here.context.close();
    await there.context.close();
  });

  it('answers a page load with its content security policy, and API misses with JSON', async () => {
    const { url } = server();
    const page = await fetch(`${url}/photos/nothing-here`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not-found');
  });
});
