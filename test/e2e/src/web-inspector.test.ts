import type { VersionId } from '@keepsake/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { put, serverForFile } from './households.js';
import { signedIn } from './web-session.js';

// The sync inspector of the web app as `keepsake serve` serves it, in Debian's Chromium: the
// change log of a library a laptop really synced, live, filtered by device and by photo.

const missing = requireBrowserInCi();
const file = serverForFile();

/** The log's first page: what the inspector shows before "Show older". */
const PAGE = 50;

describe.skipIf(missing !== undefined)('the sync inspector', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('shows the log live, filters it by device and photo, and pages back through it', async () => {
    const { url } = file.server();
    const { library, devices } = await file.household('gina', ['laptop']);
    const [laptop] = devices;
    put(laptop, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
    put(laptop, 'jpeg/mongolia.jpeg', 'mongolia.jpeg');
    await laptop.syncOnce();
    const knocker = await library.assetAt('door-knocker.jpg');
    const mongolia = await library.assetAt('mongolia.jpeg');

    const { context, page } = await signedIn(browser, url, 'gina');
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // This browser's favorite: an op of a device of its own, "Chrome on Linux".
    await page.goto(`${url}/photos/${knocker.id}`);
    const favorite = page.getByRole('button', { name: /Favorite/ });
    await favorite.click();
    await expect.poll(() => favorite.getAttribute('aria-pressed')).toBe('true');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Sync inspector' })
      .click();
    await page.getByRole('heading', { name: 'Sync inspector', level: 1 }).waitFor();
    const log = page.getByRole('list', { name: 'Changes, newest first' });
    const rows = log.getByRole('listitem');
    await rows.filter({ hasText: 'Marked as a favorite on Chrome on Linux' }).waitFor();
    expect(await rows.first().textContent()).toContain('Marked as a favorite');
    await rows.filter({ hasText: 'Imported as door-knocker.jpg on gina-laptop' }).waitFor();
    await rows.filter({ hasText: 'Imported as mongolia.jpeg on gina-laptop' }).waitFor();

    // Live: another device's ops appear at the top, read from the last head seen, no reload.
    await page.evaluate(() => {
      (globalThis as unknown as { stayed: boolean }).stayed = true;
    });
    const reads: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/log')) reads.push(request.url());
    });
    expect(
      await library.submit({
        kind: 'setField',
        assetId: knocker.id,
        field: 'caption',
        value: 'on the door',
      }),
    ).toMatchObject({ status: 'applied' });
    await rows
      .first()
      .filter({ hasText: 'Caption set to “on the door” on gina-checker' })
      .waitFor();
    // A trash that has not seen the photo's version is refused: new work is never thrown away.
    const refused = await library.submit({
      kind: 'trash',
      assetId: knocker.id,
      context: ['version-nobody-made' as VersionId],
    });
    expect(refused).toMatchObject({ status: 'rejected' });
    const rejected = rows.first().filter({ hasText: 'Moved to the trash on gina-checker' });
    await rejected.waitFor();
    expect(await rejected.textContent()).toMatch(/Rejected \(concurrent-edit\) Refused: \S/);
    expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(new URL(read).searchParams.get('after')).toMatch(/^\d+$/);

    // By device: only the laptop's imports, in an address that can be shared.
    await page.getByLabel('Device').selectOption({ label: 'gina-laptop' });
    await expect.poll(() => page.url()).toMatch(/\/inspector\?device=dev-/);
    // The server narrows the log: the browser asks for the device's ops, not for everything.
    await expect
      .poll(() =>
        reads.some((read) => new URL(read).searchParams.get('device')?.startsWith('dev-')),
      )
      .toBe(true);
    await expect
      .poll(async () => (await rows.allTextContents()).every((t) => t.includes('on gina-laptop')))
      .toBe(true);
    const byLaptop = await rows.allTextContents();
    expect(byLaptop.some((t) => t.includes('Imported as door-knocker.jpg'))).toBe(true);
    expect(byLaptop.some((t) => t.includes('Imported as mongolia.jpeg'))).toBe(true);
    const shared = await context.newPage();
    await shared.goto(page.url());
    const sharedRows = shared
      .getByRole('list', { name: 'Changes, newest first' })
      .getByRole('listitem');
    await sharedRows.first().waitFor();
    expect(await shared.getByLabel('Device').inputValue()).toMatch(/^dev-/);
    expect((await sharedRows.allTextContents()).every((t) => t.includes('on gina-laptop'))).toBe(
      true,
    );
    await shared.close();

    // By photo, pasted as its page's address: only the ops that named it, each linking to it.
    await page.getByLabel('Device').selectOption({ label: 'All devices' });
    await page
      .getByRole('textbox', { name: 'Photo', exact: true })
      .fill(`${url}/photos/${knocker.id}`);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.url()).toContain(`asset=${knocker.id}`);
    await expect.poll(() => rows.count()).toBe(4);
    const texts = await rows.allTextContents();
    expect(texts.join('\n')).not.toContain('mongolia');
    for (const row of await rows.all()) {
      const link = row.getByRole('link', { name: `Photo ${knocker.id.slice(0, 8)}` });
      expect(await link.getAttribute('href')).toBe(`/photos/${knocker.id}`);
    }
    await page.getByRole('textbox', { name: 'Photo', exact: true }).fill('IMG_0001.JPG');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('form', { name: 'Filter by photo' }).getByRole('alert').waitFor();
    expect(await rows.count()).toBe(4);

    // A row leads to its photo's page.
    await rows
      .last()
      .getByRole('link', { name: /^Photo / })
      .click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/photos/${knocker.id}`);

    // A log longer than a page: the newest page first, the rest on request, to the first op.
    for (let n = 0; n < PAGE; n++) {
      await library.submit({
        kind: 'setField',
        assetId: mongolia.id,
        field: 'caption',
        value: `take ${String(n)}`,
      });
    }
    await page.goto(`${url}/inspector`);
    await expect.poll(() => rows.count()).toBe(PAGE);
    const head = await page.evaluate(async () => {
      const response = await fetch('/api/v1/log?limit=1');
      return ((await response.json()) as { head: number }).head;
    });
    expect(head).toBeGreaterThan(PAGE);
    await page.getByRole('button', { name: 'Show older' }).click();
    await expect.poll(() => rows.count()).toBe(head);
    expect(await page.getByRole('button', { name: 'Show older' }).count()).toBe(0);
    expect(await rows.last().textContent()).toContain('Imported as');
    expect(problems).toEqual([]);
    await context.close();
  });
});
