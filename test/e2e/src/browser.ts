import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Debian's Chromium, driven by playwright-core: never a downloaded browser.

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is not installed (apt-get install chromium)`;
}

/** Fails the file at once where the browser tests are mandatory (CI) and cannot run. */
export function requireBrowserInCi(): string | undefined {
  const missing = browserMissing();
  if (missing !== undefined && process.env.KEEPSAKE_REQUIRE_SERVICES === '1') {
    throw new Error(`the browser tests are mandatory here: ${missing}`);
  }
  return missing;
}

export function launchBrowser(): Promise<Browser> {
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
