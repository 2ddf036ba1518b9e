import { describe, expect, it } from 'vitest';
import type { Hlc } from '../clock/hlc.js';
import { canonicalAssetState } from '../model/asset-state.js';
import { createLibrary } from '../model/library.js';
import { assetOf, libraryWith } from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  TABLET,
  importOp,
  retryOf,
  setFieldOp,
} from '../test-support/op-builders.js';
import { applyOp } from './apply-op.js';
import { lwwWrite } from './fields.js';

const photo = importOp({ device: PHONE, path: 'IMG_0001.HEIC', bytes: 'photo' });
const id = photo.payload.assetId;

describe('LWW fields', () => {
  const newer = setFieldOp({
    device: PHONE,
    asset: photo,
    field: 'caption',
    value: 'newer',
    hlc: 2_000,
  });
  const older = setFieldOp({
    device: LAPTOP,
    asset: photo,
    field: 'caption',
    value: 'older',
    hlc: 1_000,
  });

  it.each([
    ['newer arrives first', [newer, older]],
    ['older arrives first', [older, newer]],
  ])('lets the higher HLC win whatever the arrival order (%s)', (_name, ops) => {
    const library = libraryWith(photo, ...ops);
    expect(assetOf(library, id).fields.caption).toEqual({
      value: 'newer',
      hlc: newer.hlc,
      opId: newer.opId,
    });
  });

  it('ends byte for byte the same in both orders', () => {
    expect(canonicalAssetState(assetOf(libraryWith(photo, newer, older), id))).toBe(
      canonicalAssetState(assetOf(libraryWith(photo, older, newer), id)),
    );
  });

  it('records in the loser’s outcome that it lost, and to which op', () => {
    const library = libraryWith(photo, newer);
    const reply = applyOp(library, older);
    expect(reply).toMatchObject({ status: 'applied', seq: 3 });
    if (reply.status !== 'applied') throw new Error('unreachable');
    expect(reply.note).toMatch(/lost/);
    expect(reply.note).toContain(newer.opId);
    expect(library.log.entries[2]?.outcome).toEqual({ status: 'applied', note: reply.note });
  });

  it('gives a plain applied to the winner, even when it arrives second', () => {
    const library = libraryWith(photo, older);
    expect(applyOp(library, newer)).toEqual({ status: 'applied', seq: 3 });
  });

  it('breaks a tie in ms by the counter, then by the device', () => {
    const stamp = (ms: number, counter: number, node: Hlc['node']): Hlc => ({ ms, counter, node });
    const a = setFieldOp({
      device: PHONE,
      asset: photo,
      field: 'favorite',
      value: true,
      hlc: stamp(5, 1, PHONE),
    });
    const b = setFieldOp({
      device: LAPTOP,
      asset: photo,
      field: 'favorite',
      value: false,
      hlc: stamp(5, 0, LAPTOP),
    });
    expect(assetOf(libraryWith(photo, a, b), id).fields.favorite?.value).toBe(true);
    expect(assetOf(libraryWith(photo, b, a), id).fields.favorite?.value).toBe(true);

    // Same ms and counter: the greater device id wins ('tablet-01' > 'laptop-01').
    const c = setFieldOp({
      device: TABLET,
      asset: photo,
      field: 'hidden',
      value: true,
      hlc: stamp(5, 0, TABLET),
    });
    const d = setFieldOp({
      device: LAPTOP,
      asset: photo,
      field: 'hidden',
      value: false,
      hlc: stamp(5, 0, LAPTOP),
    });
    expect(assetOf(libraryWith(photo, c, d), id).fields.hidden?.value).toBe(true);
    expect(assetOf(libraryWith(photo, d, c), id).fields.hidden?.value).toBe(true);
  });

  it('keeps each field separate', () => {
    const library = libraryWith(
      photo,
      setFieldOp({ asset: photo, field: 'favorite', value: true, hlc: 10 }),
      setFieldOp({ asset: photo, field: 'takenAtOverride', value: null, hlc: 5 }),
      setFieldOp({ asset: photo, field: 'caption', value: 'x', hlc: 1 }),
    );
    const { fields } = assetOf(library, id);
    expect([fields.favorite?.value, fields.takenAtOverride?.value, fields.caption?.value]).toEqual([
      true,
      null,
      'x',
    ]);
    expect(fields.hidden).toBeUndefined();
  });

  it('is idempotent: the same op again changes nothing and is a duplicate', () => {
    const library = libraryWith(photo, newer);
    const before = canonicalAssetState(assetOf(library, id));
    const again = applyOp(library, retryOf(newer));
    expect(again).toEqual({ status: 'duplicate', seq: 2, first: { status: 'applied' } });
    expect(canonicalAssetState(assetOf(library, id))).toBe(before);
    expect(library.log.entries).toHaveLength(2);
  });

  it('is rejected for an asset the library does not have', () => {
    const reply = applyOp(createLibrary(), newer);
    expect(reply).toMatchObject({ status: 'rejected', reason: 'unknown-target' });
  });
});

describe('lwwWrite', () => {
  const op = setFieldOp({ device: PHONE, asset: photo, field: 'caption', value: 'v', hlc: 100 });

  it('writes over nothing and over an older stamp', () => {
    expect(lwwWrite(undefined, 'v', op)).toEqual({ value: 'v', hlc: op.hlc, opId: op.opId });
    const old = { value: 'old', hlc: { ...op.hlc, ms: 99 }, opId: op.opId };
    expect(lwwWrite(old, 'v', op)?.value).toBe('v');
  });

  it('refuses an equal or newer stamp', () => {
    expect(lwwWrite({ value: 'cur', hlc: op.hlc, opId: op.opId }, 'v', op)).toBeUndefined();
    expect(
      lwwWrite({ value: 'cur', hlc: { ...op.hlc, counter: 1 }, opId: op.opId }, 'v', op),
    ).toBeUndefined();
  });
});
