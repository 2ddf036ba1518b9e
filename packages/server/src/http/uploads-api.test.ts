import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { request } from 'node:http';
import { asBlobHash, asUserId } from '@keepsake/core';
import {
  createUpload,
  locationOf,
  patchUpload,
  sha256Of,
  startTestServer,
  tusMetadata,
  uploadBlob,
  type TestServer,
} from '../test-support/test-server.js';

const TUS = { 'tus-resumable': '1.0.0' };
const DAY = 24 * 60 * 60 * 1000;

/** The id of the tus upload at `url`: the name of its file in the uploads folder. */
const uploadIdOf = (url: string) => new URL(url).pathname.split('/').at(-1) ?? '';

/** Sets a file's times `ms` into the past, as if nothing had written it since. */
const age = (file: string, ms: number) => {
  const then = new Date(Date.now() - ms);
  utimesSync(file, then, then);
};

/**
 * A whole-body upload sent but for its last byte: the server has checked its creation and
 * waits for the rest. `finish` sends it and gives the answer.
 */
async function heldWholeUpload(t: TestServer, token: string, bytes: Uint8Array) {
  const sending = request(`${t.server.url}/api/v1/uploads`, {
    method: 'POST',
    headers: {
      ...TUS,
      authorization: `Bearer ${token}`,
      'content-type': 'application/offset+octet-stream',
      'content-length': String(bytes.length),
      'upload-length': String(bytes.length),
      'upload-metadata': tusMetadata({ sha256: sha256Of(bytes) }),
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    sending.on('error', reject);
    sending.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
  });
  await new Promise((resolve) => sending.write(bytes.subarray(0, -1), resolve));
  return {
    finish: () => {
      sending.end(bytes.subarray(-1));
      return answer;
    },
  };
}

/** A PATCH's status and body. */
const answerOf = async (response: Response) => ({
  status: response.status,
  body: await response.text(),
});

/** Sends the first `cut` bytes of a PATCH and drops the connection, as a network switch would. */
async function cutPatch(url: string, token: string, bytes: Uint8Array, cut: number): Promise<void> {
  const controller = new AbortController();
  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      stream.enqueue(bytes.subarray(0, cut));
    },
    pull() {
      // Never sends the rest: abort once the first part had time to land.
      setTimeout(() => {
        controller.abort();
      }, 200);
      return new Promise(() => undefined);
    },
  });
  await fetch(url, {
    method: 'PATCH',
    headers: {
      ...TUS,
      authorization: `Bearer ${token}`,
      'upload-offset': '0',
      'content-type': 'application/offset+octet-stream',
    },
    body,
    duplex: 'half',
    signal: controller.signal,
  }).catch(() => undefined);
}

const offsetOf = async (url: string, token: string) => {
  const head = await fetch(url, {
    method: 'HEAD',
    headers: { ...TUS, authorization: `Bearer ${token}` },
  });
  return { status: head.status, offset: Number(head.headers.get('upload-offset')) };
};

