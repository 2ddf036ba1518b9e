import {
  applyOp,
  asBlobHash,
  asUserId,
  blobHashesOf,
  blobsOf,
  canonicalAlbumState,
  canonicalAssetState,
  createLibrary,
  opSchema,
  sha256Hex,
  type BlobHash,
  type Op,
} from '@keepsake/core';
import { serverLogOf } from '@keepsake/sim';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpFor, registerBlobs } from '../../test-support/ops.js';
import { tempDir } from '../../test-support/temp-dir.js';
import { QuotaExceededError, type StoredEntry } from '../metadata-store.js';
import { migrateTo } from './database.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

const ALICE = asUserId('user-alice');
const BOB = asUserId('user-bob');
const ANY_TIME = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 60_000 };

async function storeWithUser(dir: string): Promise<SqliteMetadataStore> {
  const store = new SqliteMetadataStore(join(dir, 'meta.db'));
  await store.createUser(
    { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
    0,
  );
  return store;
}

/** Blob hashes of these texts, in the order given. */
const hashesOf = <const T extends readonly string[]>(...texts: T) =>
  texts.map((text) => asBlobHash(sha256Hex(text))) as { [K in keyof T]: BlobHash };

/** Records `photo`'s media: one thumbnail, `thumbnail`. */
const recordThumbnail = (
  store: SqliteMetadataStore,
  photo: BlobHash,
  thumbnail: BlobHash,
  nowMs: number,
) => {
  const derivative = {
    role: 'thumbnail',
    hash: thumbnail,
    format: 'webp',
    width: 1,
    height: 1,
  } as const;
  return store.recordMedia(photo, { kind: 'image', derivatives: [derivative] }, [2], nowMs);
};

describe('SqliteMetadataStore: the merge rules over rows', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'replays simulated seed %i to the states and outcomes of the in-memory library',
    async (seed) => {
      const dir = tempDir();
      const store = await storeWithUser(dir);
      const log = serverLogOf(seed);
      const ops = log.map((e) => e.op);
      await registerBlobs(store, ALICE, ops);
      // Uneven batches: state carried within a batch and across commits must agree.
      const replies = [];
      for (let i = 0; i < ops.length; i += 37) {
        replies.push(...(await store.submitOps(ALICE, ops.slice(i, i + 37), ANY_TIME)));
      }
      expect(replies.map((r) => [r.status, 'seq' in r && r.seq])).toEqual(
        log.map((e) => [e.outcome.status, e.seq]),
      );

      const memory = createLibrary();
      for (const op of ops) applyOp(memory, op);
      for (const asset of memory.assets.values()) {
        const stored = await store.asset(ALICE, asset.id);
        expect(stored && canonicalAssetState(stored)).toBe(canonicalAssetState(asset));
      }
      for (const album of memory.albums.values()) {
        const stored = await store.album(ALICE, album.id);
        expect(stored && canonicalAlbumState(stored)).toBe(canonicalAlbumState(album));
      }
      const page = await store.changesJson(ALICE, 0, 100_000);
      expect(page.head).toBe(log.length);
      const entries = JSON.parse(page.entries) as StoredEntry[];
      expect(entries.map((e) => e.op)).toEqual(ops);
      expect(entries.map(({ seq, outcome }) => ({ seq, outcome }))).toEqual(
        log.map(({ seq, outcome }) => ({ seq, outcome })),
      );
      await store.close();
    },
  );

  it('answers a whole batch sent again with the first outcomes and logs nothing new', async () => {
    const store = await storeWithUser(tempDir());
    const ops: Op[] = serverLogOf(1)
      .slice(0, 40)
      .map((e) => e.op);
    await registerBlobs(store, ALICE, ops);
    const first = await store.submitOps(ALICE, ops, ANY_TIME);
    for (let retry = 0; retry < 2; retry++) {
      const again = await store.submitOps(ALICE, ops, ANY_TIME);
      expect(again.map((r) => r.status)).toEqual(ops.map(() => 'duplicate'));
      expect(again.map((r) => r.status === 'duplicate' && r.first.status)).toEqual(
        first.map((r) => r.status),
      );
    }
    expect(await store.headSeq(ALICE)).toBe(40);
    await store.close();
  });

  it('records every op that named or changed an asset in its history, in seq order', async () => {
    const store = await storeWithUser(tempDir());
    const log = serverLogOf(3);
    await registerBlobs(
      store,
      ALICE,
      log.map((e) => e.op),
    );
    await store.submitOps(
      ALICE,
      log.map((e) => e.op),
      ANY_TIME,
    );
    for (const { op, seq } of log) {
      if (!('assetId' in op.payload)) continue;
      const history = await store.history(ALICE, op.payload.assetId);
      const seqs = history.map((e) => e.seq);
      expect(seqs).toContain(seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    await store.close();
  });

  it('commits batches together, each in its own savepoint: one that fails takes only itself back', async () => {
    const store = await storeWithUser(tempDir());
    const ops = serverLogOf(2).map((e) => e.op);
    await registerBlobs(store, ALICE, ops);
    const commits: number[] = [];
    store.onCommit((_library, { head }) => commits.push(head));
    const results = store.submitBatches([
      { library: ALICE, ops: ops.slice(0, 10), context: ANY_TIME },
      { library: asUserId('user-nobody'), ops: ops.slice(10, 20), context: ANY_TIME },
      { library: ALICE, ops: ops.slice(10, 20), context: ANY_TIME },
    ]);
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toMatch(/no library user-nobody/);
    const statuses = [results[0], results[2]].flatMap((r) => (Array.isArray(r) ? r : []));
    expect(statuses).toHaveLength(20);
    expect(await store.headSeq(ALICE)).toBe(20);
    expect(commits).toEqual([10, 20]);
    const page = JSON.parse((await store.changesJson(ALICE, 0, 100)).entries) as StoredEntry[];
    expect(page.map((e) => e.op)).toEqual(ops.slice(0, 20));
    await store.close();
  });

  it('applies a batch once when it is sent again into the same group commit (a retry that overtook its answer)', async () => {
    const store = await storeWithUser(tempDir());
    const ops = serverLogOf(3)
      .slice(0, 25)
      .map((e) => e.op);
    await registerBlobs(store, ALICE, ops);
    const [first, again] = store.submitBatches([
      { library: ALICE, ops, context: ANY_TIME },
      { library: ALICE, ops, context: ANY_TIME },
    ]);
    if (!Array.isArray(first) || !Array.isArray(again)) throw new Error('a batch failed');
    expect(again.map((r) => r.status)).toEqual(ops.map(() => 'duplicate'));
    expect(again.map((r) => r.status === 'duplicate' && r.first.status)).toEqual(
      first.map((r) => r.status),
    );
    expect(await store.headSeq(ALICE)).toBe(25);
    await store.close();
  });

  it.each([5, 6, 7])(
    'collects exactly the blobs no current version names (seed %i), whatever the assets hold',
    async (seed) => {
      const store = await storeWithUser(tempDir());
      const ops = serverLogOf(seed).map((e) => e.op);
      await registerBlobs(store, ALICE, ops);
      const strays = [sha256Hex(`stray-${seed}-a`), sha256Hex(`stray-${seed}-b`)].map(asBlobHash);
      await store.addLibraryBlobs(
        ALICE,
        strays.map((hash) => ({ hash, size: 1 })),
        0,
      );
      await store.submitOps(ALICE, ops, ANY_TIME);

      const memory = createLibrary();
      for (const op of ops) applyOp(memory, op);
      const named = new Set(
        [...memory.assets.values()].flatMap((a) =>
          a.versions.flatMap((v) => blobHashesOf(v.resources)),
        ),
      );
      const registered = [...new Set(ops.flatMap((op) => blobsOf(op)))];
      const freed = await store.collectGarbage(ALICE, 1);
      expect(new Set(freed)).toEqual(
        new Set([...strays, ...registered.filter((hash) => !named.has(hash))]),
      );
      for (const hash of named) expect(await store.libraryHasBlob(ALICE, hash)).toBe(true);
      await store.close();
    },
  );

  it('spares a blob that an op names while the garbage scan reads', async () => {
    const store = await storeWithUser(tempDir());
    const ops = serverLogOf(5).map((e) => e.op);
    await registerBlobs(store, ALICE, ops);
    await store.submitOps(ALICE, ops, ANY_TIME);
    // Bytes uploaded long ago, which the import naming them is only now sending.
    const late = opSchema.parse(importOpFor(ops[0]?.device ?? '', 'uploaded long ago', 'late.JPG'));
    const [hash = asBlobHash('')] = blobsOf(late);
    await registerBlobs(store, ALICE, [late]);

    const collecting = store.collectGarbage(ALICE, 1);
    // The scan has taken its snapshot and yields between chunks: the import lands meanwhile.
    const [reply] = await store.submitOps(ALICE, [late], ANY_TIME);
    expect(reply?.status).toBe('applied');
    expect(await collecting).not.toContain(hash);
    expect(await store.libraryHasBlob(ALICE, hash)).toBe(true);
    expect(await store.collectGarbage(ALICE, 1)).not.toContain(hash);
    await store.close();
  });

  it('forgets a collected blob only while nothing holds it again', async () => {
    const store = await storeWithUser(tempDir());
    const stray = asBlobHash(sha256Hex('uploaded, never imported'));
    await store.addLibraryBlobs(ALICE, [{ hash: stray, size: 1 }], 0);
    expect(await store.collectGarbage(ALICE, 1)).toEqual([stray]);
    // The same bytes are uploaded again before the collection gets to delete them.
    await store.addLibraryBlobs(ALICE, [{ hash: stray, size: 1 }], 5);
    expect(await store.forgetBlob(stray, 6)).toBeUndefined();
    expect(await store.libraryHasBlob(ALICE, stray)).toBe(true);
    expect(await store.collectGarbage(ALICE, 10)).toEqual([stray]);
    expect(await store.forgetBlob(stray, 11)).toEqual([]);
    expect(await store.libraryHasBlob(ALICE, stray)).toBe(false);
    await store.close();
  });

  it('journals blob files in doubt: expected until recorded, forgotten until settled', async () => {
    const store = await storeWithUser(tempDir());
    const [photo, thumbnail, stray] = hashesOf('photo', 'thumbnail', 'stray');
    await store.expectBlobFiles([photo], 10);
    await store.expectBlobFiles([thumbnail, stray], 20);
    expect(await store.blobFilesInDoubt(15, 10)).toEqual([photo]);
    expect(await store.blobFilesInDoubt(25, 10)).toEqual([photo, ...[thumbnail, stray].sort()]);
    expect(await store.blobFilesInDoubt(25, 1)).toEqual([photo]);

    await store.addLibraryBlobs(ALICE, [{ hash: photo, size: 5 }], 30);
    await recordThumbnail(store, photo, thumbnail, 30);
    expect(await store.blobFilesInDoubt(100, 10)).toEqual([stray]);

    await store.expectBlobFiles([stray], 60); // stored anew: the settling below leaves it
    await store.settleBlobFile(stray, 50);
    expect(await store.blobFileDoubtedSince(stray)).toBe(60);
    await store.settleBlobFile(stray, 61);
    expect(await store.collectGarbage(ALICE, 40)).toEqual([photo]);
    // The photo's thumbnail is forgotten with it, in the same transaction.
    expect(await store.forgetBlob(photo, 50)).toEqual([thumbnail]);
    expect(await store.blobRecorded(thumbnail)).toBe(false);
    expect(await store.blobFilesInDoubt(100, 10)).toEqual([photo, thumbnail].sort());
    expect(await store.blobFileDoubtedSince(photo)).toBe(50);
    expect(await store.blobFileDoubtedSince(stray)).toBeUndefined();
    await store.close();
  });

  it('records no media for a blob forgotten while it was being read', async () => {
    const store = await storeWithUser(tempDir());
    const [photo, thumbnail] = hashesOf('photo', 'thumbnail');
    await store.addLibraryBlobs(ALICE, [{ hash: photo, size: 5 }], 0);
    expect(await store.collectGarbage(ALICE, 1)).toEqual([photo]);
    expect(await store.forgetBlob(photo, 2)).toEqual([]);

    await store.expectBlobFiles([thumbnail], 3);
    await recordThumbnail(store, photo, thumbnail, 4);
    expect(await store.mediaFor(ALICE, photo)).toBeUndefined();
    expect(await store.blobRecorded(thumbnail)).toBe(false);
    // Its thumbnail's bytes were stored all the same: retention will find them here.
    expect(await store.blobFileDoubtedSince(thumbnail)).toBe(3);
    await store.close();
  });

  it('spares a blob that an op names between two transactions of the sweep', async () => {
    const store = await storeWithUser(tempDir());
    // More strays than one sweep transaction frees; the last in hash order is swept last.
    const strays = Array.from({ length: 1500 }, (_, i) => asBlobHash(sha256Hex(`stray ${i}`)));
    await store.addLibraryBlobs(
      ALICE,
      strays.map((hash) => ({ hash, size: 1 })),
      0,
    );
    const last = [...strays].sort().at(-1) ?? asBlobHash('');
    const bytes = `stray ${strays.indexOf(last)}`;
    const late = opSchema.parse(importOpFor('device-test-1', bytes, 'late.JPG'));

    const collecting = store.collectGarbage(ALICE, 1);
    // One turn: the scan (no assets, one chunk) and the sweep's first transaction run in it.
    await new Promise(setImmediate);
    const [reply] = await store.submitOps(ALICE, [late], ANY_TIME);
    expect(reply?.status).toBe('applied');
    const freed = await collecting;
    expect(freed).toHaveLength(strays.length - 1);
    expect(freed).not.toContain(last);
    expect(await store.libraryHasBlob(ALICE, last)).toBe(true);
    await store.close();
  });

  it('keeps a blob uploaded again after the garbage scan found it, and counts its bytes once', async () => {
    const store = await storeWithUser(tempDir());
    // More strays than one sweep transaction frees; the last in hash order is swept last.
    const strays = Array.from({ length: 1500 }, (_, i) => asBlobHash(sha256Hex(`stray ${i}`)));
    await store.addLibraryBlobs(
      ALICE,
      strays.map((hash) => ({ hash, size: 1 })),
      0,
    );
    const last = [...strays].sort().at(-1) ?? asBlobHash('');

    const collecting = store.collectGarbage(ALICE, 10);
    // One turn: the scan has found every stray, the sweep has freed its first chunk.
    await new Promise(setImmediate);
    // The device uploads the bytes again (acknowledged), to send the op that names them.
    await store.addLibraryBlobs(ALICE, [{ hash: last, size: 1 }], 20);
    const freed = await collecting;
    expect(freed).toHaveLength(strays.length - 1);
    expect(freed).not.toContain(last);
    expect(await store.libraryHasBlob(ALICE, last)).toBe(true);
    expect(await store.libraryBytes(ALICE)).toBe(1);
    // Its claim is as new as its upload: the next collection goes by that.
    expect(await store.collectGarbage(ALICE, 15)).toEqual([]);
    expect(await store.collectGarbage(ALICE, 25)).toEqual([last]);
    expect(await store.libraryBytes(ALICE)).toBe(0);
    await store.close();
  });

  it('holds a quota when adding blobs, counting only those the library lacks, and adds none past it', async () => {
    const store = await storeWithUser(tempDir());
    const [a, b, c] = hashesOf('a', 'b', 'c');
    await store.addLibraryBlobs(ALICE, [{ hash: a, size: 60 }], 0, 100);
    // `a` is held already: only `b` is new.
    await store.addLibraryBlobs(
      ALICE,
      [
        { hash: a, size: 60 },
        { hash: b, size: 30 },
      ],
      1,
      100,
    );
    expect(await store.libraryBytes(ALICE)).toBe(90);
    await expect(store.addLibraryBlobs(ALICE, [{ hash: c, size: 20 }], 2, 100)).rejects.toThrow(
      QuotaExceededError,
    );
    expect(await store.libraryBytes(ALICE)).toBe(90);
    expect(await store.libraryHasBlob(ALICE, c)).toBe(false);
    expect(await store.blobRecorded(c)).toBe(false);
    // Holding again what it holds takes no room, even past a quota lowered since.
    await store.addLibraryBlobs(ALICE, [{ hash: a, size: 60 }], 3, 50);
    // The same blob twice in one call counts once.
    await store.addLibraryBlobs(
      ALICE,
      [
        { hash: c, size: 20 },
        { hash: c, size: 20 },
      ],
      4,
      110,
    );
    expect(await store.libraryBytes(ALICE)).toBe(110);
    // Without a quota, no limit.
    await store.addLibraryBlobs(ALICE, [{ hash: asBlobHash(sha256Hex('d')), size: 1 }], 5);
    expect(await store.libraryBytes(ALICE)).toBe(111);
    await store.close();
  });

  it('brings a first-version database up to date: its thumbnails are freed with their photo', async () => {
    const file = join(tempDir(), 'meta.db');
    const photo = asBlobHash(sha256Hex('photo'));
    const thumbnail = asBlobHash(sha256Hex('thumbnail'));
    // As the first schema left it: media recorded, the derivatives table never written.
    const old = new Database(file);
    migrateTo(old, 1);
    const blob = old.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, 1, 0)');
    blob.run(photo);
    blob.run(thumbnail);
    old
      .prepare("INSERT INTO media (hash, kind, derivatives, made_at) VALUES (?, 'image', ?, 0)")
      .run(photo, JSON.stringify([{ role: 'thumbnail', hash: thumbnail, format: 'webp' }]));
    old.close();

    const store = new SqliteMetadataStore(file);
    expect(await store.forgetBlob(photo, 1)).toEqual([thumbnail]);
    expect(await store.forgetBlob(thumbnail, 1)).toEqual([]);
    expect(await store.blobRecorded(photo)).toBe(false);
    await store.close();
  });
});

