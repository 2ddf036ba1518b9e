import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { ADMIN_PASSWORD, put, serverForFile, USER_PASSWORD } from './households.js';

// axe-core, run inside Chromium on each main page of the web app: no serious or critical
// violation of WCAG's rules as axe checks them (contrast, names, roles, landmarks...).

const missing = requireBrowserInCi();
const { household, server } = serverForFile();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** The serious and critical violations on the page as it is now, each with where it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate<Violation[]>(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.help}): ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

const mainLink = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

describe.skipIf(missing !== undefined)('the web app, scanned by axe-core', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('finds no serious or critical violation on the sign-in page, the timeline, search results, a photo, the albums, the sync inspector and the admin page', async () => {
    const { url } = server();
    const { devices } = await household('erin', ['laptop']);
    const [laptop] = devices;
    put(laptop, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    await laptop.syncOnce();

    for (const colorScheme of ['light', 'dark'] as const) {
      // The scanner is injected as an inline script, which the app's CSP refuses (as it should).
      const context = await browser.newContext({ bypassCSP: true, locale: 'en-GB', colorScheme });
      const page = await context.newPage();
      await page.goto(url);
      await page.getByLabel('User name').waitFor();
      expect(await seriousViolations(page), `sign-in, ${colorScheme}`).toEqual([]);

      await page.getByLabel('User name').fill('erin');
      await page.getByLabel('Password').fill(USER_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: 'door-knocker.jpg' }).waitFor();
      expect(await seriousViolations(page), `timeline, ${colorScheme}`).toEqual([]);

      await page.goto(new URL('/?q=door&from=2000-01-01', url).href);
      await page.getByText('1 photo: with “door”, from 2000-01-01.').waitFor();
      expect(await seriousViolations(page), `search results, ${colorScheme}`).toEqual([]);

      await page.getByRole('link', { name: 'door-knocker.jpg' }).click();
      await page.getByRole('heading', { name: 'History' }).waitFor();
      expect(await seriousViolations(page), `photo, ${colorScheme}`).toEqual([]);

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Albums' })
        .click();
      await page.getByRole('heading', { name: 'Albums', level: 1 }).waitFor();
      expect(await seriousViolations(page), `albums, ${colorScheme}`).toEqual([]);

      await mainLink(page, 'Sync inspector').click();
      await page.getByText('Imported as door-knocker.jpg').waitFor();
      expect(await seriousViolations(page), `inspector, ${colorScheme}`).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await mainLink(page, 'Admin').click();
      await page.getByRole('rowheader', { name: 'erin' }).waitFor();
      expect(await seriousViolations(page), `admin, ${colorScheme}`).toEqual([]);
      await context.close();
    }
  });
});
