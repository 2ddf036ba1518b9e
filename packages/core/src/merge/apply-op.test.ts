import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asDeviceId } from '../model/ids.js';
import { createLibrary, type MemoryLibrary } from '../model/library.js';
import type { Op } from '../ops/op-schema.js';
import type { LogEntry } from '../ops/outcome.js';
import {
  albumState,
  assetOf,
  canonicalStates,
  libraryWith,
  orderFreeState,
  permutations,
} from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  TABLET,
  addKeywordOp,
  addToAlbumOp,
  albumId,
  assetIdOf,
  createAlbumOp,
  editOp,
  importOp,
  moveOp,
  placeOp,
  purgeOp,
  removeFromAlbumOp,
  removeKeywordOp,
  renameAlbumOp,
  resolveOp,
  retryOf,
  setFieldOp,
  trashOp,
  vid,
  type Common,
} from '../test-support/op-builders.js';
import { applyLogEntry, applyOp } from './apply-op.js';

/** Fixed so a failure is reproducible; fast-check prints the seed and path of any failure. */
const SEED = 20_260_401;

const photo = importOp({ device: PHONE, path: 'IMG_0001.HEIC', bytes: 'photo 1' });

describe('applyOp: idempotence by opId', () => {
  it('logs an op sent 3 times once; the retries get "duplicate" with the first outcome', () => {
    const library = libraryWith(photo);
    const fav = setFieldOp({ device: LAPTOP, asset: photo, field: 'favorite', value: true });

    const replies = [applyOp(library, fav), applyOp(library, fav), applyOp(library, fav)];

    expect(replies).toEqual([
      { status: 'applied', seq: 2 },
      { status: 'duplicate', seq: 2, first: { status: 'applied' } },
      { status: 'duplicate', seq: 2, first: { status: 'applied' } },
    ]);
    expect(library.log.entries).toHaveLength(2);
    expect(library.log.entries[1]?.op.opId).toBe(fav.opId);
    expect(library.log.seqOf(fav.opId)).toBe(2);
  });

  it('treats a retry re-sent with a newer clock as the same op', () => {
    const library = libraryWith(photo);
    const caption = setFieldOp({
      device: LAPTOP,
      asset: photo,
      field: 'caption',
      value: 'a',
      hlc: 1_000,
    });
    applyOp(library, caption);

    const retry = retryOf(caption, { ms: 9_000, counter: 3, node: LAPTOP });
    const reply = applyOp(library, retry);

    expect(reply).toEqual({ status: 'duplicate', seq: 2, first: { status: 'applied' } });
    expect(assetOf(library, photo.payload.assetId).fields.caption?.hlc).toEqual(caption.hlc);
    expect(library.log.entries).toHaveLength(2);
  });

  it('gives a retry the first outcome even when the library has changed since', () => {
    const library = createLibrary();
    const early = setFieldOp({ asset: photo, field: 'favorite', value: true });
    const first = applyOp(library, early);
    expect(first).toMatchObject({ status: 'rejected', reason: 'unknown-target', seq: 1 });
    applyOp(library, photo);

    const retry = applyOp(library, early);

    expect(retry).toMatchObject({
      status: 'duplicate',
      seq: 1,
      first: { status: 'rejected', reason: 'unknown-target' },
    });
    expect(assetOf(library, photo.payload.assetId).fields).toEqual({});
  });

  it('logs every op with its outcome, rejected ones too (no silent drop)', () => {
    const library = createLibrary();
    const ops = [
      photo,
      editOp({
        asset: photo,
        original: photo.payload.resources.original,
        render: 'r',
        context: [vid(photo)],
      }),
      importOp({ path: 'x.HEIC', bytes: 'x', assetId: assetIdOf('y') }),
      trashOp({ asset: assetIdOf('nothing'), context: [] }),
    ];
    const replies = ops.map((op) => applyOp(library, op));
    expect(library.log.entries.map((e) => [e.seq, e.op.opId, e.outcome.status])).toEqual([
      [1, ops[0]?.opId, 'applied'],
      [2, ops[1]?.opId, 'applied'],
      [3, ops[2]?.opId, 'rejected'],
      [4, ops[3]?.opId, 'rejected'],
    ]);
    expect(replies.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });
});

describe('applyLogEntry: a replica following the feed', () => {
  /** A busy history: conflicts, a Live Photo, trash and purge, a re-import, albums, rejections. */
  function busyServer(): MemoryLibrary {
    const server = createLibrary();
    const v0 = vid(photo);
    const e1 = editOp({ device: PHONE, asset: photo, render: 'phone', context: [v0] });
    const e2 = editOp({ device: LAPTOP, asset: photo, render: 'laptop', context: [v0] });
    const takenAt = '2026-04-01T08:00:00.000Z';
    const video = importOp({
      device: TABLET,
      path: 'L/IMG_7.MOV',
      bytes: 'video 7',
      meta: { takenAt },
    });
    const still = importOp({
      device: PHONE,
      path: 'L/IMG_7.HEIC',
      bytes: 'still 7',
      meta: { takenAt },
    });
    const doomed = importOp({ device: PHONE, path: 'D/IMG_9.JPG', bytes: 'doomed' });
    const album = albumId('replica');
    const ops: Op[] = [
      photo,
      e1,
      e2,
      setFieldOp({ device: PHONE, asset: photo, field: 'caption', value: 'late', hlc: 10 }),
      setFieldOp({ device: LAPTOP, asset: photo, field: 'caption', value: 'early', hlc: 5 }),
      resolveOp({ device: LAPTOP, asset: photo, context: [vid(e1), vid(e2)], keep: [vid(e2)] }),
      video,
      createAlbumOp({ album, name: 'Replica' }),
      addToAlbumOp({ asset: video, album }),
      still,
      addKeywordOp({ asset: video, keyword: 'night' }),
      doomed,
      trashOp({ asset: doomed, context: [vid(doomed)] }),
      purgeOp({ asset: doomed, context: [vid(doomed)] }),
      importOp({ device: TABLET, path: 'D/IMG_9.JPG', bytes: 'doomed', knownSeq: 3 }),
      importOp({ device: TABLET, path: 'Again/IMG_9.JPG', bytes: 'doomed', knownSeq: 14 }),
      placeOp({ asset: photo, path: 'Copies/IMG_0001.HEIC' }),
      moveOp({
        asset: photo,
        from: 'IMG_0001.HEIC',
        fromTags: [photo.opId],
        to: 'Moved/IMG_0001.HEIC',
      }),
      renameAlbumOp({ album, name: 'Renamed' }),
      importOp({ path: 'bad.HEIC', bytes: 'bad', assetId: assetIdOf('not bad') }),
    ];
    for (const op of ops) applyOp(server, op);
    return server;
  }

  it('reproduces the server state for every asset and album, with the same outcomes', () => {
    const server = busyServer();
    const replica = createLibrary();

    for (const entry of server.log.entries) applyLogEntry(replica, entry);

    const statuses = server.log.entries.map((e) => e.outcome.status);
    expect(statuses).toContain('merged');
    expect(statuses).toContain('rejected');
    expect(canonicalStates(replica)).toEqual(canonicalStates(server));
    expect(server.assets.size).toBe(4);
    expect([...replica.albums.values()].map(albumState)).toEqual(
      [...server.albums.values()].map(albumState),
    );
    expect(replica.log).toEqual(server.log);
  });

  it('refuses an entry out of order', () => {
    const server = busyServer();
    const replica = createLibrary();
    const second = server.log.entries[1] as LogEntry;
    expect(() => {
      applyLogEntry(replica, second);
    }).toThrow(/log entry 2 applied out of order: replica is at seq 0/);
    expect(replica.log.entries).toHaveLength(0);
  });

  it('fails loudly when the replica reaches a different outcome', () => {
    const replica = createLibrary();
    const forged: LogEntry = {
      seq: 1,
      op: photo,
      outcome: { status: 'rejected', reason: 'stale', message: 'x' },
    };
    expect(() => {
      applyLogEntry(replica, forged);
    }).toThrow(/replica diverged at seq 1: server says rejected, replica got applied/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties. Every concurrent op is built against the same starting state: it names the
// versions and tags of that state in its context and has knownSeq = the start's head.

const A = importOp({ device: PHONE, path: 'Start/A.HEIC', bytes: 'A', hlc: 1 });
const B = importOp({ device: PHONE, path: 'Start/B.HEIC', bytes: 'B', hlc: 2 });
const beach = addKeywordOp({ device: PHONE, asset: A, keyword: 'beach', hlc: 3 });
const ALBUM = albumId('start');
const create = createAlbumOp({ device: PHONE, album: ALBUM, name: 'Start', hlc: 4 });
const member = addToAlbumOp({ device: PHONE, asset: A, album: ALBUM, hlc: 5 });
const START: readonly Op[] = [A, B, beach, create, member];
const startLibrary = (): MemoryLibrary => libraryWith(...START);

/** An op made by concurrent device number `i`, at physical time `ms`. */
type Concurrent = (i: number, ms: number) => Op;

const on = (i: number, ms: number): Common => {
  const device = asDeviceId(`device-${String(i).padStart(2, '0')}`);
  return {
    device,
    opId: `concurrent-${String(i).padStart(2, '0')}`,
    hlc: { ms, counter: 0, node: device },
    knownSeq: START.length,
  };
};

const anAsset = fc.constantFrom(A, B);
const concurrentOp: fc.Arbitrary<Concurrent> = fc.oneof(
  fc.tuple(anAsset, fc.string({ maxLength: 4 })).map(
    ([asset, render]): Concurrent =>
      (i, ms) =>
        editOp({ ...on(i, ms), asset, render: `render ${render}`, context: [vid(asset)] }),
  ),
  fc.tuple(anAsset, fc.boolean()).map(
    ([asset, value]): Concurrent =>
      (i, ms) =>
        setFieldOp({ ...on(i, ms), asset, field: 'favorite', value }),
  ),
  fc.tuple(anAsset, fc.constantFrom('x', 'y', 'z')).map(
    ([asset, value]): Concurrent =>
      (i, ms) =>
        setFieldOp({ ...on(i, ms), asset, field: 'caption', value }),
  ),
  fc.tuple(anAsset, fc.constantFrom('beach', 'sea')).map(
    ([asset, keyword]): Concurrent =>
      (i, ms) =>
        addKeywordOp({ ...on(i, ms), asset, keyword }),
  ),
  fc.constant<Concurrent>((i, ms) =>
    removeKeywordOp({ ...on(i, ms), asset: A, keyword: 'beach', tags: [beach.opId] }),
  ),
  fc.tuple(anAsset, fc.constantFrom('P/1.HEIC', 'P/2.HEIC', 'Start/A.HEIC')).map(
    ([asset, path]): Concurrent =>
      (i, ms) =>
        placeOp({ ...on(i, ms), asset, path }),
  ),
  fc.constantFrom('M/1.HEIC', 'M/2.HEIC').map(
    (to): Concurrent =>
      (i, ms) =>
        moveOp({ ...on(i, ms), asset: A, from: 'Start/A.HEIC', fromTags: [A.opId], to }),
  ),
  anAsset.map(
    (asset): Concurrent =>
      (i, ms) =>
        addToAlbumOp({ ...on(i, ms), asset, album: ALBUM }),
  ),
  fc.constant<Concurrent>((i, ms) =>
    removeFromAlbumOp({ ...on(i, ms), asset: A, album: ALBUM, tags: [member.opId] }),
  ),
  fc.constantFrom('One', 'Two').map(
    (name): Concurrent =>
      (i, ms) =>
        renameAlbumOp({ ...on(i, ms), album: ALBUM, name }),
  ),
);

/** 2–5 pairwise-concurrent ops, each from its own device, with clocks that may tie in ms. */
const concurrentSet = fc
  .array(fc.tuple(concurrentOp, fc.integer({ min: 10, max: 14 })), { minLength: 2, maxLength: 5 })
  .map((specs) => specs.map(([make, ms], i) => make(i, ms)));

describe('properties', () => {
  it('every arrival order of pairwise-concurrent ops ends in the same state', () => {
    fc.assert(
      fc.property(concurrentSet, (ops) => {
        const states = permutations(ops).map((order) => {
          const library = startLibrary();
          for (const op of order) applyOp(library, op);
          expect(library.log.entries).toHaveLength(START.length + ops.length);
          return orderFreeState(library);
        });
        for (const state of states) expect(state).toBe(states[0]);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('concurrent edits end as the same set of siblings in every order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), (n) => {
        const edits = Array.from({ length: n }, (_, i) =>
          editOp({ ...on(i, 10), asset: A, render: `edit ${i}`, context: [vid(A)] }),
        );
        for (const order of permutations(edits)) {
          const library = startLibrary();
          const replies = order.map((op) => applyOp(library, op));
          expect(replies.map((r) => r.status)).toEqual([
            'applied',
            ...Array<string>(n - 1).fill('merged'),
          ]);
          const siblings = assetOf(library, A.payload.assetId)
            .versions.map((v) => v.id)
            .sort();
          expect(siblings).toEqual(edits.map(vid).sort());
        }
      }),
      { seed: SEED, numRuns: 4 },
    );
  });

  it('applying any op twice (a retry, maybe with a newer clock) equals applying it once', () => {
    const retries = fc.array(
      fc.record({ of: fc.nat(), after: fc.nat(), newerClock: fc.boolean() }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(concurrentSet, retries, (ops, retryPlan) => {
        const once = startLibrary();
        for (const op of ops) applyOp(once, op);

        const twice = startLibrary();
        ops.forEach((op, i) => {
          applyOp(twice, op);
          for (const r of retryPlan) {
            const of = r.of % ops.length;
            if (Math.max(of, r.after % ops.length) !== i) continue;
            const first = ops[of] as Op;
            const retry = r.newerClock
              ? retryOf(first, { ...first.hlc, ms: first.hlc.ms + 1_000 })
              : first;
            const reply = applyOp(twice, retry);
            expect(reply).toEqual({
              status: 'duplicate',
              seq: START.length + of + 1,
              first: twice.log.entries[START.length + of]?.outcome,
            });
          }
        });

        expect(twice.log).toEqual(once.log);
        expect(canonicalStates(twice)).toEqual(canonicalStates(once));
        expect([...twice.albums.values()].map(albumState)).toEqual(
          [...once.albums.values()].map(albumState),
        );

        // And a replica that follows the log reaches the very same state.
        const replica = createLibrary();
        for (const entry of once.log.entries) applyLogEntry(replica, entry);
        expect(canonicalStates(replica)).toEqual(canonicalStates(once));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
