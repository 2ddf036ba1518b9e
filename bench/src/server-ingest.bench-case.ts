// Benchmark of op ingest on the embedded server: batches of 500 ops POSTed over loopback HTTP
// to a real `keepsake serve` process (SQLite, synchronous=FULL), first importing a library,
// then the busy-library mix on top of it. Every batch is one durable transaction. The client
// runs in this process, the server in its own, as on a real network. The same ops are also
// given to the SQLite store alone, in this process: the difference is what HTTP, validation
// and the store's thread cost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { asDeviceId, asUserId, blobsOf, type Op } from '@keepsake/core';
import { spawnServer } from '@keepsake/e2e';
import { openDataDir, SqliteMetadataStore } from '@keepsake/server';
import { OpStream } from './op-stream.js';
import { median } from './stats.js';

const LIBRARY = 50_000;
const MIXED = 100_000;
const BATCH = 500;
const IN_FLIGHT = 2;
const STORE_RUNS = 3;

/** The library, then the mix, submitted straight to a fresh SQLite store: ops/s of each. */
async function storeAlone(): Promise<{ imports: number; mixed: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-store-'));
  const store = new SqliteMetadataStore(join(dir, 'keepsake.db'));
  try {
    const library = asUserId('user-bench');
    await store.createUser(
      { id: library, name: 'bench', passwordHash: null, isAdmin: true, quotaBytes: null },
      0,
    );
    const stream = new OpStream([asDeviceId('device-bench')]);
    const context = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 0 };
    const ingest = async (ops: Op[]) => {
      const blobs = ops.flatMap((op) => blobsOf(op).map((hash) => ({ hash, size: 1 })));
      await store.addLibraryBlobs(library, blobs, 0);
      const start = performance.now();
      for (let i = 0; i < ops.length; i += BATCH) {
        await store.submitOps(library, ops.slice(i, i + BATCH), context);
      }
      return ops.length / ((performance.now() - start) / 1000);
    };
    await ingest([stream.createAlbum(library)]);
    const imports = await ingest(Array.from({ length: LIBRARY }, () => stream.importNew()));
    const mixed = await ingest(Array.from({ length: MIXED }, (_, i) => stream.next(i)));
    return { imports, mixed };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchServerIngest(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-bench-'));
  const server = await spawnServer(dataDir, 'bench-password');
  const opened = openDataDir(dataDir);
  if (!opened) throw new Error('the server made no data directory');
  try {
    const post = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token !== undefined && { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const { token: session } = (await post('/api/v1/session', {
      user: 'admin',
      password: 'bench-password',
    })) as { token: string };
    const registered = (await post('/api/v1/devices', { name: 'bench' }, session)) as {
      device: { id: string };
      token: string;
    };
    const me = (await (
      await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${session}` } })
    ).json()) as { user: { id: string } };
    const stream = new OpStream([asDeviceId(registered.device.id)]);

    /** Posts ops in batches; returns ops per second. Blobs are registered first, untimed. */
    const ingest = async (ops: Op[]) => {
      const blobs = ops.flatMap((op) => blobsOf(op).map((hash) => ({ hash, size: 1 })));
      await opened.store.addLibraryBlobs(asUserId(me.user.id), blobs, 0);
      // The server reads each new blob's metadata in the background; these stand-ins have no
      // bytes, so let it get through them before timing the ingest alone.
      while ((await opened.store.queuedMedia(1)).length > 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const batches = Array.from({ length: Math.ceil(ops.length / BATCH) }, (_, i) =>
        ops.slice(i * BATCH, (i + 1) * BATCH),
      );
      const send = async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
          const { results } = (await post('/api/v1/ops', { ops: batch }, registered.token)) as {
            results: { status: string }[];
          };
          const refused = results.find((r) => r.status === 'rejected' || r.status === 'retry');
          if (refused) throw new Error(`the bench mix was refused: ${JSON.stringify(refused)}`);
        }
      };
      const start = performance.now();
      // Two batches in flight, as an agent with a backlog sends them: the server is never idle
      // waiting for the next one, so this measures what it can take.
      await Promise.all(Array.from({ length: IN_FLIGHT }, send));
      return ops.length / ((performance.now() - start) / 1000);
    };
    await ingest([stream.createAlbum(asUserId(me.user.id))]);
    const imports = await ingest(Array.from({ length: LIBRARY }, () => stream.importNew()));
    const mixed = await ingest(Array.from({ length: MIXED }, (_, i) => stream.next(i)));
    const alone = [];
    for (let run = 0; run < STORE_RUNS; run++) alone.push(await storeAlone());
    return {
      'ingest over HTTP, imports into an empty library (ops/s)': Math.round(imports),
      'ingest over HTTP, busy mix on 50,000 assets (ops/s)': Math.round(mixed),
      [`SQLite store alone, imports (ops/s, median of ${STORE_RUNS})`]: Math.round(
        median(alone.map((r) => r.imports)),
      ),
      [`SQLite store alone, busy mix (ops/s, median of ${STORE_RUNS})`]: Math.round(
        median(alone.map((r) => r.mixed)),
      ),
    };
  } finally {
    await opened.store.close();
    await server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
