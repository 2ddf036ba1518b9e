import {
  applyOp,
  asBlobHash,
  asUserId,
  createLibrary,
  encodeAsset,
  opSchema,
  sha256Hex,
  type AssetId,
  type BlobHash,
  type MediaMeta,
  type Op,
  type UserId,
} from '@keepsake/core';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { timelineKey } from '../../library/timeline.js';
import { opFrom, registerBlobs } from '../../test-support/ops.js';
import { tempDir } from '../../test-support/temp-dir.js';
import type { AssetQuery, AssetSearch } from '../metadata-store.js';
import { migrateTo } from './database.js';
import { MIGRATIONS } from './migrations.js';
import { backfillSearch } from './search-index.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';
import { TextIndex } from './text-index.js';

const ALICE = asUserId('user-alice');
const BOB = asUserId('user-bob');
const DEVICE = 'device-01';
const ANY_TIME = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 60_000 };

/** How far the full-text index has read the (one) library's log, beside the log's head. */
function indexPosition(file: string): { text_indexed_seq: number; head_seq: number } {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT text_indexed_seq, head_seq FROM libraries').get() as {
      text_indexed_seq: number;
      head_seq: number;
    };
  } finally {
    db.close();
  }
}

const hashOf = (bytes: string): BlobHash => asBlobHash(sha256Hex(bytes));
/** The id of the asset a file imported by `importOf` makes. */
const idOf = (path: string): AssetId => hashOf(path) as string as AssetId;

interface PhotoSpec {
  readonly meta?: MediaMeta;
  /** The bytes of a Live Photo's video half. */
  readonly live?: string;
}

/** An import of a file whose bytes are its path: the asset id is the path's hash. */
function importOf(path: string, { meta = {}, live }: PhotoSpec = {}): Op {
  const resource = (bytes: string, ext: string) => ({ hash: hashOf(bytes), size: 1, ext });
  const ext = path.split('.').pop() ?? 'JPG';
  return opSchema.parse(
    opFrom(DEVICE, {
      kind: 'import',
      assetId: hashOf(path),
      resources: {
        original: resource(path, ext),
        ...(live !== undefined && { live: resource(live, 'MOV') }),
      },
      meta,
      path,
    }),
  );
}

const onAsset = (path: string, payload: Record<string, unknown>): Op =>
  opSchema.parse(opFrom(DEVICE, { ...payload, assetId: hashOf(path) }));

const taken = (day: string, camera?: string): MediaMeta => ({
  takenAt: `${day}T10:00:00Z`,
  ...(camera !== undefined && { camera }),
});

/** A store holding alice's and bob's libraries, with verbs that read like the scenario. */
async function searchContext() {
  const store = new SqliteMetadataStore(join(tempDir(), 'meta.db'));
  for (const id of [ALICE, BOB]) {
    await store.createUser(
      { id, name: id, passwordHash: null, isAdmin: false, quotaBytes: null },
      0,
    );
  }
  const submit = async (ops: readonly Op[], library: UserId = ALICE) => {
    await registerBlobs(store, library, ops);
    const replies = await store.submitOps(library, ops, ANY_TIME);
    expect(replies.map((r) => r.status)).not.toContain('rejected');
  };
  /** The paths of every asset a query lists, a page of `limit` at a time. */
  const listed = async (
    search: AssetSearch,
    limit = 1000,
    filter: AssetQuery['filter'] = 'live',
  ) => {
    const paths: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.assets(ALICE, {
        filter,
        search,
        limit,
        ...(cursor !== undefined && { cursor }),
      });
      paths.push(...page.assets.map((a) => [...a.paths.keys()].join('|')));
      cursor = page.next;
    } while (cursor !== undefined);
    return paths;
  };
  const recordError = (bytes: string) =>
    store.recordMedia(
      hashOf(bytes),
      { kind: 'image', derivatives: [], error: 'not an image' },
      [],
      1,
    );
  const recordGood = (bytes: string) =>
    store.recordMedia(hashOf(bytes), { kind: 'image', derivatives: [] }, [], 2);
  return { store, submit, listed, recordError, recordGood };
}

