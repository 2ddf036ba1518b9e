import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { spawnServer, type ServerProcess } from './server-process.js';

// A first start with no administrator's password: `keepsake serve` prints a one-time setup
// address, which makes the administrator in a browser and signs them in, once.

const missing = requireBrowserInCi();

describe.skipIf(missing !== undefined)('the first start', () => {
  let server: ServerProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-web-setup-'));
  afterAll(async () => {
    await server?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes the administrator from the printed setup address, and only once', async () => {
    server = await spawnServer(dataDir, undefined);
    const running = server;
    await expect.poll(() => running.stderr()).toMatch(/\/setup#token=\S+/);
    const address = /(http:\/\/\S+\/setup#token=\S+)/.exec(running.stderr())?.[1] ?? '';
    const token = new URL(address).hash.slice('#token='.length);

    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
      await page.goto(address);
      await page.getByLabel('User name').fill('root');
      await page.getByLabel(/^Password/).fill('a first password');
      await page.getByRole('button', { name: 'Create and sign in' }).click();
      await page.getByText('No photos yet.').waitFor();
      expect(await page.getByRole('navigation', { name: 'Main' }).textContent()).toContain(
        'Photos',
      );

      // The token worked once: the same address now refuses, and says why.
      const again = await (await browser.newContext()).newPage();
      await again.goto(address);
      await again.getByLabel('User name').fill('intruder');
      await again.getByLabel(/^Password/).fill('another password');
      await again.getByRole('button', { name: 'Create and sign in' }).click();
      await again.getByText(/this setup token is not valid/).waitFor();
    } finally {
      await browser.close();
    }
    const replay = await fetch(`${running.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, user: 'intruder', password: 'another password' }),
    });
    expect(replay.status).toBe(403);
    const signIn = await fetch(`${running.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'root', password: 'a first password' }),
    });
    expect(((await signIn.json()) as { user: { isAdmin: boolean } }).user.isAdmin).toBe(true);
  });
});
