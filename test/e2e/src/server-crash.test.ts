import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobGate, defaultConfig, fsck, openDataDir, runRetention } from '@keepsake/server';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from './server-process.js';

// Kills a real `keepsake serve` with SIGKILL at random moments while a client streams op
// batches and resumable uploads at it, restarts it, and at the end proves: every op the server
// acknowledged is in the change log, every acknowledged blob is there bit-exact, no partial
// blob is visible, and fsck finds nothing wrong. Seeded; the seed is printed on failure.

const CRASHES = 30;
const SEED = Number(process.env.KEEPSAKE_CRASH_SEED ?? 20261129);
const PASSWORD = 'crash-test-password';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Client {
  url: string;
  token: string;
  deviceId: string;
}

async function call(client: Client, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${client.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${client.token}`,
      ...(init.headers as Record<string, string>),
    },
  });
}

/** Uploads over tus in 256 KiB PATCHes; resolves true once the server acknowledged the blob. */
async function upload(client: Client, bytes: Uint8Array): Promise<boolean> {
  const created = await call(client, '/api/v1/uploads', {
    method: 'POST',
    headers: {
      'tus-resumable': '1.0.0',
      'upload-length': String(bytes.length),
      'upload-metadata': `sha256 ${Buffer.from(sha256(bytes)).toString('base64')}`,
    },
  });
  if (created.status !== 201) return false;
  // A path: tus answers with the upload's address relative to the server.
  const path = created.headers.get('location') ?? '';
  for (let offset = 0; offset < bytes.length;) {
    const chunk = bytes.subarray(offset, offset + 256 * 1024);
    const patched = await call(client, path, {
      method: 'PATCH',
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
      },
      body: chunk,
    });
    if (patched.status !== 204) return false;
    offset = Number(patched.headers.get('upload-offset'));
  }
  return true;
}

describe('the server under SIGKILL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-crash-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged op and blob through ${CRASHES} kills (seed ${SEED})`, async () => {
    const random = prng(SEED);
    const acknowledgedOps = new Set<string>();
    const acknowledgedBlobs = new Map<string, number>();
    let server: ServerProcess = await spawnServer(dataDir, PASSWORD);
    const session = (await (
      await fetch(`${server.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'admin', password: PASSWORD }),
      })
    ).json()) as { token: string };
    const device = (await (
      await fetch(`${server.url}/api/v1/devices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ name: 'crash-test' }),
      })
    ).json()) as { device: { id: string }; token: string };
    const client: Client = { url: server.url, token: device.token, deviceId: device.device.id };
    let opCounter = 0;

    /** Streams uploads and the ops that name them until the server dies. */
    const work = async () => {
      for (;;) {
        const bytes = randomBytes(1024 + Math.floor(random() * 1024 * 1024));
        if (!(await upload(client, bytes))) return;
        const hash = sha256(bytes);
        acknowledgedBlobs.set(hash, bytes.length);
        const ops = Array.from({ length: 1 + Math.floor(random() * 200) }, (_, i) => {
          opCounter += 1;
          const payload =
            i === 0
              ? {
                  kind: 'import',
                  assetId: hash,
                  resources: { original: { hash, size: bytes.length, ext: 'JPG' } },
                  meta: {},
                  path: `crash/${hash.slice(0, 12)}.JPG`,
                }
              : {
                  kind: 'setField',
                  assetId: hash,
                  field: 'caption',
                  value: `caption ${opCounter}`,
                };
          return {
            opId: `crash-${SEED}-${opCounter}`,
            device: client.deviceId,
            hlc: { ms: Date.now(), counter: opCounter, node: client.deviceId },
            knownSeq: 0,
            payload,
          };
        });
        const response = await call(client, '/api/v1/ops', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ops }),
        });
        if (response.status !== 200) return;
        const { results } = (await response.json()) as { results: { status: string }[] };
        results.forEach((r, i) => {
          if (r.status !== 'retry') acknowledgedOps.add(ops[i]?.opId ?? '');
        });
      }
    };

    for (let crash = 0; crash < CRASHES; crash++) {
      const working = work().catch(() => undefined); // the connection dies with the server
      await new Promise((resolve) => setTimeout(resolve, 50 + random() * 400));
      await server.kill('SIGKILL');
      await working;
      server = await spawnServer(dataDir, PASSWORD);
      client.url = server.url;
    }

    try {
      const logged = new Set<string>();
      for (let since = 0; ;) {
        const page = (await (
          await call(client, `/api/v1/changes?since=${since}&limit=5000`)
        ).json()) as {
          entries: { seq: number; op: { opId: string } }[];
          head: number;
        };
        for (const e of page.entries) logged.add(e.op.opId);
        since = page.entries.at(-1)?.seq ?? since;
        if (since >= page.head) break;
      }
      const lostOps = [...acknowledgedOps].filter((id) => !logged.has(id));
      expect(lostOps, `seed ${SEED}: acknowledged ops missing from the log`).toEqual([]);
      expect(acknowledgedOps.size).toBeGreaterThan(CRASHES);

      for (const [hash, size] of acknowledgedBlobs) {
        const body = new Uint8Array(
          await (await call(client, `/api/v1/blobs/${hash}`)).arrayBuffer(),
        );
        expect([hash, body.length, sha256(body)], `seed ${SEED}`).toEqual([hash, size, hash]);
      }
    } finally {
      await server.kill('SIGTERM');
    }
    const opened = openDataDir(dataDir);
    if (!opened) throw new Error('data directory vanished');
    try {
      const report = await fsck(opened.store, opened.blobs);
      expect(report.problems, `seed ${SEED}: fsck`).toEqual([]);
      // Bytes a kill left unrecorded are all in the journal of files in doubt: retention, two
      // days on, leaves no blob file that the database does not know.
      const later = Date.now() + 2 * 24 * 60 * 60 * 1000;
      await runRetention(opened.store, opened.blobs, new BlobGate(), defaultConfig(), later);
      const after = await fsck(opened.store, opened.blobs);
      expect(after, `seed ${SEED}: fsck after retention`).toMatchObject({
        problems: [],
        notes: [],
      });
    } finally {
      await opened.store.close();
    }
  }, 600_000);
});
