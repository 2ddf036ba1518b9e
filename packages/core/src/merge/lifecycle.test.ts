import { describe, expect, it } from 'vitest';
import { canonicalAssetState } from '../model/asset-state.js';
import { headSeq } from '../model/library.js';
import {
  albumOf,
  assetOf,
  libraryWith,
  orderFreeState,
  pathsOf,
  versionIds,
} from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  TABLET,
  addKeywordOp,
  addToAlbumOp,
  albumId,
  createAlbumOp,
  editOp,
  importOp,
  placeOp,
  purgeOp,
  restoreOp,
  setFieldOp,
  trashOp,
  vid,
} from '../test-support/op-builders.js';
import { applyOp } from './apply-op.js';

const photo = importOp({ device: PHONE, path: '2026/04/IMG_0042.HEIC', bytes: 'still 42' });
const id = photo.payload.assetId;
const v0 = vid(photo);

describe('trash', () => {
  it('moves the asset to the trash and keeps its content', () => {
    const library = libraryWith(photo);
    const trash = trashOp({ device: LAPTOP, asset: photo, context: [v0], hlc: 5_000 });

    expect(applyOp(library, trash)).toEqual({ status: 'applied', seq: 2 });

    const asset = assetOf(library, id);
    expect(asset.lifecycle).toEqual({ state: 'trashed', seq: 2, by: LAPTOP, hlc: trash.hlc });
    expect(versionIds(asset)).toEqual([v0]);
    expect(pathsOf(asset)).toEqual(['2026/04/IMG_0042.HEIC']);
  });

  it('says so when the asset is already in the trash', () => {
    const library = libraryWith(photo, trashOp({ asset: photo, context: [v0] }));
    const again = applyOp(library, trashOp({ device: TABLET, asset: photo, context: [v0] }));
    expect(again).toEqual({ status: 'applied', note: 'already in the trash', seq: 3 });
    expect(assetOf(library, id).lifecycle).toMatchObject({ state: 'trashed', seq: 2 });
  });

  describe('concurrent with an edit: the edit wins', () => {
    const trash = trashOp({ device: LAPTOP, asset: photo, context: [v0] });
    const edit = editOp({ device: PHONE, asset: photo, render: 'offline edit', context: [v0] });

    it('rejects the trash when the edit arrived first', () => {
      const library = libraryWith(photo, edit);
      const reply = applyOp(library, trash);
      expect(reply).toMatchObject({ status: 'rejected', reason: 'concurrent-edit', seq: 3 });
      if (reply.status !== 'rejected') throw new Error('unreachable');
      expect(reply.message).toContain(vid(edit));
      expect(assetOf(library, id).lifecycle).toEqual({ state: 'live' });
    });

    it('undoes the trash when the trash arrived first', () => {
      const library = libraryWith(photo, trash);
      const reply = applyOp(library, edit);
      expect(reply).toMatchObject({ status: 'applied', seq: 3 });
      expect(assetOf(library, id).lifecycle).toEqual({ state: 'live' });
      expect(versionIds(assetOf(library, id))).toEqual([vid(edit)]);
    });

    it('ends in the same state in both orders', () => {
      expect(orderFreeState(libraryWith(photo, trash, edit))).toBe(
        orderFreeState(libraryWith(photo, edit, trash)),
      );
    });
  });
});

describe('restore', () => {
  it('brings back everything under the same id', () => {
    const album = albumId('holiday');
    const library = libraryWith(
      photo,
      placeOp({ asset: photo, path: 'Best of/IMG_0042.HEIC' }),
      addKeywordOp({ asset: photo, keyword: 'beach' }),
      setFieldOp({ asset: photo, field: 'caption', value: 'sunset' }),
      createAlbumOp({ album, name: 'Holiday' }),
      addToAlbumOp({ asset: photo, album }),
    );
    const before = canonicalAssetState(assetOf(library, id));
    const trashSeq = headSeq(library) + 1;
    applyOp(library, trashOp({ device: LAPTOP, asset: photo, context: [v0] }));
    expect(assetOf(library, id).lifecycle).toMatchObject({ state: 'trashed', seq: trashSeq });

    const reply = applyOp(library, restoreOp({ device: LAPTOP, asset: photo }));

    expect(reply).toEqual({ status: 'applied', seq: trashSeq + 1 });
    expect(canonicalAssetState(assetOf(library, id))).toBe(before);
    expect([...albumOf(library, album).members.keys()]).toEqual([id]);
  });

  it('leaves a live asset alone and says so', () => {
    const library = libraryWith(photo);
    expect(applyOp(library, restoreOp({ asset: photo }))).toEqual({
      status: 'applied',
      note: 'not in the trash',
      seq: 2,
    });
  });
});

