import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asBlobHash, asUserId } from '@keepsake/core';
import { DerivativeWorkers } from '@keepsake/media';
import { fixture } from '@keepsake/media/test-support';
import { describe, expect, it } from 'vitest';
import { BlobGate } from '../blobs/blob-gate.js';
import { FolderBlobStore } from '../blobs/folder-blob-store.js';
import { SqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import { tempDir } from '../test-support/temp-dir.js';
import { sha256Of } from '../test-support/test-server.js';
import { MediaProcessor, pauseAfter } from './media-processor.js';

const ALICE = asUserId('user-alice');

/** A blob stored under its hash, from a fixture, and queued for media as an upload would be. */
async function storeFixture(
  store: SqliteMetadataStore,
  blobs: FolderBlobStore,
  dir: string,
  path: string,
) {
  const bytes = readFileSync(fixture(path));
  const hash = asBlobHash(sha256Of(bytes));
  const copy = join(dir, `incoming-${hash}`);
  copyFileSync(fixture(path), copy);
  await blobs.adoptFile(hash, copy);
  await store.addLibraryBlobs(ALICE, [{ hash, size: bytes.length }], 0);
  return hash;
}

describe('the media queue', () => {
  it('sends a blob whose processing fails to the back of the queue and tries it again later, without spinning', async () => {
    const dir = tempDir();
    const store = new SqliteMetadataStore(join(dir, 'meta.db'));
    await store.createUser(
      { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
      0,
    );
    const blobs = new FolderBlobStore(join(dir, 'blobs'));
    // The photo comes first in the queue; its thumbnails cannot be written yet (no scratch
    // folder): a failure around the file, not in it.
    const photo = await storeFixture(store, blobs, dir, 'jpeg/door-knocker.jpg');
    const other = await storeFixture(store, blobs, dir, 'corrupt/badrle.bmp');
    const scratch = join(dir, 'scratch-not-yet');
    let clock = 1_000;
    const processor = new MediaProcessor(
      store,
      blobs,
      new BlobGate(),
      new DerivativeWorkers(1),
      scratch,
      () => clock++,
    );
    const failures: unknown[] = [];
    processor.attach({ error: (details: unknown) => failures.push(details) });
    processor.start();

    // The blob behind the failing one is not held up.
    for (let i = 0; i < 200 && (await store.mediaFor(ALICE, other)) === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await store.mediaFor(ALICE, other)).toBeDefined();
    expect(await store.mediaFor(ALICE, photo)).toBeUndefined();
    expect(await store.queuedMedia(10)).toEqual([photo]);
    // Nothing else can be done now: it waits rather than failing again and again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(failures.length).toBeLessThanOrEqual(2);

    mkdirSync(scratch);
    processor.poke();
    await processor.drain();
    const media = await store.mediaFor(ALICE, photo);
    expect(media?.derivatives.map((d) => d.role).sort()).toEqual(['preview', 'thumbnail']);
    await processor.stop();
    await store.close();
  });
});

describe('media work beside sync', () => {
  it('takes a quarter of its time while devices move blobs, at most a second at a time', () => {
    // A file that took 100 ms, the last blob moved half a second ago: 300 ms of rest.
    expect(pauseAfter(100, 500)).toBe(300);
    expect(pauseAfter(2_000, 0)).toBe(1_000);
  });

  it('runs at full speed once devices have been quiet for two seconds', () => {
    expect(pauseAfter(100, 2_001)).toBe(0);
    expect(pauseAfter(100, Number.POSITIVE_INFINITY)).toBe(0);
  });
});
