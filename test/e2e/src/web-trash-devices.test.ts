import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { serverForFile } from './households.js';
import type { LibraryClient } from './library-client.js';
import { imageDecoded, photoSyncedBy, signedIn } from './web-session.js';

// The trash and devices pages of the web app as `keepsake serve` serves it, in Debian's
// Chromium, against a laptop that really syncs: what the pages do reaches its folder.

const missing = requireBrowserInCi();
const file = serverForFile();

const DAY_MS = 24 * 60 * 60 * 1000;
/** The server's default: trashed photos are purged after 30 days. */
const RETENTION_DAYS = 30;

/** An asset as the API lists it, with what these tests read of it. */
interface Listed {
  readonly id: string;
  readonly versions: { readonly id: string }[];
  readonly lifecycle: { readonly state: string; readonly hlc?: { readonly ms: number } };
  readonly media: Record<string, { derivatives?: unknown[] }>;
}

const listed = async (library: LibraryClient, filter: 'live' | 'trashed' = 'live') =>
  (await library.assets(filter)) as unknown as Listed[];

describe.skipIf(missing !== undefined)('the trash and devices pages', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  const go = (page: Page, to: 'Photos' | 'Trash' | 'Devices') =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: to }).click();

  it('shows a trashed photo with its purge date, restores it, and deletes it for good', async () => {
    const { url, laptop, library } = await photoSyncedBy(
      file,
      'dora',
      'jpeg/door-knocker.jpg',
      'door-knocker.jpg',
    );
    const { context, page } = await signedIn(browser, url, 'dora');
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await go(page, 'Trash');
    await page.getByRole('heading', { name: 'Trash', level: 1 }).waitFor();
    await page.getByText('The trash is empty.').waitFor();

    await go(page, 'Photos');
    await page.getByRole('link', { name: 'door-knocker.jpg' }).click();
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByText('In the trash').waitFor();

    await go(page, 'Trash');
    const item = page
      .getByRole('list', { name: 'Photos in the trash' })
      .getByRole('listitem')
      .filter({ hasText: 'door-knocker.jpg' });
    await item.waitFor();
    // Its thumbnail is served though it is in the trash.
    const thumbnail = item.getByRole('img', { name: 'door-knocker.jpg' });
    await imageDecoded(thumbnail);
    // Purged 30 days after this browser trashed it, a moment ago.
    const [trashed] = await listed(library, 'trashed');
    const trashedMs = trashed?.lifecycle.hlc?.ms ?? 0;
    expect(Math.abs(Date.now() - trashedMs)).toBeLessThan(5 * 60_000);
    const purgeAfter = new Date(trashedMs + RETENTION_DAYS * DAY_MS).toISOString();
    const when = item.locator('time');
    expect(await when.getAttribute('datetime')).toBe(purgeAfter);
    const shown = await page.evaluate(
      (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
      purgeAfter,
    );
    expect(await item.textContent()).toContain(`Deleted for good after ${shown}`);

    await item.getByRole('button', { name: 'Restore' }).click();
    await page.getByText('The trash is empty.').waitFor();
    expect((await listed(library)).map((a) => a.id)).toEqual([trashed?.id]);

    // Trashed again on another device: the open page hears of it over the push channel.
    const live = await library.assetAt('door-knocker.jpg');
    const trashAgain = await library.submit({
      kind: 'trash',
      assetId: live.id,
      context: live.versions.map((v) => v.id),
    });
    expect(trashAgain.status).toBe('applied');
    await item.waitFor();

    // Deleting asks first; cancelled, nothing happens.
    await item.getByRole('button', { name: 'Delete permanently' }).click();
    const confirm = item.getByRole('group', { name: /^Delete door-knocker\.jpg for good/ });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await confirm.count()).toBe(0);
    expect(await listed(library, 'trashed')).toHaveLength(1);

    await item.getByRole('button', { name: 'Delete permanently' }).click();
    await confirm.getByRole('button', { name: 'Delete for good' }).click();
    await page.getByText('The trash is empty.').waitFor();
    expect(await listed(library, 'trashed')).toEqual([]);
    expect(await listed(library)).toEqual([]);
    await go(page, 'Photos');
    await page.getByText('No photos yet.').waitFor();

    // The laptop's folder follows: the file leaves it, for the agent's own trash folder.
    expect([...laptop.files().keys()]).toEqual(['door-knocker.jpg']);
    await laptop.syncOnce();
    expect([...laptop.files().keys()]).toEqual([]);
    expect(laptop.trashedHashes()).toEqual([live.id]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('lists the devices, marks this browser, and revokes the laptop', async () => {
    const { url, laptop } = await photoSyncedBy(
      file,
      'erin',
      'jpeg/door-knocker.jpg',
      'knocker.jpg',
    );
    const { context, page } = await signedIn(browser, url, 'erin');
    // This browser becomes a device of the library at its first change.
    await page.getByRole('link', { name: 'knocker.jpg' }).click();
    const favorite = page.getByRole('button', { name: /Favorite/ });
    await favorite.click();
    await expect.poll(() => favorite.getAttribute('aria-pressed')).toBe('true');

    await go(page, 'Devices');
    const devices = page.getByRole('list', { name: 'Your devices' });
    const deviceNamed = (name: string) =>
      devices.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    const laptopItem = deviceNamed('erin-laptop');
    await laptopItem.waitFor();
    expect(await devices.getByText('(this browser)').count()).toBe(1);
    expect(await deviceNamed('Chrome on Linux (this browser)').count()).toBe(1);
    expect(await laptopItem.textContent()).toMatch(/Last seen\d+ \w+ \d{4}/);
    // The favorite is a change the laptop has not read yet; once it has, it is in step.
    expect(await laptopItem.textContent()).toContain('1 change behind');
    await laptop.syncOnce();
    await page.reload();
    await expect.poll(() => laptopItem.textContent()).toContain('In step with the library');
    // What the laptop's agent said of itself: nothing left to send, no error.
    expect(await laptopItem.textContent()).toMatch(/To sendNothing \(reported/);
    expect(await laptopItem.getByText('Last error').count()).toBe(0);

    // Another browser of the same user sees this one listed, but not as itself.
    const other = await signedIn(browser, url, 'erin');
    await go(other.page, 'Devices');
    const elsewhere = other.page.getByRole('list', { name: 'Your devices' });
    await elsewhere.getByRole('heading', { name: 'Chrome on Linux' }).waitFor();
    expect(await elsewhere.getByText('(this browser)').count()).toBe(0);
    await other.context.close();

    await laptopItem.getByRole('button', { name: 'Revoke' }).click();
    await laptopItem
      .getByRole('group', { name: /^Revoke erin-laptop\?/ })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect.poll(() => laptopItem.textContent()).toMatch(/Revoked\d+ \w+ \d{4}/);
    expect(await laptopItem.getByRole('button').count()).toBe(0);

    // The laptop synced a moment ago; now its next sync is refused.
    const refused = await laptop.run(['sync', laptop.folder, '--once', '--timeout', '60']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refused this device's token: the device was revoked");
    await context.close();
  });
});