/** A library of one of each kind, newest first in this list. */
async function libraryOfKinds() {
  const t = await searchContext();
  await t.submit([
    importOf('2024/06/IMG_0003.HEIC', {
      meta: taken('2024-06-01', 'Apple iPhone 15 Pro'),
      live: 'IMG_0003.MOV',
    }),
    importOf('2024/05/MOV_0002.MOV', { meta: taken('2024-05-02', 'Apple iPhone 15 Pro') }),
    importOf('2024/05/IMG_0001.HEIC', { meta: taken('2024-05-01', 'Apple iPhone 15 Pro') }),
    importOf('2023/12/DSC_0004.JPG', { meta: taken('2023-12-31', 'Canon EOS R5') }),
    importOf('2023/07/Café au lait.JPG', { meta: taken('2023-07-14') }),
    importOf('scans/BAD_0006.JPG'),
  ]);
  await t.submit([
    onAsset('2023/12/DSC_0004.JPG', { kind: 'setField', field: 'favorite', value: true }),
    onAsset('2023/07/Café au lait.JPG', { kind: 'setField', field: 'caption', value: 'Beach day' }),
    onAsset('2023/07/Café au lait.JPG', { kind: 'addKeyword', keyword: 'summer' }),
  ]);
  await t.recordError('scans/BAD_0006.JPG');
  // Bob's camera is alice's too: his photo never shows in her searches.
  await t.submit(
    [importOf('bob/IMG_9999.HEIC', { meta: taken('2024-05-01', 'Canon EOS R5') })],
    BOB,
  );
  return t;
}

