import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { ADMIN_PASSWORD, put, serverForFile } from './households.js';
import { signedIn, thumbnailsMade } from './web-session.js';

// The web app on a phone-sized screen (375 × 740, touch), in Debian's Chromium: every page fits
// the screen's width (nothing to scroll sideways to) and every page is reached by a tap.

const missing = requireBrowserInCi();
const { household, server } = serverForFile();
const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

/** How far the page reaches past the screen's right edge, in CSS pixels (0 when it fits). */
const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

describe.skipIf(missing !== undefined)('the web app on a phone', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('fits every page to the width of the screen', async () => {
    const { url } = server();
    const { library, devices } = await household('phoebe', ['phone']);
    put(devices[0], 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await devices[0].syncOnce();
    await thumbnailsMade(library, 1);
    // The administrator: the admin page is one of the pages.
    const { context, page } = await signedIn(browser, url, 'admin', ADMIN_PASSWORD, PHONE);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const [link, heading] of [
      ['Photos', 'Photos'],
      ['Albums', 'Albums'],
      ['Trash', 'Trash'],
      ['Devices', 'Devices'],
      ['Sync inspector', 'Sync inspector'],
      ['Admin', 'Administration'],
    ] as const) {
      await nav.getByRole('link', { name: link, exact: true }).tap();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect([link, await overflow(page)]).toEqual([link, 0]);
    }
    await page.getByRole('button', { name: 'Upload' }).tap();
    expect(['upload panel', await overflow(page)]).toEqual(['upload panel', 0]);
    await context.close();

    const phone = await signedIn(browser, url, 'phoebe', undefined, PHONE);
    await phone.page.getByRole('link', { name: 'door-knocker.jpg' }).tap();
    await phone.page.getByRole('region', { name: 'History' }).waitFor();
    expect(['photo', await overflow(phone.page)]).toEqual(['photo', 0]);
    await phone.context.close();
  });
});
