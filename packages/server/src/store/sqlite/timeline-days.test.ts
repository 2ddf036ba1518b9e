import {
  applyOp,
  asBlobHash,
  asUserId,
  createLibrary,
  encodeAsset,
  opSchema,
  sha256Hex,
  type MediaMeta,
  type Op,
} from '@keepsake/core';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opFrom, registerBlobs } from '../../test-support/ops.js';
import { tempDir } from '../../test-support/temp-dir.js';
import { migrateTo } from './database.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

// The timeline's day counts are kept by every write rather than counted on each page load:
// whatever happens to the photos (imports, trash and restore, a date set by hand, an edit that
// moves the capture time), they must equal a count of the live assets by day.

const ALICE = asUserId('user-alice');
const DEVICE = 'device-01';
const ANY_TIME = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 60_000 };
/** Fixed so a failure is reproducible; fast-check prints the seed and path of any failure. */
const SEED = 20261201;

const DAYS = ['2024-01-01', '2024-01-02', '2024-03-15', undefined] as const;
const day = fc.constantFrom(...DAYS);
/** Times of day in zones whose UTC day is the one before, the same, and the one after. */
const clock = fc.constantFrom('T00:30:00+09:00', 'T12:00:00Z', 'T23:30:00-08:00');
const step = fc.oneof(
  fc.record({
    kind: fc.constant('import' as const),
    day,
    clock,
    ext: fc.constantFrom('JPG', 'MOV'),
  }),
  // The other half of an imported photo (a video for a still, a still for a video), taken at
  // the same moment beside it: a Live Photo, folded into the photo's asset.
  fc.record({ kind: fc.constant('otherHalf' as const), photo: fc.nat(9) }),
  fc.record({ kind: fc.constantFrom('trash' as const, 'restore' as const), photo: fc.nat(9) }),
  fc.record({ kind: fc.constant('override' as const), photo: fc.nat(9), day }),
  // A stale edit is made on the imported version, as a device that missed the later ones would:
  // beside a later edit it is a conflict (two versions kept).
  fc.record({
    kind: fc.constant('edit' as const),
    photo: fc.nat(9),
    day,
    clock,
    stale: fc.boolean(),
  }),
);
type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

const at = (d: string | undefined, time: string) =>
  d === undefined ? {} : { takenAt: `${d}${time}` };
const resource = (bytes: string, ext = 'JPG') => ({
  hash: asBlobHash(sha256Hex(bytes)),
  size: 1,
  ext,
});

/**
 * Plays the steps as ops (one batch each) and answers the store, kept counts and all, and the
 * ops it was sent.
 */
