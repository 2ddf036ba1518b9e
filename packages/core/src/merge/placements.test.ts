import { describe, expect, it } from 'vitest';
import { orSetTags } from '../model/or-set.js';
import {
  assetOf,
  keywordsOf,
  libraryWith,
  orderFreeState,
  pathsOf,
  versionIds,
} from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  addKeywordOp,
  editOp,
  importOp,
  moveOp,
  placeOp,
  removeKeywordOp,
  vid,
} from '../test-support/op-builders.js';
import { applyOp } from './apply-op.js';

const FROM = '2026/04/IMG_0001.HEIC';
const photo = importOp({ device: PHONE, path: FROM, bytes: 'photo 1' });
const id = photo.payload.assetId;

describe('move', () => {
  it('takes the old path out and puts the new one in, keeping the same asset and content', () => {
    const library = libraryWith(photo);
    const move = moveOp({
      device: PHONE,
      asset: photo,
      from: FROM,
      fromTags: [photo.opId],
      to: 'Best/IMG_0001.HEIC',
    });

    expect(applyOp(library, move)).toEqual({ status: 'applied', seq: 2 });

    const asset = assetOf(library, id);
    expect(pathsOf(asset)).toEqual(['Best/IMG_0001.HEIC']);
    expect(orSetTags(asset.paths, 'Best/IMG_0001.HEIC')).toEqual([move.opId]);
    expect(versionIds(asset)).toEqual([vid(photo)]);
    expect(library.assets.size).toBe(1);
  });

  it('leaves both placements when two devices move the same file concurrently', () => {
    const toA = moveOp({
      device: PHONE,
      asset: photo,
      from: FROM,
      fromTags: [photo.opId],
      to: 'A/IMG_0001.HEIC',
    });
    const toB = moveOp({
      device: LAPTOP,
      asset: photo,
      from: FROM,
      fromTags: [photo.opId],
      to: 'B/IMG_0001.HEIC',
    });
    const ab = libraryWith(photo, toA, toB);
    const ba = libraryWith(photo, toB, toA);

    expect(ab.log.entries.map((e) => e.outcome.status)).toEqual(['applied', 'applied', 'applied']);
    expect(pathsOf(assetOf(ab, id))).toEqual(['A/IMG_0001.HEIC', 'B/IMG_0001.HEIC']);
    expect(orderFreeState(ab)).toBe(orderFreeState(ba));
  });

  it('keeps a placement that another device added concurrently at the old path', () => {
    // The laptop copies the same bytes to FROM again (a new tag) while the phone moves it away.
    const move = moveOp({
      device: PHONE,
      asset: photo,
      from: FROM,
      fromTags: [photo.opId],
      to: 'B/IMG_0001.HEIC',
    });
    const copy = placeOp({ device: LAPTOP, asset: photo, path: FROM });
    for (const library of [libraryWith(photo, move, copy), libraryWith(photo, copy, move)]) {
      expect(pathsOf(assetOf(library, id))).toEqual([FROM, 'B/IMG_0001.HEIC']);
    }
  });

  it('trashes the asset when its last placement is removed, keeping the placement', () => {
    const library = libraryWith(photo);
    const reply = applyOp(
      library,
      moveOp({ asset: photo, from: FROM, fromTags: [photo.opId], to: null, context: [vid(photo)] }),
    );
    expect(reply).toMatchObject({ status: 'applied', seq: 2 });
    expect(assetOf(library, id).lifecycle.state).toBe('trashed');
    expect(pathsOf(assetOf(library, id))).toEqual([FROM]);
  });

  it('does not trash over a version the removal had not seen', () => {
    const edit = editOp({ asset: photo, context: [vid(photo)], render: 'edited' });
    const library = libraryWith(photo, edit);
    const reply = applyOp(
      library,
      moveOp({ asset: photo, from: FROM, fromTags: [photo.opId], to: null, context: [vid(photo)] }),
    );
    expect(reply).toMatchObject({ status: 'rejected', reason: 'concurrent-edit' });
    expect(assetOf(library, id).lifecycle.state).toBe('live');
  });

  it('removes one of two placements', () => {
    const copy = placeOp({ asset: photo, path: 'Copy/IMG_0001.HEIC' });
    const library = libraryWith(photo, copy);
    const reply = applyOp(
      library,
      moveOp({ asset: photo, from: FROM, fromTags: [photo.opId], to: null }),
    );
    expect(reply).toEqual({ status: 'applied', seq: 3 });
    expect(pathsOf(assetOf(library, id))).toEqual(['Copy/IMG_0001.HEIC']);
  });

  it('lets a removal through when a tag it had not seen keeps the path', () => {
    const again = importOp({ device: LAPTOP, path: FROM, bytes: 'photo 1' });
    const library = libraryWith(photo, again);
    const reply = applyOp(
      library,
      moveOp({ asset: photo, from: FROM, fromTags: [photo.opId], to: null }),
    );
    expect(reply.status).toBe('applied');
    expect(orSetTags(assetOf(library, id).paths, FROM)).toEqual([again.opId]);
  });
});

describe('place (a copy into a second folder)', () => {
  it('adds a placement to the same asset', () => {
    const library = libraryWith(photo);
    const place = placeOp({ device: LAPTOP, asset: photo, path: 'Albums/Trip/IMG_0001.HEIC' });
    expect(applyOp(library, place)).toEqual({ status: 'applied', seq: 2 });
    const asset = assetOf(library, id);
    expect(pathsOf(asset)).toEqual(['2026/04/IMG_0001.HEIC', 'Albums/Trip/IMG_0001.HEIC']);
    expect(versionIds(asset)).toEqual([vid(photo)]);
  });
});

describe('keywords', () => {
  const tag = addKeywordOp({ device: PHONE, asset: photo, keyword: 'beach' });

  it('adds and removes observed tags', () => {
    const library = libraryWith(photo, tag);
    expect(keywordsOf(assetOf(library, id))).toEqual(['beach']);
    applyOp(library, removeKeywordOp({ asset: photo, keyword: 'beach', tags: [tag.opId] }));
    expect(keywordsOf(assetOf(library, id))).toEqual([]);
  });

  it('lets an add win over a concurrent remove, in both orders', () => {
    const readd = addKeywordOp({ device: LAPTOP, asset: photo, keyword: 'beach' });
    const remove = removeKeywordOp({
      device: PHONE,
      asset: photo,
      keyword: 'beach',
      tags: [tag.opId],
    });
    const one = libraryWith(photo, tag, readd, remove);
    const two = libraryWith(photo, tag, remove, readd);
    for (const library of [one, two]) {
      expect(keywordsOf(assetOf(library, id))).toEqual(['beach']);
      expect(orSetTags(assetOf(library, id).keywords, 'beach')).toEqual([readd.opId]);
    }
    expect(orderFreeState(one)).toBe(orderFreeState(two));
  });
});
