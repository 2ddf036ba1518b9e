import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asBlobHash, asUserId } from '@keepsake/core';
import { openDataDir } from '@keepsake/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { spawnServer, type ServerProcess } from './server-process.js';

// A library too big to put in a page whole: the timeline lays all of it out from the day counts,
// keeps only the rows on screen in the page, and its scrubber jumps years back.

const missing = requireBrowserInCi();
const PASSWORD = 'web timeline test password';
const PHOTOS = 3000;
/** Ten years, a photo every ~29 hours, newest in 2024. */
const takenAt = (i: number) => new Date(Date.UTC(2024, 11, 31) - i * 105_000_000).toISOString();

async function json<T>(url: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

describe.skipIf(missing !== undefined)('a timeline of thousands of photos', () => {
  let browser: Browser | undefined;
  let server: ServerProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-web-timeline-'));
  beforeAll(async () => {
    server = await spawnServer(dataDir, PASSWORD);
    browser = await launchBrowser();
    const { token: session, user } = await json<{ token: string; user: { id: string } }>(
      server.url,
      '/api/v1/session',
      { user: 'admin', password: PASSWORD },
    );
    const { device, token } = await json<{ device: { id: string }; token: string }>(
      server.url,
      '/api/v1/devices',
      { name: 'importer' },
      session,
    );
    const ops = Array.from({ length: PHOTOS }, (_, i) => {
      const hash = createHash('sha256').update(`photo ${i}`).digest('hex');
      return {
        opId: `import-${i}`,
        device: device.id,
        hlc: { ms: Date.now(), counter: i, node: device.id },
        knownSeq: 0,
        payload: {
          kind: 'import',
          assetId: hash,
          resources: { original: { hash, size: 1000, ext: 'JPG' } },
          meta: { takenAt: takenAt(i) },
          path: `Camera/IMG_${i}.JPG`,
        },
      };
    });
    // Stand-in bytes: the ops' blobs are recorded as uploaded straight in the store, as the
    // ingest benchmark does; this test is about laying the timeline out, not uploads.
    const opened = openDataDir(dataDir);
    if (!opened) throw new Error('the server made no data directory');
    await opened.store.addLibraryBlobs(
      asUserId(user.id),
      ops.map((op) => ({ hash: asBlobHash(op.payload.assetId), size: 1000 })),
      0,
    );
    await opened.store.close();
    for (let i = 0; i < ops.length; i += 500) {
      await json(server.url, '/api/v1/ops', { ops: ops.slice(i, i + 500) }, token);
    }
  }, 120_000);
  afterAll(async () => {
    // Whatever beforeAll got to start, even if it failed halfway.
    await browser?.close();
    await server?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps only the rows on screen in the page and jumps to a year', async () => {
    if (!browser || !server) throw new Error('beforeAll started no browser or server');
    const context = await browser.newContext({
      locale: 'en-GB',
      timezoneId: 'UTC',
      viewport: { width: 1200, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const newest = page.getByRole('link', { name: 'IMG_0.JPG' });
    await newest.waitFor();
    const shown = () => page.locator('.rows li').count();
    expect(await shown()).toBeGreaterThan(0);
    expect(await shown()).toBeLessThan(300);

    const years = page.getByRole('navigation', { name: 'Years' });
    expect(await years.getByRole('button').allTextContents()).toEqual(
      Array.from({ length: 10 }, (_, i) => String(2024 - i)),
    );
    await years.getByRole('button', { name: '2015' }).click();
    // The oldest photo of all is in 2015's last month, loaded where the jump landed.
    await page.getByRole('heading', { name: /2015$/ }).first().waitFor();
    await expect.poll(() => newest.count()).toBe(0);
    expect(await shown()).toBeLessThan(300);
    const oldest = page.getByRole('link', { name: `IMG_${PHOTOS - 1}.JPG` });
    await page.mouse.wheel(0, 100_000);
    await oldest.waitFor();
    await context.close();
  });
});
