import {
  applyLogEntry,
  assetStateHash,
  createLibrary,
  findDifferences,
  LibraryDigest,
  type LogEntry,
  type MemoryLibrary,
} from '@keepsake/core';
import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import {
  sha256Of,
  startTestServer,
  uploadBlob,
  type TestServer,
} from '../test-support/test-server.js';

/** A device's replica: the feed applied in order, as an agent keeps it. */
async function replicaOf(t: TestServer, token: string): Promise<MemoryLibrary> {
  const replica = createLibrary();
  const page = (await (await t.api('/api/v1/changes?since=0&limit=5000', { token })).json()) as {
    entries: LogEntry[];
  };
  for (const entry of page.entries) applyLogEntry(replica, entry);
  return replica;
}

const digestOf = (library: MemoryLibrary) =>
  LibraryDigest.build([...library.assets.values()].map((a) => [a.id, assetStateHash(a)] as const));

describe('the library digest over HTTP', () => {
  it('proves a caught-up replica equal in one exchange, and names exactly what changed since', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const photos = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`photo ${i}`));
    for (const photo of photos) await uploadBlob(t.api, alice.token, photo);
    const imports = photos.map((photo, i) =>
      importOpFor(alice.deviceId, photo, `2026/IMG_${i}.JPG`),
    );
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: imports } });

    const remote = async (request: unknown) =>
      (await t.api('/api/v1/digest', { token: alice.token, body: request })).json();
    const replica = await replicaOf(t, alice.token);
    const same = await findDifferences(digestOf(replica), remote);
    expect(same).toMatchObject({ differing: [], exchanges: 1 });

    // Two assets change on the server after the replica last read the feed.
    const changed = [sha256Of(photos[3] ?? ''), sha256Of(photos[17] ?? '')].sort();
    const favorites = changed.map((assetId) =>
      opFrom(alice.deviceId, { kind: 'setField', assetId, field: 'favorite', value: true }),
    );
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: favorites } });
    const behind = await findDifferences(digestOf(replica), remote);
    expect(behind.differing).toEqual(changed);

    const caughtUp = await findDifferences(digestOf(await replicaOf(t, alice.token)), remote);
    expect(caughtUp.differing).toEqual([]);
  });

  it('refuses a malformed digest request with a 400 naming the field', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const response = await t.api('/api/v1/digest', {
      token: alice.token,
      body: { v: 1, prefixes: ['xyz'] },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('body.prefixes.0');
  });
});
