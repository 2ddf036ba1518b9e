import { describe, expect, it } from 'vitest';
import { versionIdOf, type OpId } from '../model/ids.js';
import {
  LAPTOP,
  addKeywordOp,
  addToAlbumOp,
  albumId,
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
  restoreOp,
  setFieldOp,
  shareAlbumOp,
  trashOp,
  userId,
  vid,
} from '../test-support/op-builders.js';
import { MAX_OPS_PER_BATCH } from './batch-limit.js';
import { opBatchSchema, parseOp, type Op } from './op-schema.js';

const valid = importOp({
  device: LAPTOP,
  path: '2026/04/IMG_0001.HEIC',
  bytes: 'photo',
  meta: { takenAt: '2026-04-01T10:00:00+02:00', gps: { lat: 52.5, lon: 13.4 } },
  live: { bytes: 'video', ext: 'MOV' },
});

/** The op as it would arrive in JSON, with some part replaced. */
const tampered = (change: (raw: Record<string, unknown>) => void): unknown => {
  const raw = JSON.parse(JSON.stringify(valid)) as Record<string, unknown>;
  change(raw);
  return raw;
};
const withPayload = (patch: Record<string, unknown>): unknown =>
  tampered((raw) => {
    raw.payload = { ...(raw.payload as object), ...patch };
  });

function errorsOf(input: unknown): string[] {
  const result = parseOp(input);
  if (result.ok) throw new Error('expected the op to be rejected');
  return result.errors;
}