describe('resumable uploads (tus) over HTTP', () => {
  it('resumes a cut upload from the stored offset and stores the blob bit-exact', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(3 * 1024 * 1024);
    const created = await createUpload(t.api, alice.token, bytes);
    expect(created.status).toBe(201);
    // Relative to the server: behind a proxy that ends TLS, an absolute one would say http.
    expect(created.headers.get('location')).toMatch(/^\/api\/v1\/uploads\/[0-9a-f]{32}$/);
    const url = locationOf(created, t.server.url);

    await cutPatch(url, alice.token, bytes, 1024 * 1024);
    const { offset } = await offsetOf(url, alice.token);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);

    const rest = await patchUpload(url, alice.token, offset, bytes.subarray(offset));
    expect(rest.status).toBe(204);
    const hash = sha256Of(bytes);
    const download = await t.api(`/api/v1/blobs/${hash}`, { token: alice.token });
    expect(download.status).toBe(200);
    expect(sha256Of(new Uint8Array(await download.arrayBuffer()))).toBe(hash);
  });

  it('refuses bytes that do not hash to the declared SHA-256, storing nothing', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(4096);
    const claimed = sha256Of('something else');
    const created = await createUpload(t.api, alice.token, bytes, claimed);
    const finished = await patchUpload(locationOf(created, t.server.url), alice.token, 0, bytes);
    expect(finished.status).toBe(460);
    expect(await finished.text()).toContain('checksum-mismatch');
    expect((await t.api(`/api/v1/blobs/${claimed}`, { token: alice.token })).status).toBe(404);
    expect(existsSync(join(t.dataDir, 'blobs', claimed.slice(0, 2)))).toBe(false);
  });

  it('refuses an upload over the size limit or past the quota with 413', async () => {
    const t = await startTestServer({ maxUploadBytes: 10_000, defaultQuotaBytes: 15_000 });
    const alice = await t.userWithDevice('alice');
    expect((await createUpload(t.api, alice.token, randomBytes(20_000))).status).toBe(413);
    expect((await uploadBlob(t.api, alice.token, randomBytes(9_000))).status).toBe(204);
    const overQuota = await createUpload(t.api, alice.token, randomBytes(9_000));
    expect(overQuota.status).toBe(413);
    expect(await overQuota.text()).toContain('quota');
  });

  it('counts unfinished uploads against the quota until they finish or are cancelled', async () => {
    const t = await startTestServer({ defaultQuotaBytes: 100_000 });
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const first = await createUpload(t.api, alice.token, randomBytes(60_000));
    expect(first.status).toBe(201);
    // Not a byte sent yet, and the 60,000 are held: 50,000 more would pass the quota.
    const second = await createUpload(t.api, alice.token, randomBytes(50_000));
    expect(second.status).toBe(413);
    expect(await second.json()).toEqual({
      error: {
        code: 'quota-exceeded',
        message:
          'this upload would take the library past its quota of 100000 bytes, counting 60000 bytes of unfinished uploads (finish them, or they expire); free space or ask an administrator for more',
      },
    });
    // Another user's library is not charged for Alice's uploads.
    expect((await createUpload(t.api, bob.token, randomBytes(50_000))).status).toBe(201);

    const cancelled = await fetch(locationOf(first, t.server.url), {
      method: 'DELETE',
      headers: { ...TUS, authorization: `Bearer ${alice.token}` },
    });
    expect(cancelled.status).toBe(204);
    expect((await createUpload(t.api, alice.token, randomBytes(50_000))).status).toBe(201);
  });

  it('refuses a user more unfinished uploads than it keeps open, with 429', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    for (let i = 0; i < 256; i++) {
      expect((await createUpload(t.api, alice.token, randomBytes(100))).status).toBe(201);
    }
    const refused = await createUpload(t.api, alice.token, randomBytes(100));
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: unknown }).error).toEqual({
      code: 'too-many-uploads',
      message:
        '256 uploads of yours are unfinished, the most this server keeps open; resume or cancel them (an unfinished upload expires 24 hours after it began)',
    });
    expect((await createUpload(t.api, bob.token, randomBytes(100))).status).toBe(201);
  });

  it("answers tus's own refusals in the API's JSON shape, saying what to do", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(1000);
    const url = locationOf(await createUpload(t.api, alice.token, bytes), t.server.url);
    const answer = async (response: Response) => ({
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.json(),
    });
    expect(await answer(await patchUpload(url, alice.token, 500, bytes.subarray(500)))).toEqual({
      status: 409,
      type: 'application/json; charset=utf-8',
      body: {
        error: {
          code: 'offset-conflict',
          message:
            'Upload-Offset conflict; ask with HEAD for the offset the server holds, and send from there',
        },
      },
    });
    const unversioned = await fetch(url, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${alice.token}`,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: bytes,
    });
    expect(unversioned.headers.get('tus-version')).toBe('1.0.0');
    expect(await answer(unversioned)).toEqual({
      status: 412,
      type: 'application/json; charset=utf-8',
      body: {
        error: {
          code: 'bad-request',
          message: 'Tus-Resumable Required; send Tus-Resumable: 1.0.0',
        },
      },
    });
    // Nothing was written by either: the whole upload still goes through from 0.
    expect((await patchUpload(url, alice.token, 0, bytes)).status).toBe(204);
  });

  it('requires the SHA-256 in the upload metadata', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const response = await t.api('/api/v1/uploads', {
      method: 'POST',
      token: alice.token,
      headers: { ...TUS, 'upload-length': '10' },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('sha256');
  });

  it("hides another user's upload and blob: 404, and presence answers only for one's own", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const bytes = randomBytes(2048);
    const created = await createUpload(t.api, alice.token, bytes);
    const url = locationOf(created, t.server.url);
    expect((await offsetOf(url, bob.token)).status).toBe(404);
    expect((await patchUpload(url, bob.token, 0, bytes)).status).toBe(404);
    expect((await patchUpload(url, alice.token, 0, bytes)).status).toBe(204);

    const hash = sha256Of(bytes);
    expect((await t.api(`/api/v1/blobs/${hash}`, { token: bob.token })).status).toBe(404);
    const presence = async (token: string) =>
      (
        (await (
          await t.api('/api/v1/blobs/presence', { token, body: { hashes: [hash] } })
        ).json()) as { present: string[] }
      ).present;
    expect(await presence(alice.token)).toEqual([hash]);
    expect(await presence(bob.token)).toEqual([]);
  });

  it('serves ranges, an ETag that is the hash, and 304 for a cached copy', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(10_000);
    await uploadBlob(t.api, alice.token, bytes);
    const hash = sha256Of(bytes);
    const ranged = await t.api(`/api/v1/blobs/${hash}`, {
      token: alice.token,
      headers: { range: 'bytes=100-199' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 100-199/10000');
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await t.api(`/api/v1/blobs/${hash}`, {
      token: alice.token,
      headers: { range: 'bytes=9990-' },
    });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(9990));
    const outside = await t.api(`/api/v1/blobs/${hash}`, {
      token: alice.token,
      headers: { range: 'bytes=20000-' },
    });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe('bytes */10000');
    // An error is neither cached for a year nor offered as a download.
    expect(outside.headers.get('cache-control')).toBeNull();
    expect(outside.headers.get('content-disposition')).toBeNull();

    const whole = await t.api(`/api/v1/blobs/${hash}`, { token: alice.token });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe('10000');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(bytes);
    expect(whole.headers.get('etag')).toBe(`"${hash}"`);
    expect(whole.headers.get('cache-control')).toContain('immutable');
    expect(whole.headers.get('content-disposition')).toContain('attachment');
    const cached = await t.api(`/api/v1/blobs/${hash}`, {
      token: alice.token,
      headers: { 'if-none-match': `"${hash}"` },
    });
    expect(cached.status).toBe(304);
  });

  it('answers the Range and validator headers a client may send as RFC 9110 says', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(1000);
    await uploadBlob(t.api, alice.token, bytes);
    const etag = `"${sha256Of(bytes)}"`;
    const get = (headers: Record<string, string>) =>
      t.api(`/api/v1/blobs/${sha256Of(bytes)}`, { token: alice.token, headers });
    const whole = async (headers: Record<string, string>) => {
      const response = await get(headers);
      return [response.status, Buffer.from(await response.arrayBuffer()).equals(bytes)];
    };
    // Ranges it may ignore give the whole blob: several at once, another unit, a backwards one.
    expect(await whole({ range: 'bytes=0-9,20-29' })).toEqual([200, true]);
    expect(await whole({ range: 'items=0-9' })).toEqual([200, true]);
    expect(await whole({ range: 'bytes=50-10' })).toEqual([200, true]);
    // A range of another version than the client holds is no use to it: the whole instead.
    expect(await whole({ range: 'bytes=0-9', 'if-range': '"another-version"' })).toEqual([
      200,
      true,
    ]);
    expect((await get({ range: 'bytes=0-9', 'if-range': etag })).status).toBe(206);
    // Any tag in an If-None-Match list matches, weak or strong, and so does "*".
    for (const tags of ['*', `W/${etag}`, `"older", ${etag}`]) {
      expect((await get({ 'if-none-match': tags })).status).toBe(304);
    }
    expect((await get({ 'if-none-match': '"older"' })).status).toBe(200);
  });

  it('stores and serves an empty file', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const empty = new Uint8Array(0);
    await uploadBlob(t.api, alice.token, empty);
    const answer = await t.api(`/api/v1/blobs/${sha256Of(empty)}`, { token: alice.token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-length')).toBe('0');
    expect((await answer.arrayBuffer()).byteLength).toBe(0);
    // The last bytes of an empty file are the whole of it; bytes from 0 on lie past its end.
    const ranged = (range: string) =>
      t.api(`/api/v1/blobs/${sha256Of(empty)}`, { token: alice.token, headers: { range } });
    expect((await ranged('bytes=-500')).status).toBe(200);
    expect((await ranged('bytes=0-')).status).toBe(416);
  });

  it('lets an abandoned upload expire, file and record', async () => {
    const t = await startTestServer({ uploadExpiryMs: 1 });
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(100_000);
    const created = await createUpload(t.api, alice.token, bytes);
    const url = locationOf(created, t.server.url);
    await cutPatch(url, alice.token, bytes, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await t.server.expireStaleUploads()).toBeGreaterThan(0);
    expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
    expect([404, 410]).toContain((await offsetOf(url, alice.token)).status);
  });

  it('holds the quota against uploads all let in before any finished, on both paths', async () => {
    const t = await startTestServer({ defaultQuotaBytes: 100_000 });
    const alice = await t.userWithDevice('alice');
    const { store } = t.server.context;
    const files = Array.from({ length: 6 }, () => randomBytes(30_000));
    // Each creation is checked against an empty library: all six are let in. (The resumable
    // ones count against the quota while unfinished, but three of them fit.)
    const whole = await Promise.all(
      files.slice(3).map((bytes) => heldWholeUpload(t, alice.token, bytes)),
    );
    await sleep(200); // for the whole uploads' creations to be checked while nothing is stored
    const resumable = await Promise.all(
      files.slice(0, 3).map(async (bytes) => {
        const created = await createUpload(t.api, alice.token, bytes);
        expect(created.status).toBe(201);
        return { bytes, url: locationOf(created, t.server.url) };
      }),
    );
    const patch = ({ bytes, url }: { bytes: Uint8Array; url: string }) =>
      patchUpload(url, alice.token, 0, bytes).then(answerOf);
    const [first, second, third] = resumable;
    const [fourth, fifth, sixth] = whole;
    if (!first || !second || !third || !fourth || !fifth || !sixth) throw new Error('six uploads');

    // Three fit, one after the other; the other three then finish together.
    expect((await fourth.finish()).status).toBe(201);
    expect((await patch(first)).status).toBe(204);
    expect((await patch(second)).status).toBe(204);
    const refused = await Promise.all([patch(third), fifth.finish(), sixth.finish()]);
    for (const answer of refused) {
      expect(answer.status).toBe(413);
      expect(answer.body).toContain('quota-exceeded');
      expect(answer.body).toContain('100000 bytes');
    }
    expect(await store.libraryBytes(asUserId(alice.userId))).toBe(90_000);

    for (const bytes of [third.bytes, files[4], files[5]]) {
      const hash = asBlobHash(sha256Of(bytes ?? ''));
      expect((await t.api(`/api/v1/blobs/${hash}`, { token: alice.token })).status).toBe(404);
      // Stored, never recorded: the journal of files in doubt has them, for retention to free.
      expect(await store.blobRecorded(hash)).toBe(false);
      expect(await store.blobFileDoubtedSince(hash)).toBeDefined();
    }
    // The refused resumable upload is gone: a resuming client starts afresh, and is told at once.
    expect((await offsetOf(third.url, alice.token)).status).toBe(404);
    await vi.waitFor(() => {
      expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
    });
  });

  it('finishes an upload whose last finish died between its link and the blob store', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(50_000);
    const url = locationOf(await createUpload(t.api, alice.token, bytes), t.server.url);
    // As a crash leaves it: every byte on disk, and the link the blob store never took.
    const file = join(t.dataDir, 'uploads', uploadIdOf(url));
    writeFileSync(file, bytes);
    linkSync(file, `${file}.adopt`);
    expect(await offsetOf(url, alice.token)).toEqual({ status: 200, offset: bytes.length });

    const finished = await patchUpload(url, alice.token, bytes.length, new Uint8Array(0));
    expect(finished.status).toBe(204);
    const hash = sha256Of(bytes);
    const download = await t.api(`/api/v1/blobs/${hash}`, { token: alice.token });
    expect(sha256Of(new Uint8Array(await download.arrayBuffer()))).toBe(hash);
    await vi.waitFor(() => {
      expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
    });
  });

  it('answers a failed finish without server paths, keeps no link, and finishes when asked again', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(50_000);
    const url = locationOf(await createUpload(t.api, alice.token, bytes), t.server.url);
    const { blobs } = t.server.context;
    const adopt = blobs.adoptFile.bind(blobs);
    blobs.adoptFile = (_hash, file) =>
      Promise.reject(new Error(`EIO: i/o error, rename '${file}'`));
    let failed: { status: number; body: string };
    try {
      failed = await answerOf(await patchUpload(url, alice.token, 0, bytes));
    } finally {
      blobs.adoptFile = adopt;
    }
    expect(failed.status).toBe(500);
    expect(failed.body).toContain('internal');
    expect(failed.body).not.toContain(t.dataDir);
    expect(readdirSync(join(t.dataDir, 'uploads')).filter((n) => n.endsWith('.adopt'))).toEqual([]);

    const finished = await patchUpload(url, alice.token, bytes.length, new Uint8Array(0));
    expect(finished.status).toBe(204);
    const hash = sha256Of(bytes);
    expect((await t.api(`/api/v1/blobs/${hash}`, { token: alice.token })).status).toBe(200);
  });

  it('sweeps old links and complete uploads no finish holds; keeps young links and partial uploads', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const uploads = join(t.dataDir, 'uploads');
    const created = async (bytes: Uint8Array, written: Uint8Array) => {
      const url = locationOf(await createUpload(t.api, alice.token, bytes), t.server.url);
      const file = join(uploads, uploadIdOf(url));
      writeFileSync(file, written);
      age(file, 2 * 60 * 1000);
      return url;
    };
    const bytes = randomBytes(20_000);
    // Every byte on disk and no finish coming: a crash took it, or its finish failed.
    const complete = await created(bytes, bytes);
    const partial = await created(bytes, bytes.subarray(0, 5_000));
    const oldLink = join(uploads, `${'e'.repeat(32)}.adopt`);
    const youngLink = join(uploads, `${'f'.repeat(32)}.adopt`);
    writeFileSync(oldLink, bytes);
    age(oldLink, 2 * DAY);
    writeFileSync(youngLink, bytes);

    expect(await t.server.expireStaleUploads()).toBe(2);
    expect(existsSync(oldLink)).toBe(false);
    expect(existsSync(youngLink)).toBe(true);
    expect((await offsetOf(complete, alice.token)).status).toBe(404);
    expect(await offsetOf(partial, alice.token)).toEqual({ status: 200, offset: 5_000 });
  });

  it('leaves no partial upload files behind once an upload completes', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    await uploadBlob(t.api, alice.token, randomBytes(1000));
    // The finished upload's file and record go right after the final response.
    await vi.waitFor(() => {
      expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
    });
  });
});

describe('photo-sized uploads sent whole in the request that creates them', () => {
  it('stores the blob bit-exact at once, answering as tus does, and keeps no upload files', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(700_000);
    const created = await createUpload(t.api, alice.token, bytes, undefined, true);
    expect(created.status).toBe(201);
    expect(created.headers.get('upload-offset')).toBe(String(bytes.length));
    expect(created.headers.get('tus-resumable')).toBe('1.0.0');
    // Nothing is left to resume: its address is gone, as a finished tus upload's is.
    const url = locationOf(created, t.server.url);
    expect((await offsetOf(url, alice.token)).status).toBe(404);
    const hash = sha256Of(bytes);
    const download = await t.api(`/api/v1/blobs/${hash}`, { token: alice.token });
    expect(sha256Of(new Uint8Array(await download.arrayBuffer()))).toBe(hash);
    expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
    // Sent again (a retry after a lost answer), it is the same blob, stored once.
    expect((await createUpload(t.api, alice.token, bytes, undefined, true)).status).toBe(201);
    expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
  });

  it('refuses a wrong, missing or garbled hash, a file over the limit or a full quota, storing nothing', async () => {
    const t = await startTestServer({ defaultQuotaBytes: 15_000, maxUploadBytes: 12_000 });
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(9_000);
    const claimed = sha256Of('something else');
    const mismatch = await createUpload(t.api, alice.token, bytes, claimed, true);
    expect(mismatch.status).toBe(460);
    expect(await mismatch.text()).toContain('checksum-mismatch');
    expect((await t.api(`/api/v1/blobs/${claimed}`, { token: alice.token })).status).toBe(404);
    const noHash = await createUpload(t.api, alice.token, bytes, 'not-a-hash', true);
    expect(noHash.status).toBe(400);
    expect(await noHash.text()).toContain('sha256');
    const garbled = await t.api('/api/v1/uploads', {
      method: 'POST',
      token: alice.token,
      headers: {
        ...TUS,
        'upload-length': String(bytes.length),
        'upload-metadata': 'sha256 %%%not base64, ,',
        'content-type': 'application/offset+octet-stream',
      },
      body: bytes,
    });
    expect(garbled.status).toBe(400);
    expect((await createUpload(t.api, alice.token, bytes, undefined, true)).status).toBe(201);
    const tooBig = await createUpload(t.api, alice.token, randomBytes(13_000), undefined, true);
    expect(tooBig.status).toBe(413);
    const overQuota = await createUpload(t.api, alice.token, randomBytes(9_000), undefined, true);
    expect(overQuota.status).toBe(413);
    expect(await overQuota.text()).toContain('quota');
    expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
  });

  it('keeps nothing of a body cut short, and goes on serving', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(500_000);
    const hash = sha256Of(bytes);
    await new Promise<void>((resolve) => {
      const cut = request(`${t.server.url}/api/v1/uploads`, {
        method: 'POST',
        headers: {
          ...TUS,
          authorization: `Bearer ${alice.token}`,
          'content-type': 'application/offset+octet-stream',
          'content-length': String(bytes.length),
          'upload-length': String(bytes.length),
          'upload-metadata': `sha256 ${Buffer.from(hash).toString('base64')}`,
        },
      });
      cut.on('error', () => {
        resolve();
      });
      cut.write(bytes.subarray(0, 200_000), () => {
        setTimeout(() => cut.destroy(), 100);
      });
    });
    expect((await t.api(`/api/v1/blobs/${hash}`, { token: alice.token })).status).toBe(404);
    expect((await createUpload(t.api, alice.token, bytes, undefined, true)).status).toBe(201);
    expect((await t.api(`/api/v1/blobs/${hash}`, { token: alice.token })).status).toBe(200);
  });

  it('lets a file a crash left between its write and its storing expire', async () => {
    const t = await startTestServer({ uploadExpiryMs: 1 });
    mkdirSync(join(t.dataDir, 'uploads'), { recursive: true });
    writeFileSync(join(t.dataDir, 'uploads', 'left-by-a-crash.whole'), randomBytes(100));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await t.server.expireStaleUploads()).toBe(1);
    expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
  });
});
