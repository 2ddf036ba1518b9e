// Benchmark of the web timeline over a library of 100,000 photos, in Debian's Chromium (headless,
// playwright-core) against a real `keepsake serve`: how long until the first screen of photos
// is painted, thumbnails decoded, after the page is opened signed in; and how long a jump a
// year back with the scrubber takes until that screen is painted. Each is the median of runs in
// a fresh browser context (no cached app or thumbnails).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { asBlobHash, type Op } from '@keepsake/core';
import { spawnServer } from '@keepsake/e2e';
import { launchBrowser } from '@keepsake/e2e/browser';
import { openDataDir } from '@keepsake/server';
import type { Browser, Page } from 'playwright-core';
import { BENCH_PASSWORD, benchDevice } from './bench-client.js';
import { standInBlobs } from './stand-in-blobs.js';
import { ANY_TIME } from './bench-store.js';
import { OpStream } from './op-stream.js';
import { median } from './stats.js';
import { createHash } from 'node:crypto';

const PHOTOS = 100_000;
const BATCH = 500;
const RUNS = 5;
const VIEWPORT = { width: 1280, height: 800 };

/**
 * A library of PHOTOS imports (a photo every half hour: almost six years), made in the store
 * directly while no server runs. The stand-in originals have no bytes, so each is given one
 * real WebP as its thumbnail and preview, written in one transaction (through the store's API
 * each would be a durable commit of its own: minutes), and the media queue is emptied, or the
 * server would spend the measured minutes failing to read them.
 */
async function seedLibrary(dataDir: string): Promise<{ newestYear: number }> {
  const server = await spawnServer(dataDir, BENCH_PASSWORD);
  const { library, device } = await benchDevice(server.url);
  await server.kill('SIGTERM');
  const opened = openDataDir(dataDir);
  if (!opened) throw new Error('the server made no data directory');
  const stream = new OpStream([device]);
  const ops: Op[] = Array.from({ length: PHOTOS }, () => stream.importNew());
  await opened.store.addLibraryBlobs(library, standInBlobs(ops), 0);
  for (let i = 0; i < ops.length; i += BATCH) {
    await opened.store.submitOps(library, ops.slice(i, i + BATCH), ANY_TIME);
  }
  await opened.store.close();

  const webp = await sharp({
    create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 120, b: 160 } },
  })
    .webp()
    .toBuffer();
  const thumbnail = asBlobHash(createHash('sha256').update(webp).digest('hex'));
  const file = join(dataDir, 'thumbnail.webp');
  writeFileSync(file, webp);
  await opened.blobs.adoptFile(thumbnail, file);
  const db = new Database(opened.paths.database);
  const derivatives = JSON.stringify(
    ['thumbnail', 'preview'].map((role) => ({ role, hash: thumbnail, width: 320, height: 240 })),
  );
  db.transaction(() => {
    db.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, ?, ?)').run(
      thumbnail,
      webp.length,
      Date.now(),
    );
    db.prepare(
      `INSERT INTO media (hash, kind, file_type, meta, derivatives, error, made_at)
       SELECT hash, 'image', 'HEIC', NULL, ?, NULL, ? FROM media_queue`,
    ).run(derivatives, Date.now());
    for (const role of ['thumbnail', 'preview']) {
      db.prepare(
        'INSERT INTO derivatives (original, role, hash) SELECT hash, ?, ? FROM media_queue',
      ).run(role, thumbnail);
    }
    db.prepare('DELETE FROM media_queue').run();
  })();
  db.close();
  const newest = stream.assets.at(-1)?.takenAt ?? '';
  return { newestYear: new Date(newest).getUTCFullYear() };
}

/**
 * In the page: the page's own clock once every tile on screen shows a decoded thumbnail (and,
 * given `year`, a heading of that year is on screen), else false. A string: a function would
 * carry the helpers tsx compiles into it, which the page does not have.
 */
const screenPainted = (year: number | undefined) => `(() => {
  const onScreen = (element) => {
    const box = element.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight;
  };
  const year = ${JSON.stringify(year ?? null)};
  const headings = [...document.querySelectorAll('.rows h2')];
  if (year !== null && !headings.some((h) => onScreen(h) && h.textContent.endsWith(String(year)))) {
    return false;
  }
  const tiles = [...document.querySelectorAll('.rows li')].filter(onScreen);
  const painted = tiles.length > 0 && tiles.every((li) => {
    const img = li.querySelector('img');
    return img !== null && img.complete && img.naturalWidth > 0;
  });
  return painted ? performance.now() : false;
})()`;

const painted = async (page: Page, year?: number) => {
  const at = await page.waitForFunction(screenPainted(year), undefined, {
    polling: 'raf',
    timeout: 60_000,
  });
  return (await at.jsonValue()) as number;
};

async function signedInPage(browser: Browser, url: string): Promise<Page> {
  // The measuring script is evaluated in the page, which the app's CSP (no eval) forbids.
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: VIEWPORT,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page = await context.newPage();
  const signIn = await page.request.post(`${url}/api/v1/session`, {
    data: { user: 'admin', password: BENCH_PASSWORD },
  });
  if (!signIn.ok()) throw new Error(`signing in failed: ${signIn.status()}`);
  return page;
}

/** Milliseconds from the navigation's start to the first screen of photos painted. */
async function firstPaint(browser: Browser, url: string): Promise<number> {
  const page = await signedInPage(browser, url);
  await page.goto(url);
  const ms = await painted(page);
  await page.context().close();
  return ms;
}

/** Milliseconds from a click on the year in the scrubber to that year's screen painted. */
async function yearJump(browser: Browser, url: string, year: number): Promise<number> {
  const page = await signedInPage(browser, url);
  await page.goto(url);
  await painted(page);
  const button = page.getByRole('navigation', { name: 'Years' }).getByRole('button', {
    name: String(year),
  });
  await button.waitFor();
  const started = await button.evaluate((element) => {
    const at = performance.now();
    (element as unknown as { click(): void }).click();
    return at;
  });
  // Painted only once the year's own heading is on screen: the screen before the jump counts not.
  const ms = (await painted(page, year)) - started;
  await page.context().close();
  return ms;
}

export async function benchWebTimeline(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-bench-web-'));
  const seeding = performance.now();
  const { newestYear } = await seedLibrary(dataDir);
  const seedSeconds = (performance.now() - seeding) / 1000;
  const server = await spawnServer(dataDir, BENCH_PASSWORD);
  const browser = await launchBrowser();
  try {
    const paints: number[] = [];
    const jumps: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      paints.push(await firstPaint(browser, server.url));
      jumps.push(await yearJump(browser, server.url, newestYear - 1));
    }
    return {
      photos: PHOTOS,
      'first timeline paint, ms (median)': Math.round(median(paints)),
      'first timeline paint, ms (slowest)': Math.round(Math.max(...paints)),
      'a year back with the scrubber, ms (median)': Math.round(median(jumps)),
      'a year back with the scrubber, ms (slowest)': Math.round(Math.max(...jumps)),
      'library seeding, s (not a target)': Math.round(seedSeconds),
    };
  } finally {
    await browser.close();
    await server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