/** Alice's photo, claimed at `claimedAt`, and its thumbnail, recorded at `madeAt`. */
async function alicesPhotoWithThumbnail(
  store: SqliteMetadataStore,
  claimedAt: number,
  madeAt: number,
): Promise<[BlobHash, BlobHash]> {
  const [photo, thumbnail] = hashesOf('photo', 'thumbnail');
  await store.addLibraryBlobs(ALICE, [{ hash: photo, size: 5 }], claimedAt);
  await recordThumbnail(store, photo, thumbnail, madeAt);
  return [photo, thumbnail];
}

describe('SqliteMetadataStore: the media a library is shown', () => {
  /** A store where alice and bob each have a library. */
  async function storeWithAliceAndBob() {
    const store = await storeWithUser(tempDir());
    await store.createUser(
      { id: BOB, name: 'bob', passwordHash: null, isAdmin: false, quotaBytes: null },
      0,
    );
    return store;
  }

  it('shows a library only media made after its first claim, and queues the media again for it', async () => {
    const store = await storeWithAliceAndBob();
    const [photo, thumbnail] = await alicesPhotoWithThumbnail(store, 0, 10);
    const alices = await store.mediaFor(ALICE, photo);
    expect(alices?.derivatives.map((d) => d.hash)).toEqual([thumbnail]);
    expect(await store.queuedMedia(10)).toEqual([]);

    // Bob uploads the same bytes: pending for him, as fresh bytes would be, until made again.
    await store.addLibraryBlobs(BOB, [{ hash: photo, size: 5 }], 20);
    expect(await store.mediaFor(BOB, photo)).toBeUndefined();
    expect(await store.mediaFor(ALICE, photo)).toEqual(alices);
    expect(await store.queuedMedia(10)).toEqual([photo]);
    await store.expectBlobFiles([thumbnail], 25);
    await recordThumbnail(store, photo, thumbnail, 30);
    expect(await store.mediaFor(BOB, photo)).toEqual(alices);
    expect(await store.mediaFor(ALICE, photo)).toEqual(alices);
    expect(await store.queuedMedia(10)).toEqual([]);
    // The same thumbnail made again: recorded once, held, not in doubt.
    expect(await store.blobsAfter('', 10)).toEqual(
      [photo, thumbnail].sort().map((hash) => ({ hash, size: hash === photo ? 5 : 2, held: true })),
    );
    expect(await store.blobFilesInDoubt(100, 10)).toEqual([]);
    // A library that holds no such blob is shown nothing of it.
    await store.collectGarbage(BOB, 40);
    expect(await store.mediaFor(BOB, photo)).toBeUndefined();
    await store.close();
  });

  it('keeps showing a library its media when it uploads the same bytes again (its claim refreshed)', async () => {
    const store = await storeWithUser(tempDir());
    const [photo, thumbnail] = await alicesPhotoWithThumbnail(store, 0, 10);
    await store.addLibraryBlobs(ALICE, [{ hash: photo, size: 5 }], 20);
    const media = await store.mediaFor(ALICE, photo);
    expect(media?.derivatives.map((d) => d.hash)).toEqual([thumbnail]);
    expect(await store.queuedMedia(10)).toEqual([]);
    // Refreshed all the same: collection goes by the latest upload.
    expect(await store.collectGarbage(ALICE, 15)).toEqual([]);
    await store.close();
  });

  it('forgets the thumbnails that media made again no longer names', async () => {
    const store = await storeWithAliceAndBob();
    const [photo, before, after] = hashesOf('photo', 'thumbnail before', 'thumbnail after');
    await store.addLibraryBlobs(ALICE, [{ hash: photo, size: 5 }], 0);
    await recordThumbnail(store, photo, before, 10);
    await store.addLibraryBlobs(BOB, [{ hash: photo, size: 5 }], 20);
    await store.expectBlobFiles([after], 25);
    await recordThumbnail(store, photo, after, 30);
    expect((await store.mediaFor(ALICE, photo))?.derivatives.map((d) => d.hash)).toEqual([after]);
    // Nothing holds the old one: its record goes, its file is in doubt until retention deletes it.
    expect(await store.blobRecorded(before)).toBe(false);
    expect(await store.blobFileDoubtedSince(before)).toBe(30);
    expect((await store.blobsAfter('', 10)).every((blob) => blob.held)).toBe(true);
    // The photo frees the new one with it.
    await store.collectGarbage(ALICE, 40);
    expect(await store.collectGarbage(BOB, 40)).toEqual([photo]);
    expect(await store.forgetBlob(photo, 50)).toEqual([after]);
    await store.close();
  });

  it("dates an album contribution's claim from the contributor's: the owner is shown what she was, and keeps its own", async () => {
    const store = await storeWithAliceAndBob();
    const [bobsOnly, both, thumbnail] = hashesOf('bob only', 'both', 'thumbnail');
    const contribute = (photo: BlobHash, nowMs: number) =>
      store.addLibraryBlobs(ALICE, [{ hash: photo, size: 5 }], nowMs, null, { claimedAs: BOB });

    // Alice lacked the bytes: his photo arrives with the media he has been shown, not made again.
    await store.addLibraryBlobs(BOB, [{ hash: bobsOnly, size: 5 }], 10);
    await recordThumbnail(store, bobsOnly, thumbnail, 20);
    const bobs = await store.mediaFor(BOB, bobsOnly);
    await contribute(bobsOnly, 30);
    expect(await store.mediaFor(ALICE, bobsOnly)).toEqual(bobs);
    expect(await store.queuedMedia(10)).toEqual([]);

    // Alice had them before him: her own media is not hidden while it is made again for him.
    await store.addLibraryBlobs(ALICE, [{ hash: both, size: 5 }], 0);
    await recordThumbnail(store, both, thumbnail, 5);
    const alices = await store.mediaFor(ALICE, both);
    await store.addLibraryBlobs(BOB, [{ hash: both, size: 5 }], 40);
    await contribute(both, 50);
    expect(await store.mediaFor(ALICE, both)).toEqual(alices);
    expect(await store.mediaFor(BOB, both)).toBeUndefined();
    expect(await store.queuedMedia(10)).toEqual([both]);
    await store.close();
  });

  it('keeps the good media when making it again fails, and shows it to the new claimant', async () => {
    const store = await storeWithAliceAndBob();
    const [photo, thumbnail] = await alicesPhotoWithThumbnail(store, 0, 10);
    const alices = await store.mediaFor(ALICE, photo);
    await store.addLibraryBlobs(BOB, [{ hash: photo, size: 5 }], 20);

    const failed = { kind: 'image', derivatives: [], error: 'took longer than 30 s' };
    await store.recordMedia(photo, failed, [], 30);
    expect(await store.mediaFor(ALICE, photo)).toEqual(alices);
    expect(await store.mediaFor(BOB, photo)).toEqual(alices);
    expect(await store.queuedMedia(10)).toEqual([]);
    expect(await store.blobRecorded(thumbnail)).toBe(true);
    expect(await store.blobFilesInDoubt(100, 10)).toEqual([]);
    await store.close();
  });

  it('shows media recorded after a claim even when the clock stepped back between them', async () => {
    const store = await storeWithUser(tempDir());
    const [photo] = await alicesPhotoWithThumbnail(store, 100, 50);
    expect(await store.mediaFor(ALICE, photo)).toBeDefined();
    await store.close();
  });

  it('keeps showing the claims of a database from before claims had a time what they were shown', async () => {
    const file = join(tempDir(), 'meta.db');
    const photo = asBlobHash(sha256Hex('photo'));
    // The schema before claims had a time: alice's photo, its media made at 10, uploaded again by
    // her at 30 (added_at moved), and bob's copy claimed at 20.
    const old = new Database(file);
    migrateTo(old, 3);
    for (const id of [ALICE, BOB]) {
      old.prepare('INSERT INTO users (id, name, created_at) VALUES (?, ?, 0)').run(id, id);
      old.prepare('INSERT INTO libraries (id) VALUES (?)').run(id);
    }
    old.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, 5, 0)').run(photo);
    old
      .prepare("INSERT INTO media (hash, kind, derivatives, made_at) VALUES (?, 'image', '[]', 10)")
      .run(photo);
    const claim = old.prepare(
      'INSERT INTO library_blobs (library, hash, size, added_at) SELECT n, ?, 5, ? FROM libraries WHERE id = ?',
    );
    claim.run(photo, 30, ALICE);
    claim.run(photo, 20, BOB);
    old.close();

    const store = new SqliteMetadataStore(file);
    expect(await store.mediaFor(ALICE, photo)).toEqual({ kind: 'image', derivatives: [] });
    expect(await store.mediaFor(BOB, photo)).toEqual({ kind: 'image', derivatives: [] });
    await store.close();
  });
});