describe('parseOp', () => {
  it('accepts a valid op and returns it unchanged', () => {
    const result = parseOp(JSON.parse(JSON.stringify(valid)));
    expect(result).toEqual({ ok: true, op: valid });
  });

  it('accepts every kind of op the builders make', () => {
    const album = albumId('a');
    const ctx = [vid(valid)];
    const ops: Op[] = [
      valid,
      editOp({ asset: valid, render: 'r', context: ctx }),
      resolveOp({ asset: valid, context: ctx, keep: ctx }),
      trashOp({ asset: valid, context: ctx }),
      restoreOp({ asset: valid }),
      purgeOp({ asset: valid, context: ctx }),
      placeOp({ asset: valid, path: 'b/c.HEIC' }),
      moveOp({ asset: valid, from: 'b/c.HEIC', fromTags: [valid.opId], to: null }),
      setFieldOp({ asset: valid, field: 'takenAtOverride', value: null }),
      addKeywordOp({ asset: valid, keyword: 'k' }),
      removeKeywordOp({ asset: valid, keyword: 'k', tags: [] }),
      createAlbumOp({ album, name: 'A' }),
      renameAlbumOp({ album, name: 'B' }),
      addToAlbumOp({ asset: valid, album }),
      removeFromAlbumOp({ asset: valid, album, tags: [] }),
      shareAlbumOp({ album, user: userId('bob'), role: 'viewer' }),
    ];
    for (const op of ops) expect(parseOp(JSON.parse(JSON.stringify(op)))).toEqual({ ok: true, op });
    expect(new Set(ops.map((op) => op.payload.kind)).size).toBe(16);
  });

  it('normalizes paths to NFC', () => {
    const result = parseOp(withPayload({ path: 'Cafe\u0301/IMG.HEIC' }));
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(result.op.payload).toMatchObject({ path: 'Caf\u00e9/IMG.HEIC' });
  });

  it.each([
    ['an asset id that is no SHA-256', { assetId: 'ABCDEF' }, 'payload.assetId: must be a SHA-256'],
    [
      'a resource hash in upper case',
      { resources: { original: { hash: 'A'.repeat(64), size: 1, ext: 'HEIC' } } },
      'payload.resources.original.hash: must be a SHA-256',
    ],
    [
      'a path with ..',
      { path: '2026/../../etc/passwd' },
      'payload.path: path may not contain "." or ".." segments',
    ],
    ['an absolute path', { path: '/etc/passwd' }, 'payload.path: path must be relative'],
    ['a Windows drive path', { path: 'C:/Users/x.HEIC' }, 'payload.path: path must be relative'],
    [
      'a NUL in a path',
      { path: 'IMG\u0000.HEIC' },
      'payload.path: path contains NUL or a control character',
    ],
    ['an unknown kind', { kind: 'frobnicate' }, 'payload.kind: Invalid discriminator value'],
    ['a missing path', { path: undefined }, 'payload.path: '],
    [
      'an extension with a dot',
      { resources: { original: { hash: 'a'.repeat(64), size: 1, ext: '.HEIC' } } },
      'payload.resources.original.ext: must be 1–10 letters or digits',
    ],
  ])('rejects %s and names the field', (_what, patch, expected) => {
    const errors = errorsOf(withPayload(patch));
    expect(errors.some((e) => e.startsWith(expected))).toBe(true);
    expect(errors).toHaveLength(1);
  });

  const setField = (field: string, value: unknown): unknown => {
    const raw = JSON.parse(
      JSON.stringify(setFieldOp({ asset: valid, field: 'caption', value: 'x' })),
    ) as { payload: Record<string, unknown> };
    raw.payload = { ...raw.payload, field, value };
    return raw;
  };

  it.each([
    ['favorite', 'yes', 'payload.value: favorite takes true or false'],
    ['hidden', null, 'payload.value: hidden takes true or false'],
    ['caption', false, 'payload.value: caption takes a string'],
    ['caption', null, 'payload.value: caption takes a string'],
    ['takenAtOverride', 'last tuesday', 'payload.value: takenAtOverride takes an ISO 8601'],
    ['takenAtOverride', true, 'payload.value: takenAtOverride takes an ISO 8601'],
  ])('rejects a %s set to %j and says what the field takes', (field, value, expected) => {
    const errors = errorsOf(setField(field, value));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${expected.replace(/[.]/g, '\\.')}`));
  });

  it.each([
    ['favorite', true],
    ['hidden', false],
    ['caption', ''],
    ['takenAtOverride', '2026-04-01T10:00:00+02:00'],
    ['takenAtOverride', null],
  ])('accepts a %s set to %j', (field, value) => {
    expect(parseOp(setField(field, value)).ok).toBe(true);
  });

  /** The op as it would arrive in JSON, with this payload in place of its own. */
  const payloadOf = (payload: Record<string, unknown>): unknown =>
    tampered((raw) => {
      raw.payload = payload;
    });
  const album = albumId('a');

  it.each([
    [
      'an album name that is blank',
      { kind: 'createAlbum', albumId: album, owner: userId('me'), name: '  ' },
      'name: is blank',
    ],
    [
      'an album renamed with a line break',
      { kind: 'renameAlbum', albumId: album, name: 'Summer\nholiday' },
      'name: contains a control character (a line break, a tab or NUL)',
    ],
    [
      'a keyword with half a surrogate pair',
      { kind: 'addKeyword', assetId: valid.payload.assetId, keyword: 'beach \uD83C' },
      'keyword: is not well-formed Unicode (half of a surrogate pair)',
    ],
  ])('rejects %s and names the field', (_what, payload, expected) => {
    expect(errorsOf(payloadOf(payload))).toEqual([`payload.${expected}`]);
  });

  it('accepts names in any script, with spaces and emoji', () => {
    const op = createAlbumOp({ album, name: 'Été à Kyōto 京都 🌸' });
    expect(parseOp(JSON.parse(JSON.stringify(op))).ok).toBe(true);
  });

  it('names a bad destination of a move', () => {
    const move = moveOp({ asset: valid, from: 'a/b.HEIC', fromTags: [], to: 'c/d.HEIC' });
    const raw = { ...move, payload: { ...move.payload, to: '../outside.HEIC' } };
    expect(errorsOf(raw)).toEqual(['payload.to: path may not contain "." or ".." segments']);
  });

  it.each([
    ['knownSeq', 'knownSeq: Invalid input: expected number, received undefined'],
    ['opId', 'opId: Invalid input: expected string, received undefined'],
    ['hlc', 'hlc: Invalid input: expected object, received undefined'],
  ])('rejects an op without %s and names it', (field, expected) => {
    expect(errorsOf(tampered((raw) => Reflect.deleteProperty(raw, field)))).toEqual([expected]);
  });

  it('names the fields of a bad clock and a bad op id', () => {
    const errors = errorsOf(
      tampered((raw) => {
        raw.opId = 'short';
        raw.hlc = { ms: -1, counter: 0, node: LAPTOP };
      }),
    );
    expect(errors).toEqual([
      'opId: must be at least 8 characters',
      expect.stringMatching(/^hlc\.ms: /) as string,
    ]);
  });

  it('rejects a context longer than 1024 versions', () => {
    const ids = Array.from({ length: 1025 }, (_, i) =>
      versionIdOf(`v-${String(i).padStart(6, '0')}` as OpId),
    );
    const trash = trashOp({ asset: valid, context: [] });
    const errors = errorsOf({ ...trash, payload: { ...trash.payload, context: ids } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^payload\.context: .*1024/);
  });
});

describe('opBatchSchema', () => {
  it(`accepts up to ${MAX_OPS_PER_BATCH} ops`, () => {
    const batch = Array.from({ length: MAX_OPS_PER_BATCH }, () => valid);
    expect(opBatchSchema.safeParse(batch).success).toBe(true);
  });

  it('rejects a longer batch, saying the limit', () => {
    const result = opBatchSchema.safeParse(
      Array.from({ length: MAX_OPS_PER_BATCH + 1 }, () => valid),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]).toMatchObject({ code: 'too_big', maximum: MAX_OPS_PER_BATCH });
    expect(result.error?.issues[0]?.message).toContain(String(MAX_OPS_PER_BATCH));
  });

  it('names the index of a bad op within a batch', () => {
    const result = opBatchSchema.safeParse([valid, withPayload({ path: '/abs' })]);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['1.payload.path']);
  });
});
