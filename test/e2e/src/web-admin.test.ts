import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, requireBrowserInCi } from './browser.js';
import { ADMIN_PASSWORD, serverForFile } from './households.js';
import { signedIn } from './web-session.js';

// The admin page of the web app as `keepsake serve` serves it, in Debian's Chromium: an
// administrator creates a user and resets their password; anyone else is refused.

const missing = requireBrowserInCi();
const file = serverForFile();

/** Tries to sign in on a fresh page; answers the page, signed in or showing why not. */
async function trySignIn(browser: Browser, url: string, user: string, password: string) {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return { context, page };
}

const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe.skipIf(missing !== undefined)('the admin page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('creates a user who can sign in, and resets their password', async () => {
    const { url } = file.server();
    const admin = await signedIn(browser, url, 'admin', ADMIN_PASSWORD);
    const { page } = admin;
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await mainNav(page).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    const users = page.getByRole('table', { name: 'Users' });
    const row = (name: string) =>
      users.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    expect(await row('admin').textContent()).toContain('Yes');

    const form = page.getByRole('form', { name: 'Create a user' });
    await form.getByLabel('Name').fill('hank');
    await form.getByLabel('Password').fill('hank first password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').filter({ hasText: 'hank can sign in now.' }).waitFor();
    await row('hank').waitFor();
    expect(await row('hank').getByRole('cell').first().textContent()).toBe('No');

    // The same name again: the server's reason, where the form is.
    await form.getByLabel('Name').fill('hank');
    await form.getByLabel('Password').fill('another password');
    await form.getByRole('button', { name: 'Create user' }).click();
    expect(await form.getByRole('alert').textContent()).toBe(
      'Not created: a user named hank already exists',
    );

    const first = await trySignIn(browser, url, 'hank', 'hank first password');
    await mainNav(first.page).waitFor();
    await first.context.close();

    // Opening the form changes nothing until its password is set; cancelled, nothing happened.
    const hank = row('hank');
    await hank.getByRole('button', { name: 'Reset password…' }).click();
    await hank.getByRole('button', { name: 'Cancel' }).click();
    await hank.getByRole('button', { name: 'Reset password…' }).click();
    await hank.getByLabel('New password for hank').fill('hank second password');
    await hank.getByRole('button', { name: 'Set password' }).click();
    await hank.getByRole('status').filter({ hasText: 'Password of hank changed.' }).waitFor();

    const old = await trySignIn(browser, url, 'hank', 'hank first password');
    await old.page.getByRole('alert').waitFor();
    expect(await mainNav(old.page).count()).toBe(0);
    await old.context.close();
    const renewed = await trySignIn(browser, url, 'hank', 'hank second password');
    await mainNav(renewed.page).waitFor();
    await renewed.context.close();
    expect(problems).toEqual([]);
    await admin.context.close();
  });

  it('shows a user who is no administrator no Admin link, and refuses them the page', async () => {
    const { url } = file.server();
    await file.household('ivy', ['laptop']);
    const { context, page } = await signedIn(browser, url, 'ivy');
    await mainNav(page).getByRole('link', { name: 'Sync inspector' }).waitFor();
    expect(await mainNav(page).getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await page.goto(`${url}/admin`);
    await page.getByText('Only administrators can manage users.').waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    // The server refuses them too, whatever the page shows.
    const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
    expect(status).toBe(403);
    await context.close();
  });
});
