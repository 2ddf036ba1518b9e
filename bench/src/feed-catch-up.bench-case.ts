// Benchmark of a new device catching up: a library whose change log holds 1,000,000 ops (a
// camera roll imported, then a busy mix on top), served by a real `keepsake serve` process to
// a device that reads the whole feed page by page and applies every entry to its replica.
// Reports the time and the server's peak resident memory while it serves.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyLogEntry, createLibrary, type LogEntry } from '@keepsake/core';
import { spawnServer } from '@keepsake/e2e';
import { defaultConfig, startServer } from '@keepsake/server';
import { BENCH_PASSWORD, benchDevice } from './bench-client.js';
import { standInBlobs } from './stand-in-blobs.js';
import { OpStream } from './op-stream.js';

const FEED = 1_000_000;
const IMPORTS = 100_000;
const PAGE = 5000;

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Fills a fresh data directory with a library of FEED ops; returns a device token for it. */
async function libraryWithLongFeed(dataDir: string): Promise<string> {
  const server = await startServer(defaultConfig({ dataDir, port: 0 }), {
    adminPassword: BENCH_PASSWORD,
  });
  try {
    const { library, device, token } = await benchDevice(server.url);
    const stream = new OpStream([device]);
    const store = server.context.store;
    const context = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 0 };
    await store.submitOps(library, [stream.createAlbum(library)], context);
    for (let made = 1; made < FEED;) {
      const n = Math.min(5000, FEED - made);
      const ops = Array.from({ length: n }, (_, i) =>
        made + i < IMPORTS ? stream.importNew() : stream.next(made + i),
      );
      await store.addLibraryBlobs(library, standInBlobs(ops), 0);
      await store.submitOps(library, ops, context);
      made += n;
    }
    return token;
  } finally {
    await server.close();
  }
}

/** Peak resident set of a process so far (Linux VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

export async function benchFeedCatchUp(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-feed-'));
  try {
    const buildStart = performance.now();
    const token = await libraryWithLongFeed(dataDir);
    const buildSeconds = (performance.now() - buildStart) / 1000;
    const server = await spawnServer(dataDir, BENCH_PASSWORD);
    try {
      const pid = server.child.pid ?? 0;
      const rssAtStart = peakRssMiB(pid);
      const replica = createLibrary();
      const start = performance.now();
      for (let since = 0, head = 1; since < head;) {
        const page = await json<{ entries: LogEntry[]; head: number }>(
          await fetch(`${server.url}/api/v1/changes?since=${since}&limit=${PAGE}`, {
            headers: { authorization: `Bearer ${token}` },
          }),
        );
        for (const entry of page.entries) applyLogEntry(replica, entry);
        head = page.head;
        since = replica.log.head;
      }
      const seconds = (performance.now() - start) / 1000;
      if (replica.log.head !== FEED)
        throw new Error(`caught up to ${replica.log.head}, not ${FEED}`);
      return {
        'feed of 1,000,000 ops: build through the store (s)': Math.round(buildSeconds),
        'feed catch-up: read and apply 1,000,000 ops (s)': Math.round(seconds * 10) / 10,
        'feed catch-up: ops per second': Math.round(FEED / seconds),
        'feed catch-up: server RSS at start (MiB)': Math.round(rssAtStart),
        'feed catch-up: server peak RSS (MiB)': Math.round(peakRssMiB(pid)),
      };
    } finally {
      await server.kill('SIGTERM');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