describe('purge', () => {
  /** Imported at seq 1, trashed at 2, purged at 3 by the laptop. */
  const purged = () =>
    libraryWith(
      photo,
      trashOp({ device: LAPTOP, asset: photo, context: [v0] }),
      purgeOp({ device: LAPTOP, asset: photo, context: [v0] }),
    );

  it('frees the content and leaves a tombstone for the id', () => {
    const library = purged();
    const asset = assetOf(library, id);
    expect(library.log.entries[2]?.outcome).toEqual({ status: 'applied' });
    expect(asset.lifecycle).toMatchObject({ state: 'purged', seq: 3, by: LAPTOP });
    expect(asset.versions).toEqual([]);
    expect(pathsOf(asset)).toEqual([]);
    expect(asset.superseded.has(v0)).toBe(true);
  });

  it('answers later ops on the tombstone with when and by whom', () => {
    const library = purged();
    const reply = applyOp(library, setFieldOp({ asset: photo, field: 'favorite', value: true }));
    expect(reply).toMatchObject({ status: 'rejected', reason: 'purged', seq: 4 });
    if (reply.status !== 'rejected') throw new Error('unreachable');
    expect(reply.message).toContain('seq 3');
    expect(reply.message).toContain(LAPTOP);
    expect(assetOf(library, id).fields.favorite?.value).toBe(false);
  });

  it('takes its favourite and caption with it: a deliberate re-import starts afresh', () => {
    const favorite = setFieldOp({ asset: photo, field: 'favorite', value: true, hlc: 2_000 });
    const caption = setFieldOp({ asset: photo, field: 'caption', value: 'Ghost', hlc: 2_500 });
    const library = libraryWith(photo, favorite, caption);
    const purge = purgeOp({ device: LAPTOP, asset: photo, context: [v0], hlc: 9_000 });
    expect(applyOp(library, purge)).toMatchObject({ status: 'applied' });
    const again = importOp({
      device: TABLET,
      path: 'IMG_0042.HEIC',
      bytes: 'still 42',
      knownSeq: 4,
    });
    expect(applyOp(library, again)).toMatchObject({ status: 'applied' });

    const asset = assetOf(library, id);
    expect(asset.fields.favorite?.value).toBe(false);
    expect(asset.fields.caption?.value).toBe('');
    // A caption written before the purge, arriving only now, is older than the purge and loses.
    const late = setFieldOp({ asset: photo, field: 'caption', value: 'Late ghost', hlc: 8_000 });
    expect(applyOp(library, late)).toMatchObject({ status: 'applied' });
    expect(asset.fields.caption?.value).toBe('');
    // A new one, after the re-import, is kept.
    const fresh = setFieldOp({ asset: photo, field: 'caption', value: 'Again', hlc: 10_000 });
    applyOp(library, fresh);
    expect(assetOf(library, id).fields.caption?.value).toBe('Again');
  });

  it('leaves a field written later than the purge (by its clock) as last-writer-wins does', () => {
    // Logged first, but newer: the order the server logs them in must not decide.
    const caption = setFieldOp({ asset: photo, field: 'caption', value: 'Kept', hlc: 10_000 });
    const library = libraryWith(photo, caption);
    const purge = purgeOp({ device: LAPTOP, asset: photo, context: [v0], hlc: 9_000 });
    expect(applyOp(library, purge)).toMatchObject({ status: 'applied' });
    expect(assetOf(library, id).fields.caption?.value).toBe('Kept');
    expect(assetOf(library, id).fields.favorite?.value).toBe(false);
  });

  it('is idempotent in effect: a second purge is "already purged"', () => {
    const library = purged();
    const reply = applyOp(library, purgeOp({ device: PHONE, asset: photo, context: [v0] }));
    expect(reply).toEqual({ status: 'applied', note: 'already purged', seq: 4 });
    expect(assetOf(library, id).lifecycle).toMatchObject({ state: 'purged', seq: 3 });
  });

  it('never throws away an edit its sender had not seen', () => {
    const edit = editOp({ device: PHONE, asset: photo, render: 'new work', context: [v0] });
    const library = libraryWith(photo, edit);
    const reply = applyOp(library, purgeOp({ device: LAPTOP, asset: photo, context: [v0] }));
    expect(reply).toMatchObject({ status: 'rejected', reason: 'concurrent-edit' });
    expect(assetOf(library, id).lifecycle).toEqual({ state: 'live' });
    expect(versionIds(assetOf(library, id))).toEqual([vid(edit)]);
  });

  it('rejects the same bytes from a device that had not seen the purge: no resurrection', () => {
    const library = purged();
    const stale = importOp({
      device: TABLET,
      path: '2026/04/IMG_0042.HEIC',
      bytes: 'still 42',
      knownSeq: 2,
    });

    const reply = applyOp(library, stale);

    expect(reply).toMatchObject({ status: 'rejected', reason: 'purged', seq: 4 });
    if (reply.status !== 'rejected') throw new Error('unreachable');
    expect(reply.message).toContain('purged at seq 3');
    const asset = assetOf(library, id);
    expect(asset.lifecycle.state).toBe('purged');
    expect(asset.versions).toEqual([]);
    expect(pathsOf(asset)).toEqual([]);
  });

  it.each([3, 7])(
    'lets a device that had seen the purge (knownSeq %i) re-import the bytes deliberately',
    (knownSeq) => {
      const library = purged();
      const again = importOp({
        device: TABLET,
        path: 'Rescued/IMG_0042.HEIC',
        bytes: 'still 42',
        knownSeq,
      });

      const reply = applyOp(library, again);

      expect(reply).toMatchObject({ status: 'applied', seq: 4 });
      if (reply.status !== 'applied') throw new Error('unreachable');
      expect(reply.note).toMatch(/re-imported after the purge at seq 3/);
      const asset = assetOf(library, id);
      expect(asset.id).toBe(id);
      expect(asset.lifecycle).toEqual({ state: 'live' });
      expect(versionIds(asset)).toEqual([vid(again)]);
      expect(pathsOf(asset)).toEqual(['Rescued/IMG_0042.HEIC']);
    },
  );
});