async function played(steps: readonly Step[]) {
  const file = join(tempDir(), 'meta.db');
  const store = new SqliteMetadataStore(file);
  await store.createUser(
    { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
    0,
  );
  // Each photo's asset id and current version, as a device that saw every reply would know them.
  const photos: {
    id: string;
    original: ReturnType<typeof resource>;
    imported: string;
    version: string;
    path: string;
    meta: MediaMeta;
  }[] = [];
  const sent: Op[] = [];
  for (const [i, s] of steps.entries()) {
    const photo = s.kind === 'import' ? undefined : photos[s.photo % Math.max(1, photos.length)];
    let payload: Record<string, unknown> | undefined;
    if (s.kind === 'import') {
      const original = resource(`photo ${String(i)}`, s.ext);
      payload = {
        kind: 'import',
        assetId: original.hash,
        resources: { original },
        meta: at(s.day, s.clock),
        path: `IMG_${String(i)}.${s.ext}`,
      };
    } else if (photo && s.kind === 'otherHalf') {
      const ext = photo.original.ext === 'JPG' ? 'MOV' : 'JPG';
      const original = resource(`half ${String(i)}`, ext);
      payload = {
        kind: 'import',
        assetId: original.hash,
        resources: { original },
        meta: photo.meta,
        path: photo.path.replace(/\.\w+$/, `.${ext}`),
      };
    } else if (photo && (s.kind === 'trash' || s.kind === 'restore')) {
      payload = { kind: s.kind, assetId: photo.id, context: [photo.version] };
    } else if (photo && s.kind === 'override') {
      const value = s.day === undefined ? null : `${s.day}T08:00:00Z`;
      payload = { kind: 'setField', assetId: photo.id, field: 'takenAtOverride', value };
    } else if (photo && s.kind === 'edit') {
      payload = {
        kind: 'edit',
        assetId: photo.id,
        resources: {
          original: photo.original,
          render: resource(`edit ${String(i)}`),
        },
        meta: at(s.day, s.clock),
        context: [s.stale ? photo.imported : photo.version],
      };
    }
    if (!payload) continue;
    const op: Op = opSchema.parse(opFrom(DEVICE, payload));
    await registerBlobs(store, ALICE, [op]);
    sent.push(op);
    const [reply] = await store.submitOps(ALICE, [op], ANY_TIME);
    if (reply?.status !== 'applied' && reply?.status !== 'merged') continue;
    if (s.kind === 'import' && op.payload.kind === 'import') {
      const { assetId, resources, path, meta } = op.payload;
      photos.push({
        id: assetId,
        original: resources.original,
        imported: op.opId,
        version: op.opId,
        path,
        meta,
      });
    } else if (s.kind === 'edit' && photo) photo.version = op.opId;
  }
  return { store, file, sent };
}

/**
 * The same ops sent to a fresh store in batches of the given sizes (the last size repeated):
 * a batch sums its moves in and out of each day before it writes them (one photo trashed and
 * restored, or moved off a day and back, within one batch).
 */
async function replayedInBatches(ops: readonly Op[], sizes: readonly number[]) {
  const file = join(tempDir(), 'meta.db');
  const store = new SqliteMetadataStore(file);
  await store.createUser(
    { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
    0,
  );
  await registerBlobs(store, ALICE, ops);
  for (let start = 0, i = 0; start < ops.length; i++) {
    const size = sizes[Math.min(i, sizes.length - 1)] ?? 1;
    await store.submitOps(ALICE, ops.slice(start, start + size), ANY_TIME);
    start += size;
  }
  return { store, file };
}

/** The live assets counted by day straight from the assets table, as the timeline lays them out. */
function countedNow(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT substr(taken_at, 1, 10) AS day, count(*) AS count FROM assets
         WHERE lifecycle = 'live' GROUP BY day ORDER BY day DESC`,
      )
      .all();
  } finally {
    db.close();
  }
}

describe("the timeline's kept day counts", () => {
  it('equal a count of the live assets by day, whatever the photos went through', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
        async (steps, batchSizes) => {
          const { store, file, sent } = await played(steps);
          const batched = await replayedInBatches(sent, batchSizes);
          try {
            expect(await store.timelineDays(ALICE)).toEqual(countedNow(file));
            expect(await batched.store.timelineDays(ALICE)).toEqual(countedNow(batched.file));
            // A key is its asset's state's alone: how the ops were batched never moves a photo.
            expect(countedNow(batched.file)).toEqual(countedNow(file));
          } finally {
            await store.close();
            await batched.store.close();
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('are counted again when the keys move to the day each photo was taken where it was taken, then to what each state says', async () => {
    const file = join(tempDir(), 'meta.db');
    // The schema before local days (migration 10), its keys UTC instants as the store wrote them.
    const old = new Database(file);
    migrateTo(old, 9);
    old.prepare('INSERT INTO users (id, name, created_at) VALUES (?, ?, 0)').run(ALICE, 'alice');
    old.prepare('INSERT INTO libraries (id) VALUES (?)').run(ALICE);
    const memory = createLibrary();
    const takenAt = {
      'evening-west.JPG': '2024-05-01T19:30:00-07:00', // 2 May in UTC
      'noon.JPG': '2024-05-01T12:00:00Z',
      // An edit saved without a time, written before edits kept their content's time: the
      // state has none, and the key it had kept only by the order of writes goes.
      'no-time-left.JPG': undefined,
    };
    const keys: Record<string, string> = {
      'evening-west.JPG': '2024-05-02T02:30:00.000Z',
      'noon.JPG': '2024-05-01T12:00:00.000Z',
      'no-time-left.JPG': '2024-04-30T23:00:00.000Z',
    };
    const insert = old.prepare(
      `INSERT INTO assets (library, id, state, lifecycle, taken_at, in_conflict, updated_seq, history)
       VALUES (1, ?, ?, 'live', ?, 0, 1, '')`,
    );
    for (const [path, time] of Object.entries(takenAt)) {
      const original = resource(path);
      const op = opSchema.parse(
        opFrom(DEVICE, {
          kind: 'import',
          assetId: original.hash,
          resources: { original },
          meta: time === undefined ? {} : { takenAt: time },
          path,
        }),
      );
      applyOp(memory, op);
      const asset = memory.assets.get(original.hash as never);
      if (!asset) throw new Error('the import made no asset');
      insert.run(asset.id, encodeAsset(asset), keys[path]);
    }
    old.exec(`INSERT INTO timeline_days (library, day, count) VALUES
      (1, '2024-05-02', 1), (1, '2024-05-01', 1), (1, '2024-04-30', 1)`);
    // Migration 10 alone: local days, the timeless key's instant kept under its UTC day.
    migrateTo(old, 10);
    const daysThen = old.prepare('SELECT day, count FROM timeline_days ORDER BY day DESC').all();
    expect(daysThen).toEqual([
      { day: '2024-05-01', count: 2 },
      { day: '2024-04-30', count: 1 },
    ]);
    old.close();

    const store = new SqliteMetadataStore(file);
    try {
      expect(await store.timelineDays(ALICE)).toEqual([
        { day: '2024-05-01', count: 2 },
        { day: '', count: 1 },
      ]);
      expect(await store.timelineDays(ALICE)).toEqual(countedNow(file));
      const listed = await store.assets(ALICE, { filter: 'live', day: '2024-05-01', limit: 10 });
      expect(listed.assets.map((a) => a.id)).toEqual(
        ['evening-west.JPG', 'noon.JPG', 'no-time-left.JPG'].map((path) => resource(path).hash),
      );
    } finally {
      await store.close();
    }
  });
});