describe('SqliteMetadataStore: the timeline narrowed by filters and search', () => {
  it('lists exactly the assets of each kind, newest first', async () => {
    const { listed, store } = await libraryOfKinds();
    expect(await listed({ kind: 'favorites' })).toEqual(['2023/12/DSC_0004.JPG']);
    expect(await listed({ kind: 'videos' })).toEqual(['2024/05/MOV_0002.MOV']);
    expect(await listed({ kind: 'live' })).toEqual(['2024/06/IMG_0003.HEIC']);
    expect(await listed({ kind: 'errors' })).toEqual(['scans/BAD_0006.JPG']);
    expect(await listed({ kind: 'conflicts' })).toEqual([]);
    expect(await listed({})).toHaveLength(6);
    await store.close();
  });

  it('finds by file name, folder, caption, keyword and camera, by whole words or their starts', async () => {
    const { listed, store } = await libraryOfKinds();
    expect(await listed({ text: 'IMG_0003' })).toEqual(['2024/06/IMG_0003.HEIC']);
    expect(await listed({ text: 'img' })).toEqual([
      '2024/06/IMG_0003.HEIC',
      '2024/05/IMG_0001.HEIC',
    ]);
    expect(await listed({ text: 'scans' })).toEqual(['scans/BAD_0006.JPG']);
    expect(await listed({ text: 'beach' })).toEqual(['2023/07/Café au lait.JPG']);
    expect(await listed({ text: 'SUMMER' })).toEqual(['2023/07/Café au lait.JPG']);
    expect(await listed({ text: 'cafe' })).toEqual(['2023/07/Café au lait.JPG']);
    expect(await listed({ text: 'canon' })).toEqual(['2023/12/DSC_0004.JPG']);
    // Every word must be found, each anywhere.
    expect(await listed({ text: 'iphone 0001' })).toEqual(['2024/05/IMG_0001.HEIC']);
    expect(await listed({ text: 'beach winter' })).toEqual([]);
    // The camera filter looks in the camera only: "IMG" is in names, never in a camera.
    expect(await listed({ camera: 'iphone 15' })).toHaveLength(3);
    expect(await listed({ camera: 'img' })).toEqual([]);
    expect(await listed({ camera: 'eos', text: 'dsc' })).toEqual(['2023/12/DSC_0004.JPG']);
    // Quotes and operators typed are words, not syntax.
    expect(await listed({ text: '"beach OR' })).toEqual([]);
    await store.close();
  });

  it('narrows to a range of days, both ends included, and combines every part given', async () => {
    const { listed, store } = await libraryOfKinds();
    expect(await listed({ from: '2024-05-01', to: '2024-05-02' })).toEqual([
      '2024/05/MOV_0002.MOV',
      '2024/05/IMG_0001.HEIC',
    ]);
    // Photos with no capture time are in no range.
    expect(await listed({ to: '2023-12-31' })).toEqual([
      '2023/12/DSC_0004.JPG',
      '2023/07/Café au lait.JPG',
    ]);
    expect(await listed({ from: '2024-01-01', text: 'iphone', kind: 'videos' })).toEqual([
      '2024/05/MOV_0002.MOV',
    ]);
    await store.close();
  });

  it('counts the days of what a search finds, as the timeline lays them out', async () => {
    const { store } = await libraryOfKinds();
    expect(await store.timelineDays(ALICE, { camera: 'iphone' })).toEqual([
      { day: '2024-06-01', count: 1 },
      { day: '2024-05-02', count: 1 },
      { day: '2024-05-01', count: 1 },
    ]);
    expect(await store.timelineDays(ALICE, { kind: 'errors' })).toEqual([{ day: '', count: 1 }]);
    // Five days and the photos with no capture time.
    expect(await store.timelineDays(ALICE)).toHaveLength(6);
    await store.close();
  });

  it('pages through a filter and a search by cursor, in the order of the whole timeline', async () => {
    const t = await searchContext();
    // 25 favorites and 25 others, interleaved in time; three photos share a capture time.
    const paths = Array.from(
      { length: 50 },
      (_, i) => `2020/IMG_${String(i).padStart(4, '0')}.JPG`,
    );
    const day = (i: number) => `2020-01-${String(1 + Math.min(i, 27)).padStart(2, '0')}`;
    await t.submit(paths.map((path, i) => importOf(path, { meta: taken(day(i)) })));
    const favorites = paths.filter((_, i) => i % 2 === 0);
    await t.submit(
      favorites.map((p) => onAsset(p, { kind: 'setField', field: 'favorite', value: true })),
    );

    const timeline = await t.listed({});
    const inTimelineOrder = timeline.filter((p) => favorites.includes(p));
    expect(inTimelineOrder).toHaveLength(25);
    expect(await t.listed({ kind: 'favorites' }, 7)).toEqual(inTimelineOrder);
    expect(await t.listed({ text: 'img', kind: 'favorites' }, 4)).toEqual(inTimelineOrder);
    expect(await t.listed({ text: 'img' }, 9)).toEqual(timeline);
    await t.store.close();
  });

  it('follows changes: a favorite undone, a rename, a new caption, a trashed asset', async () => {
    const t = await libraryOfKinds();
    await t.submit([
      onAsset('2023/12/DSC_0004.JPG', { kind: 'setField', field: 'favorite', value: false }),
      onAsset('2023/07/Café au lait.JPG', { kind: 'setField', field: 'caption', value: 'Snow' }),
    ]);
    const [importOp] = (await t.store.history(ALICE, idOf('2024/05/IMG_0001.HEIC'))).map(
      (e) => e.op,
    );
    await t.submit([
      onAsset('2024/05/IMG_0001.HEIC', {
        kind: 'move',
        from: '2024/05/IMG_0001.HEIC',
        fromTags: [importOp?.opId],
        to: '2024/05/Sunset.HEIC',
      }),
    ]);
    expect(await t.listed({ kind: 'favorites' })).toEqual([]);
    expect(await t.listed({ text: 'beach' })).toEqual([]);
    expect(await t.listed({ text: 'snow' })).toEqual(['2023/07/Café au lait.JPG']);
    expect(await t.listed({ text: 'IMG_0001' })).toEqual([]);
    expect(await t.listed({ text: 'sunset' })).toEqual(['2024/05/Sunset.HEIC']);

    const sunset = await t.store.asset(ALICE, idOf('2024/05/IMG_0001.HEIC'));
    const seen = sunset?.versions.map((v) => v.id);
    await t.submit([onAsset('2024/05/IMG_0001.HEIC', { kind: 'trash', context: seen })]);
    expect(await t.listed({ text: 'sunset' })).toEqual([]);
    expect(await t.listed({ text: 'sunset' }, 10, 'trashed')).toEqual(['2024/05/Sunset.HEIC']);
    await t.store.close();
  });

  it('shows a media error whichever comes first, the photo or its media, and on any part of it', async () => {
    const t = await searchContext();
    // Read (and failed) before the op that names it arrived.
    await t.store.addLibraryBlobs(ALICE, [{ hash: hashOf('early.JPG'), size: 1 }], 0);
    await t.recordError('early.JPG');
    await t.submit([
      importOf('early.JPG'),
      importOf('late.JPG'),
      importOf('pair.HEIC', { live: 'pair.MOV' }),
    ]);
    expect(await t.listed({ kind: 'errors' })).toEqual(['early.JPG']);

    await t.recordError('late.JPG');
    // A Live Photo's video half that could not be read is the asset's error too.
    await t.recordError('pair.MOV');
    // None has a capture time: they list by id, so compared here as sets.
    expect((await t.listed({ kind: 'errors' })).sort()).toEqual([
      'early.JPG',
      'late.JPG',
      'pair.HEIC',
    ]);

    // Read again, well (a decoder fixed): the error is gone.
    await t.recordGood('early.JPG');
    await t.recordGood('pair.MOV');
    expect(await t.listed({ kind: 'errors' })).toEqual(['late.JPG']);
    await t.store.close();
  });

  it('shows a library no error made before it claimed the bytes (another library uploaded them)', async () => {
    const t = await searchContext();
    await t.submit([importOf('shared.JPG')], BOB);
    await t.recordError('shared.JPG');
    await t.store.addLibraryBlobs(ALICE, [{ hash: hashOf('shared.JPG'), size: 1 }], 5);
    await t.submit([importOf('shared.JPG')]);
    expect(await t.listed({ kind: 'errors' })).toEqual([]);
    // Its claim queued the bytes to be read again, for alice this time.
    await t.recordError('shared.JPG');
    expect(await t.listed({ kind: 'errors' })).toEqual(['shared.JPG']);
    await t.store.close();
  });

  it('indexes words behind the writes: on its own when idle, at once before a search, and after a crash', async () => {
    const file = join(tempDir(), 'meta.db');
    const position = () => indexPosition(file);
    let store = new SqliteMetadataStore(file);
    await store.createUser(
      { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
      0,
    );
    const submit = async (ops: Op[]) => {
      await registerBlobs(store, ALICE, ops);
      await store.submitOps(ALICE, ops, ANY_TIME);
    };
    const found = async (text: string) =>
      (await store.assets(ALICE, { filter: 'live', search: { text }, limit: 10 })).assets.length;

    // Written, not yet indexed: the ingest did not wait for the index.
    await submit([importOf('2024/harbour.jpg', { meta: taken('2024-01-01') })]);
    expect(position()).toEqual({ text_indexed_seq: 0, head_seq: 1 });
    // Left idle, the store reads the log into the index by itself.
    await expect.poll(() => position().text_indexed_seq, { timeout: 5_000 }).toBe(1);

    // A search right after a write sees it: it reads the rest of the log first.
    await submit([
      onAsset('2024/harbour.jpg', { kind: 'setField', field: 'caption', value: 'Gulls' }),
    ]);
    expect(await found('gulls')).toBe(1);

    // Stopped before it read the next write: nothing is lost, the position says what is left.
    await submit([importOf('2024/lighthouse.jpg', { meta: taken('2024-01-02') })]);
    await store.close();
    expect(position()).toEqual({ text_indexed_seq: 2, head_seq: 3 });
    store = new SqliteMetadataStore(file);
    expect(await found('lighthouse')).toBe(1);
    expect(await found('gulls')).toBe(1);
    await store.close();
  });

  it('takes a failed index step for a pause, not a stop: it says so, reads on later and the store goes on', async () => {
    const file = join(tempDir(), 'meta.db');
    const store = new SqliteMetadataStore(file);
    await store.createUser(
      { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
      0,
    );
    const troubles: [string, string][] = [];
    store.onTrouble((during, error) => troubles.push([during, error.message]));
    // As a lock held past the busy timeout or a full disk would make it fail.
    const step = vi.spyOn(TextIndex.prototype, 'catchUp').mockImplementationOnce(() => {
      throw new Error('disk I/O error');
    });
    try {
      const ops = [importOf('2024/harbour.jpg', { meta: taken('2024-01-01') })];
      await registerBlobs(store, ALICE, ops);
      await store.submitOps(ALICE, ops, ANY_TIME);
      await expect.poll(() => step.mock.calls.length, { timeout: 5_000 }).toBe(2);
      await expect.poll(() => indexPosition(file).text_indexed_seq, { timeout: 5_000 }).toBe(1);
      // Said once, for the server's log, not swallowed.
      expect(troubles).toEqual([
        ['reading the change log into the search index', 'disk I/O error'],
      ]);
      expect(
        (await store.assets(ALICE, { filter: 'live', search: { text: 'harbour' }, limit: 10 }))
          .assets,
      ).toHaveLength(1);
    } finally {
      step.mockRestore();
      await store.close();
    }
  });

  it('reads a long backlog into the index a step at a time before a search, with turns for batches between', async () => {
    const file = join(tempDir(), 'meta.db');
    const store = new SqliteMetadataStore(file);
    await store.createUser(
      { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
      0,
    );
    // A burst of ingest with no idle moment for the index: 1,200 photos it has not read.
    const burst = Array.from({ length: 1200 }, (_, i) =>
      importOf(`2024/beach-${String(i)}.jpg`, { meta: taken('2024-01-01') }),
    );
    const late = [importOf('2024/beach-late.jpg', { meta: taken('2024-01-02') })];
    await registerBlobs(store, ALICE, [...burst, ...late]);
    await store.submitOps(ALICE, burst, ANY_TIME);
    const steps = vi.spyOn(TextIndex.prototype, 'catchUp');
    try {
      const search = store.timelineDays(ALICE, { text: 'beach' });
      // A batch that comes while the search reads the backlog commits between two steps, and
      // the search, which reads on to the log's end, finds it too.
      await store.submitOps(ALICE, late, ANY_TIME);
      expect(await search).toEqual([
        { day: '2024-01-02', count: 1 },
        { day: '2024-01-01', count: 1200 },
      ]);
      expect(steps.mock.calls.length).toBeGreaterThanOrEqual(3);
      for (const [, limit] of steps.mock.calls) expect(limit).toBeLessThanOrEqual(500);
    } finally {
      steps.mockRestore();
      await store.close();
    }
  });

  it('brings a database from before search up to date: every asset found as if written since', async () => {
    const file = join(tempDir(), 'meta.db');
    // The schema just before search, holding alice's assets as the store wrote them then.
    const old = new Database(file);
    migrateTo(old, MIGRATIONS.indexOf(backfillSearch) - 1);
    old.prepare('INSERT INTO users (id, name, created_at) VALUES (?, ?, 0)').run(ALICE, 'alice');
    old.prepare('INSERT INTO libraries (id) VALUES (?)').run(ALICE);
    const memory = createLibrary();
    const ops = [
      importOf('2024/IMG_0001.HEIC', {
        meta: taken('2024-01-01', 'Apple iPhone 15 Pro'),
        live: 'IMG_0001.MOV',
      }),
      importOf('2024/MOV_0002.MOV', { meta: taken('2024-01-02') }),
      importOf('2024/BAD_0003.JPG', { meta: taken('2024-01-03') }),
      onAsset('2024/MOV_0002.MOV', { kind: 'setField', field: 'favorite', value: true }),
      onAsset('2024/BAD_0003.JPG', { kind: 'setField', field: 'caption', value: 'Grandma' }),
    ];
    for (const op of ops) applyOp(memory, op);
    const insert = old.prepare(
      `INSERT INTO assets (library, id, state, lifecycle, taken_at, in_conflict, updated_seq, history)
       VALUES (1, ?, ?, 'live', ?, 0, 1, '')`,
    );
    for (const asset of memory.assets.values())
      insert.run(asset.id, encodeAsset(asset), timelineKey(asset));
    const bad = hashOf('2024/BAD_0003.JPG');
    old.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, 1, 0)').run(bad);
    old
      .prepare(
        'INSERT INTO library_blobs (library, hash, size, added_at, claimed_at) VALUES (1, ?, 1, 0, 0)',
      )
      .run(bad);
    old
      .prepare(
        "INSERT INTO media (hash, kind, derivatives, error, made_at) VALUES (?, 'image', '[]', 'truncated', 1)",
      )
      .run(bad);
    old.close();

    const store = new SqliteMetadataStore(file);
    const ids = async (search: AssetSearch) =>
      (await store.assets(ALICE, { filter: 'live', search, limit: 10 })).assets.map((a) => a.id);
    expect(await ids({ kind: 'live' })).toEqual([idOf('2024/IMG_0001.HEIC')]);
    expect(await ids({ kind: 'videos' })).toEqual([idOf('2024/MOV_0002.MOV')]);
    expect(await ids({ kind: 'favorites' })).toEqual([idOf('2024/MOV_0002.MOV')]);
    expect(await ids({ kind: 'errors' })).toEqual([idOf('2024/BAD_0003.JPG')]);
    expect(await ids({ text: 'grandma' })).toEqual([idOf('2024/BAD_0003.JPG')]);
    expect(await ids({ camera: 'iphone' })).toEqual([idOf('2024/IMG_0001.HEIC')]);
    // Its Live Photo's video half, read later and failing, is found through the backfilled rows.
    await store.addLibraryBlobs(ALICE, [{ hash: hashOf('IMG_0001.MOV'), size: 1 }], 0);
    await store.recordMedia(
      hashOf('IMG_0001.MOV'),
      { kind: 'video', derivatives: [], error: 'x' },
      [],
      3,
    );
    expect(await ids({ kind: 'errors' })).toEqual([
      idOf('2024/BAD_0003.JPG'),
      idOf('2024/IMG_0001.HEIC'),
    ]);
    await store.close();
  });
});
