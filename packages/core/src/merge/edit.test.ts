import { describe, expect, it } from 'vitest';
import { isInConflict } from '../model/asset.js';
import { createLibrary } from '../model/library.js';
import {
  assetOf,
  libraryWith,
  orderFreeState,
  sortedVersionIds,
  versionIds,
} from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  TABLET,
  editOp,
  hashOf,
  importOp,
  resolveOp,
  resource,
  trashOp,
  vid,
} from '../test-support/op-builders.js';
import { applyOp } from './apply-op.js';

const photo = importOp({ device: PHONE, path: '2026/04/IMG_0042.HEIC', bytes: 'still 42' });
const id = photo.payload.assetId;
const v0 = vid(photo);

describe('edit', () => {
  it('fast-forwards when based on the current version', () => {
    const library = libraryWith(photo);
    const edit = editOp({ device: PHONE, asset: photo, render: 'cropped', context: [v0] });

    const reply = applyOp(library, edit);

    expect(reply).toEqual({ status: 'applied', seq: 2 });
    const asset = assetOf(library, id);
    expect(versionIds(asset)).toEqual([vid(edit)]);
    expect(asset.versions[0]?.resources.render?.hash).toBe(hashOf('cropped'));
    expect(asset.versions[0]?.resources.original.hash).toBe(hashOf('still 42'));
    expect([...asset.superseded]).toEqual([v0]);
    expect(isInConflict(asset)).toBe(false);
  });

  describe('two edits neither of which saw the other', () => {
    const onPhone = editOp({ device: PHONE, asset: photo, render: 'phone crop', context: [v0] });
    const onLaptop = editOp({ device: LAPTOP, asset: photo, render: 'laptop bw', context: [v0] });

    it.each([
      ['phone first', onPhone, onLaptop],
      ['laptop first', onLaptop, onPhone],
    ])('keeps both as siblings, the second merged (%s)', (_order, first, second) => {
      const library = libraryWith(photo);
      expect(applyOp(library, first)).toEqual({ status: 'applied', seq: 2 });
      const reply = applyOp(library, second);

      expect(reply).toMatchObject({ status: 'merged', seq: 3 });
      if (reply.status !== 'merged') throw new Error('unreachable');
      expect([...reply.siblings].sort()).toEqual([vid(onPhone), vid(onLaptop)].sort());
      expect(reply.note).toContain(vid(first));
      const asset = assetOf(library, id);
      expect(isInConflict(asset)).toBe(true);
      expect(sortedVersionIds(asset)).toEqual([vid(onPhone), vid(onLaptop)].sort());
    });

    it('reaches the same state in both arrival orders', () => {
      const a = libraryWith(photo, onPhone, onLaptop);
      const b = libraryWith(photo, onLaptop, onPhone);
      expect(orderFreeState(a)).toBe(orderFreeState(b));
      expect(sortedVersionIds(assetOf(a, id))).toEqual(sortedVersionIds(assetOf(b, id)));
    });
  });

  it("never conflicts with the same device's own chain of offline edits", () => {
    const e1 = editOp({ device: PHONE, asset: photo, render: 'edit 1', context: [v0] });
    const e2 = editOp({ device: PHONE, asset: photo, render: 'edit 2', context: [vid(e1)] });
    const e3 = editOp({ device: PHONE, asset: photo, render: 'edit 3', context: [vid(e2)] });
    const library = libraryWith(photo);

    const replies = [e1, e2, e3].map((op) => applyOp(library, op));

    expect(replies.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(versionIds(assetOf(library, id))).toEqual([vid(e3)]);
  });

  it('conflicts a chain only with the other device, once', () => {
    const e1 = editOp({ device: PHONE, asset: photo, render: 'edit 1', context: [v0] });
    const other = editOp({ device: LAPTOP, asset: photo, render: 'laptop', context: [v0] });
    const e2 = editOp({ device: PHONE, asset: photo, render: 'edit 2', context: [vid(e1)] });
    const library = libraryWith(photo, e1, other, e2);

    expect(sortedVersionIds(assetOf(library, id))).toEqual([vid(other), vid(e2)].sort());
  });

  it('does not bring back an edit that a later edit of the same chain already replaced', () => {
    // The chain arrives out of order: e2 (based on e1) before e1 itself.
    const e1 = editOp({ device: PHONE, asset: photo, render: 'edit 1', context: [v0] });
    const e2 = editOp({ device: PHONE, asset: photo, render: 'edit 2', context: [vid(e1)] });
    const library = libraryWith(photo, e2);
    expect(assetOf(library, id).superseded.has(vid(e1))).toBe(true);

    const reply = applyOp(library, e1);

    expect(reply.status).toBe('applied');
    expect(versionIds(assetOf(library, id))).toEqual([vid(e2)]);
  });

  it('does not let such a late edit undo a trash that had seen its successor', () => {
    const e1 = editOp({ device: PHONE, asset: photo, render: 'edit 1', context: [v0] });
    const e2 = editOp({ device: PHONE, asset: photo, render: 'edit 2', context: [vid(e1)] });
    const library = libraryWith(photo, e2);
    const seen = versionIds(assetOf(library, id));
    applyOp(library, trashOp({ device: LAPTOP, asset: photo, context: seen }));

    applyOp(library, e1);

    const asset = assetOf(library, id);
    expect(asset.lifecycle.state).toBe('trashed');
    expect(versionIds(asset)).toEqual([vid(e2)]);
  });

  it('keeps the capture time of the content it replaces when its render says none', () => {
    const taken = { takenAt: '2024-01-01T00:30:00+09:00' };
    const dated = importOp({ device: PHONE, path: 'IMG_7.JPG', bytes: 'still 7', meta: taken });
    const library = libraryWith(dated);
    const bare = editOp({ device: LAPTOP, asset: dated, render: 'no exif', context: [vid(dated)] });
    const retimed = { takenAt: '2023-12-31T10:00:00Z', width: 800 };
    const later = editOp({
      device: LAPTOP,
      asset: dated,
      render: 'new exif',
      meta: retimed,
      context: [vid(bare)],
    });

    applyOp(library, bare);
    expect(assetOf(library, dated.payload.assetId).versions[0]?.meta).toEqual(taken);
    applyOp(library, later);
    expect(assetOf(library, dated.payload.assetId).versions[0]?.meta).toEqual(retimed);
  });

  it('rejects an edit that changes the original', () => {
    const library = libraryWith(photo);
    const edit = editOp({
      device: PHONE,
      asset: id,
      original: resource('other bytes', 'HEIC'),
      render: 'render',
      context: [v0],
    });

    const reply = applyOp(library, edit);

    expect(reply).toMatchObject({ status: 'rejected', reason: 'original-changed', seq: 2 });
    expect(versionIds(assetOf(library, id))).toEqual([v0]);
    expect(library.log.entries[1]?.outcome.status).toBe('rejected');
  });

  it('rejects an edit of an asset the library does not have', () => {
    const library = createLibrary();
    const reply = applyOp(library, editOp({ asset: photo, render: 'x', context: [v0] }));
    expect(reply).toMatchObject({ status: 'rejected', reason: 'unknown-target' });
    expect(library.assets.size).toBe(0);
  });

  it('restores a trashed asset: new work is never thrown away', () => {
    const trash = trashOp({ device: LAPTOP, asset: photo, context: [v0] });
    const edit = editOp({ device: PHONE, asset: photo, render: 'offline edit', context: [v0] });
    const library = libraryWith(photo, trash);
    expect(assetOf(library, id).lifecycle.state).toBe('trashed');

    const reply = applyOp(library, edit);

    expect(reply).toMatchObject({ status: 'applied' });
    if (reply.status !== 'applied') throw new Error('unreachable');
    expect(reply.note).toMatch(/restored from trash/);
    const asset = assetOf(library, id);
    expect(asset.lifecycle).toEqual({ state: 'live' });
    expect(versionIds(asset)).toEqual([vid(edit)]);
  });
});

describe('resolve', () => {
  const onPhone = editOp({ device: PHONE, asset: photo, render: 'phone crop', context: [v0] });
  const onLaptop = editOp({ device: LAPTOP, asset: photo, render: 'laptop bw', context: [v0] });
  const siblings = [vid(onPhone), vid(onLaptop)];

  it('keeps the chosen sibling and retires the other', () => {
    const library = libraryWith(photo, onPhone, onLaptop);
    const resolve = resolveOp({ asset: photo, context: siblings, keep: [vid(onLaptop)] });

    const reply = applyOp(library, resolve);

    expect(reply).toEqual({ status: 'applied', seq: 4 });
    const asset = assetOf(library, id);
    expect(versionIds(asset)).toEqual([vid(onLaptop)]);
    expect(isInConflict(asset)).toBe(false);
    expect(asset.superseded.has(vid(onPhone))).toBe(true);
    expect(asset.superseded.has(vid(onLaptop))).toBe(false);
  });

  it('leaves a newer sibling it had not seen', () => {
    const library = libraryWith(photo, onPhone, onLaptop);
    const resolve = resolveOp({
      device: PHONE,
      asset: photo,
      context: siblings,
      keep: [vid(onPhone)],
    });
    const onTablet = editOp({ device: TABLET, asset: photo, render: 'tablet', context: [v0] });
    applyOp(library, onTablet);

    const reply = applyOp(library, resolve);

    expect(reply).toMatchObject({ status: 'applied' });
    if (reply.status !== 'applied') throw new Error('unreachable');
    expect(reply.note).toMatch(/2 siblings remain/);
    expect(sortedVersionIds(assetOf(library, id))).toEqual([vid(onPhone), vid(onTablet)].sort());
  });

  it('is rejected as stale when asked to keep a version that is not current', () => {
    const library = libraryWith(photo, onPhone, onLaptop);
    const reply = applyOp(library, resolveOp({ asset: photo, context: siblings, keep: [v0] }));
    expect(reply).toMatchObject({ status: 'rejected', reason: 'stale' });
    expect(sortedVersionIds(assetOf(library, id))).toEqual([...siblings].sort());
  });
});
