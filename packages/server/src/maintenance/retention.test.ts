import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { asBlobHash, asUserId, opSchema } from '@keepsake/core';
import { fixture } from '@keepsake/media/test-support';
import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom, registerBlobs } from '../test-support/ops.js';
import { tempDir } from '../test-support/temp-dir.js';
import {
  sha256Of,
  startTestServer,
  uploadBlob,
  type TestServer,
} from '../test-support/test-server.js';
import { BlobGate } from '../blobs/blob-gate.js';
import { FolderBlobStore } from '../blobs/folder-blob-store.js';
import { SqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import { fsck } from './fsck.js';
import { openDataDir } from './open-stores.js';
import { runRetention } from './retention.js';

const DAY = 24 * 60 * 60 * 1000;

/** fsck's report on a data directory, read through stores of its own. */
async function fsckOf(dataDir: string) {
  const opened = openDataDir(dataDir);
  if (!opened) throw new Error('no data directory');
  try {
    return await fsck(opened.store, opened.blobs);
  } finally {
    await opened.store.close();
  }
}

/**
 * Uploads bytes whose recording fails, as a crash between storing and recording them would:
 * stored, in doubt, named by no record. Returns their hash.
 */
async function uploadUnrecorded(t: TestServer, token: string, bytes: Buffer) {
  const { store } = t.server.context;
  const record = store.addLibraryBlobs.bind(store);
  store.addLibraryBlobs = () => Promise.reject(new Error('the server stops here'));
  try {
    expect((await uploadBlob(t.api, token, bytes)).status).toBe(500);
  } finally {
    store.addLibraryBlobs = record;
  }
  return asBlobHash(sha256Of(bytes));
}

/**
 * A server on a clock the test moves, and alice's door-knocker photo uploaded but never
 * imported (garbage a day later), its thumbnail and preview made.
 */
async function uploadedNeverImported() {
  let clock = Date.now();
  const t = await startTestServer({ trashRetentionDays: 30 }, () => clock);
  const alice = await t.userWithDevice('alice');
  const photo = readFileSync(fixture('jpeg/door-knocker.jpg'));
  const hash = asBlobHash(sha256Of(photo));
  await uploadBlob(t.api, alice.token, photo);
  await t.server.media.drain();
  const thumbnailsOf = async () =>
    ((await t.server.context.store.mediaFor(asUserId(alice.userId), hash))?.derivatives ?? []).map(
      (d) => d.hash,
    );
  const thumbnails = await thumbnailsOf();
  expect(thumbnails).toHaveLength(2);
  const daysLater = (days: number) => {
    clock += days * DAY;
  };
  return { t, alice, photo, hash, thumbnails, thumbnailsOf, daysLater };
}

describe('trash retention and blob collection', () => {
  it('purges what sat in the trash past the retention, frees its bytes, and spares the rest', async () => {
    let clock = Date.now();
    const t = await startTestServer({ trashRetentionDays: 30 }, () => clock);
    const alice = await t.userWithDevice('alice');
    const [trashed, restored, neverImported] = [
      randomBytes(3000),
      randomBytes(4000),
      randomBytes(5000),
    ];
    for (const bytes of [trashed, restored, neverImported])
      await uploadBlob(t.api, alice.token, bytes);
    const imports = [
      importOpFor(alice.deviceId, trashed, 'a.JPG'),
      importOpFor(alice.deviceId, restored, 'b.JPG'),
    ];
    const [importA, importB] = imports;
    const stamp = { ms: clock, counter: 0, node: alice.deviceId };
    const ops = [
      ...imports.map((op) => ({ ...op, hlc: stamp })),
      {
        ...opFrom(alice.deviceId, {
          kind: 'trash',
          assetId: sha256Of(trashed),
          context: [importA?.opId],
        }),
        hlc: stamp,
      },
      {
        ...opFrom(alice.deviceId, {
          kind: 'trash',
          assetId: sha256Of(restored),
          context: [importB?.opId],
        }),
        hlc: stamp,
      },
      { ...opFrom(alice.deviceId, { kind: 'restore', assetId: sha256Of(restored) }), hlc: stamp },
    ];
    const submitted = await t.api('/api/v1/ops', { token: alice.token, body: { ops } });
    const { results } = (await submitted.json()) as { results: { status: string }[] };
    expect(results.map((r) => r.status)).toEqual(ops.map(() => 'applied'));
    const usedBefore = await t.server.context.store.libraryBytes(asUserId(alice.userId));

    await t.server.media.drain();
    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 0 });
    clock += 31 * DAY;
    const pushed: unknown[] = [];
    t.server.context.feed.on('changed', (library: string, head: number) =>
      pushed.push([library, head]),
    );
    expect(await t.server.runRetention()).toEqual({ purged: 1, freedBlobs: 2 });
    // The server's own purge reaches devices like any op.
    expect(pushed).toEqual([[alice.userId, ops.length + 1]]);

    const a = (await (
      await t.api(`/api/v1/assets/${sha256Of(trashed)}`, { token: alice.token })
    ).json()) as {
      asset: { lifecycle: { state: string; by: string } };
    };
    expect(a.asset.lifecycle).toMatchObject({ state: 'purged', by: 'keepsake-server' });
    expect((await t.api(`/api/v1/blobs/${sha256Of(trashed)}`, { token: alice.token })).status).toBe(
      404,
    );
    expect(
      (await t.api(`/api/v1/blobs/${sha256Of(neverImported)}`, { token: alice.token })).status,
    ).toBe(404);
    const kept = await t.api(`/api/v1/blobs/${sha256Of(restored)}`, { token: alice.token });
    expect(Buffer.from(await kept.arrayBuffer())).toEqual(restored);
    expect(await t.server.context.store.libraryBytes(asUserId(alice.userId))).toBe(
      usedBefore - 3000 - 5000,
    );

    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 0 });
    const report = await fsckOf(t.dataDir);
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([]);
  });

  it("never frees bytes another user's library still holds", async () => {
    let clock = Date.now();
    const t = await startTestServer({ trashRetentionDays: 30 }, () => clock);
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const shared = randomBytes(6000); // the same photo, in both libraries
    for (const user of [alice, bob]) {
      await uploadBlob(t.api, user.token, shared);
      const imported = {
        ...importOpFor(user.deviceId, shared, 'same.JPG'),
        hlc: { ms: clock, counter: 0, node: user.deviceId },
      };
      const ops = [imported];
      if (user === alice) {
        ops.push({
          ...opFrom(alice.deviceId, {
            kind: 'trash',
            assetId: sha256Of(shared),
            context: [imported.opId],
          }),
          hlc: { ms: clock, counter: 1, node: alice.deviceId },
        });
      }
      await t.api('/api/v1/ops', { token: user.token, body: { ops } });
    }
    await t.server.media.drain();
    clock += 31 * DAY;
    expect(await t.server.runRetention()).toEqual({ purged: 1, freedBlobs: 0 });
    expect((await t.api(`/api/v1/blobs/${sha256Of(shared)}`, { token: alice.token })).status).toBe(
      404,
    );
    const bobs = await t.api(`/api/v1/blobs/${sha256Of(shared)}`, { token: bob.token });
    expect(Buffer.from(await bobs.arrayBuffer())).toEqual(shared);
  });

  it('keeps bytes uploaded again while collection is freeing them', async () => {
    let clock = Date.now();
    const t = await startTestServer({ trashRetentionDays: 30 }, () => clock);
    const alice = await t.userWithDevice('alice');
    const bytes = randomBytes(2000); // uploaded, never imported: garbage a day later
    await uploadBlob(t.api, alice.token, bytes);
    await t.server.media.drain();
    clock += 2 * DAY;

    // The device sends the same bytes again just as collection deletes them.
    const blobs = t.server.context.blobs;
    const remove = blobs.remove.bind(blobs);
    let again: Promise<Response> | undefined;
    blobs.remove = async (hash) => {
      again = uploadBlob(t.api, alice.token, bytes);
      await sleep(200);
      await remove(hash);
    };
    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 1 });
    expect((await again)?.status).toBe(204);

    const fetched = await t.api(`/api/v1/blobs/${sha256Of(bytes)}`, { token: alice.token });
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(bytes);
    await t.server.media.drain();
    const report = await fsckOf(t.dataDir);
    expect(report.problems).toEqual([]);
  });

  it('deletes the bytes a failure left between storing and recording them, a day later', async () => {
    let clock = Date.now();
    const t = await startTestServer({ trashRetentionDays: 30 }, () => clock);
    const alice = await t.userWithDevice('alice');
    const { store, blobs } = t.server.context;
    const hash = await uploadUnrecorded(t, alice.token, randomBytes(500));
    expect(await blobs.size(hash)).toBe(500);
    // Bytes no journal knows of (put there by hand) are fsck's to report, not retention's.
    const byHand = randomBytes(300);
    const byHandFile = join(tempDir(), 'by-hand');
    writeFileSync(byHandFile, byHand);
    await blobs.adoptFile(asBlobHash(sha256Of(byHand)), byHandFile);

    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 0 });
    expect(await blobs.size(hash)).toBe(500);
    clock += 2 * DAY;
    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 1 });
    expect(await blobs.size(hash)).toBeUndefined();
    expect(await store.blobFileDoubtedSince(hash)).toBeUndefined();

    const report = await fsckOf(t.dataDir);
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([
      expect.stringContaining(
        `${sha256Of(byHand)} is not in the database, and nothing will delete it`,
      ),
    ]);
  });

  it('leaves bytes put in doubt afresh while it waited for their gate', async () => {
    let clock = Date.now();
    const t = await startTestServer({ trashRetentionDays: 30 }, () => clock);
    const alice = await t.userWithDevice('alice');
    const { store, blobs, blobGate } = t.server.context;
    const hash = await uploadUnrecorded(t, alice.token, randomBytes(400));
    clock += 2 * DAY;

    // Retention reads the stale entry, then waits for the blob's gate; meanwhile the same
    // bytes start being stored again (as an upload does, under the gate).
    let release: () => void = () => undefined;
    const held = blobGate.run(hash, () => new Promise<void>((resolve) => (release = resolve)));
    const retention = t.server.runRetention();
    await sleep(200);
    await store.expectBlobFiles([hash], clock);
    release();
    await held;
    expect(await retention).toEqual({ purged: 0, freedBlobs: 0 });
    expect(await blobs.size(hash)).toBe(400);
    expect(await store.blobFileDoubtedSince(hash)).toBe(clock);
  });

  it('deletes the bytes of a photo and its thumbnails forgotten just before a failure, at its next run', async () => {
    const { t, photo, hash, thumbnails, daysLater } = await uploadedNeverImported();
    const { store, blobs } = t.server.context;
    daysLater(2);
    // Collection forgets the photo, then deleting its bytes fails, as a crash there would.
    const remove = blobs.remove.bind(blobs);
    blobs.remove = () => Promise.reject(new Error('the server stops here'));
    await expect(t.server.runRetention()).rejects.toThrow('the server stops here');
    blobs.remove = remove;
    expect(await blobs.size(hash)).toBe(photo.length);

    // The thumbnails were forgotten with the photo: nothing is left recorded and held by nothing.
    daysLater(2);
    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 3 });
    for (const gone of [hash, ...thumbnails]) {
      expect(await blobs.size(gone)).toBeUndefined();
      expect(await store.blobRecorded(gone)).toBe(false);
    }
    const report = await fsckOf(t.dataDir);
    expect(report).toMatchObject({ problems: [], notes: [] });
  });

  it('purges a trash bigger than a page in batches of at most 500 ops', async () => {
    const dir = tempDir();
    const store = new SqliteMetadataStore(join(dir, 'meta.db'));
    const alice = asUserId('user-alice');
    await store.createUser(
      { id: alice, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
      0,
    );
    const ops = Array.from({ length: 1200 }, (_, i) => {
      const imported = opSchema.parse(importOpFor('device-test-1', `photo ${i}`, `p${i}.JPG`));
      const trashed = opSchema.parse(
        opFrom('device-test-1', {
          kind: 'trash',
          assetId: imported.payload.kind === 'import' ? imported.payload.assetId : '',
          context: [imported.opId],
        }),
      );
      return [imported, trashed];
    }).flat();
    await registerBlobs(store, alice, ops);
    await store.submitOps(alice, ops, { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 0 });

    const batches: number[] = [];
    const submit = store.submitOps.bind(store);
    store.submitOps = (library, batch, context) => {
      batches.push(batch.length);
      return submit(library, batch, context);
    };
    const report = await runRetention(
      store,
      new FolderBlobStore(join(dir, 'blobs')),
      new BlobGate(),
      { trashRetentionDays: 30, maxClockDriftMs: 60_000 },
      Date.now() + 31 * DAY,
    );
    expect(report).toEqual({ purged: 1200, freedBlobs: 1200 });
    expect(batches).toEqual([500, 500, 200]);
    await store.close();
  });

  it("frees a photo's thumbnails with it, and keeps them when the same bytes come back first", async () => {
    const { t, alice, photo, hash, thumbnails, thumbnailsOf, daysLater } =
      await uploadedNeverImported();
    const { store, blobs } = t.server.context;

    // The same bytes uploaded again after collection found them unreferenced and before it
    // deleted them.
    daysLater(2);
    const collect = store.collectGarbage.bind(store);
    store.collectGarbage = async (library, arrivedBefore) => {
      const freed = await collect(library, arrivedBefore);
      expect((await uploadBlob(t.api, alice.token, photo)).status).toBe(204);
      return freed;
    };
    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 0 });
    // Claimed anew, the photo's media is made again for alice: the same thumbnails.
    await t.server.media.drain();
    expect(await thumbnailsOf()).toEqual(thumbnails);
    for (const thumbnail of thumbnails) expect(await blobs.size(thumbnail)).toBeGreaterThan(0);

    // Nothing uploads it again: the photo and both thumbnails go.
    store.collectGarbage = collect;
    daysLater(2);
    expect(await t.server.runRetention()).toEqual({ purged: 0, freedBlobs: 3 });
    for (const gone of [hash, ...thumbnails]) expect(await blobs.size(gone)).toBeUndefined();
    const report = await fsckOf(t.dataDir);
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([]);
  });
});
