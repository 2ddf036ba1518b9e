import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '@keepsake/media/test-support';
import { MAX_MEDIA_HASHES } from './routes/blob-media.js';
import { sha256Of, startTestServer, uploadBlob } from '../test-support/test-server.js';

const LIVE_STILL = 'livephoto/train.jpg';
const LIVE_ID = 'E905E6C6-C747-4805-942F-9904A0281F02';
const NOT_A_PHOTO = 'corrupt/broken.png';

interface MediaAnswer {
  media: { hash: string; kind: string; meta?: Record<string, unknown>; error?: string }[];
}

/** A server and a user who uploaded these fixtures; their hashes in the same order. */
async function uploaded(...paths: string[]) {
  const t = await startTestServer();
  const alice = await t.userWithDevice('alice');
  const hashes: string[] = [];
  for (const path of paths) {
    const bytes = readFileSync(fixture(path));
    expect((await uploadBlob(t.api, alice.token, bytes)).status).toBe(204);
    hashes.push(sha256Of(bytes));
  }
  const ask = (hashes: unknown, token = alice.token) =>
    t.api('/api/v1/blobs/media', { token, body: { hashes } });
  return { t, alice, hashes, ask };
}

describe('POST /api/v1/blobs/media', () => {
  it("answers each of the caller's blobs with its metadata, or why it has none", async () => {
    const { hashes, ask } = await uploaded(LIVE_STILL, NOT_A_PHOTO);
    const response = await ask(hashes);
    expect(response.status).toBe(200);
    const { media } = (await response.json()) as MediaAnswer;
    expect(media.map((m) => m.hash)).toEqual(hashes);
    const [still, broken] = media;
    expect(still?.meta?.contentId).toBe(LIVE_ID);
    expect(still?.meta?.camera).toContain('Apple');
    expect(still?.error).toBeUndefined();
    expect(broken?.meta).toBeUndefined();
    expect(broken?.error).toMatch(/could not read metadata: .+/);
  });

  it("answers a hash of another user's library as if nobody stored it", async () => {
    const { t, hashes, ask } = await uploaded(LIVE_STILL);
    const bob = await t.userWithDevice('bob');
    const refused = await ask(hashes, bob.token);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ error: { code: 'not-found' } });
    const unknown = await ask(['0'.repeat(64)]);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain(`no blob ${'0'.repeat(64)} here`);
  });

  it('refuses what is not a batch of SHA-256 hashes, saying what is wrong', async () => {
    const { ask } = await uploaded();
    for (const hashes of [['not-a-hash'], ['A'.repeat(64)], []]) {
      const response = await ask(hashes);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('bad-request');
      expect(error.message).toContain('body.hashes');
    }
  });

  it('refuses a batch larger than the limit, naming it', async () => {
    const { ask } = await uploaded();
    const many = Array.from({ length: MAX_MEDIA_HASHES + 1 }, (_, i) =>
      i.toString(16).padStart(64, '0'),
    );
    const response = await ask(many);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`at most ${MAX_MEDIA_HASHES} hashes`);
  });

  it('asks for a signed-in caller', async () => {
    const { t, hashes } = await uploaded(LIVE_STILL);
    const response = await t.api('/api/v1/blobs/media', { body: { hashes } });
    expect(response.status).toBe(401);
  });
});
