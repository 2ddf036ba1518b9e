import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { serverForFile } from './households.js';
import { imageDecoded, photoSyncedBy, signedIn } from './web-session.js';

// The web app as `keepsake serve` serves it, in Debian's Chromium: a photo synced from a
// laptop shows in the timeline with its thumbnail, and its page tells its history.

const missing = requireBrowserInCi();
const file = serverForFile();

describe.skipIf(missing !== undefined)('the web app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows a synced HEIC in the timeline and tells its history on its page', async () => {
    const { url } = await photoSyncedBy(
      file,
      'alice',
      'heic/classic-car.heic',
      'Camera/classic-car.heic',
    );
    const { context, page } = await signedIn(browser, url, 'alice');
    // Signed in, nothing the page loads fails and nothing breaks the content security policy.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    // Grouped under the day it was taken, its thumbnail loaded (a decoded image, not a broken one).
    const day = page.getByRole('list', { name: 'Sunday, 22 October 2023' });
    const thumbnail = day.getByRole('img', { name: 'classic-car.heic' });
    await imageDecoded(thumbnail);

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
    const { url, laptop } = await photoSyncedBy(
      file,
      'bob',
      'jpeg/door-knocker.jpg',
      'door-knocker.jpg',
    );

    // Two signed-in browsers on the same photo's page: a phone and a desktop, say.
    const open = async () => {
      const { context, page } = await signedIn(browser, url, 'bob');
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

    // Signing out revokes this browser's device: the token left in its storage grants nothing.
    const browserDevices = async () => {
      const response = await there.page.request.get(`${url}/api/v1/devices`);
      const { devices } = (await response.json()) as {
        devices: { name: string; revokedAt: string | null }[];
      };
      return devices
        .filter((d) => d.name === 'Chrome on Linux')
        .map((d) => (d.revokedAt === null ? 'active' : 'revoked'))
        .sort();
    };
    expect(await browserDevices()).toEqual(['active', 'active']);
    await here.page.getByRole('button', { name: 'Sign out' }).click();
    await here.page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await browserDevices()).toEqual(['active', 'revoked']);
    expect(await here.page.evaluate('Object.keys(localStorage)')).toEqual([]);
    await here.context.close();
    await there.context.close();
  });

  it("fetches a page's code when it is opened, and says so when it cannot", async () => {
    const { url } = file.server();
    await file.household('dora', []);
    const { context, page } = await signedIn(browser, url, 'dora');
    const fetched: string[] = [];
    page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    // The devices page's code, as a tab left open across an upgrade of the server would ask for it.
    await page.route('**/static/devices-page-*.js', (route) => route.abort());
    const nav = page.getByRole('navigation', { name: 'Main' });
    await page.getByRole('heading', { name: 'Photos', level: 1 }).waitFor();
    expect(fetched.filter((path) => path.includes('devices-page'))).toEqual([]);

    await nav.getByRole('link', { name: 'Devices' }).click();
    const alert = page.getByRole('alert');
    await alert.getByRole('heading', { name: 'This page could not be shown' }).waitFor();
    expect(await alert.textContent()).toContain('reloading fetches the new version');
    expect(fetched.filter((path) => path.includes('devices-page'))).not.toEqual([]);

    // The failure is that page's alone: the rest of the app goes on.
    await page.unroute('**/static/devices-page-*.js');
    await nav.getByRole('link', { name: 'Albums' }).click();
    await page.getByRole('heading', { name: 'Albums', level: 1 }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });

  it('answers a page load with its content security policy, and API misses with JSON', async () => {
    const { url } = file.server();
    const page = await fetch(`${url}/photos/nothing-here`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    const api = await fetch(`${url}/api/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not-found');
  });
});
