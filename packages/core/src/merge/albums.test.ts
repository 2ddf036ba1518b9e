import { describe, expect, it } from 'vitest';
import { orSetTags } from '../model/or-set.js';
import { resolveAssetId } from '../model/library.js';
import { albumOf, albumState, libraryWith } from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  addToAlbumOp,
  albumId,
  assetIdOf,
  createAlbumOp,
  importOp,
  removeFromAlbumOp,
  renameAlbumOp,
  shareAlbumOp,
  userId,
} from '../test-support/op-builders.js';
import { applyOp } from './apply-op.js';

const album = albumId('holiday');
const photo = importOp({ device: PHONE, path: 'IMG_0001.HEIC', bytes: 'photo 1' });
const id = photo.payload.assetId;
const create = createAlbumOp({ device: PHONE, album, name: 'Holiday', hlc: 1_000 });
const add = addToAlbumOp({ device: PHONE, asset: photo, album });
const members = (library: ReturnType<typeof libraryWith>) => [
  ...albumOf(library, album).members.keys(),
];

describe('albums', () => {
  it('creates an album once', () => {
    const library = libraryWith(create);
    const a = albumOf(library, album);
    expect(a.name).toEqual({ value: 'Holiday', hlc: create.hlc, opId: create.opId });
    expect(a.members.size).toBe(0);
    const again = applyOp(library, createAlbumOp({ album, name: 'Other' }));
    expect(again).toEqual({ status: 'applied', note: 'album already exists', seq: 2 });
    expect(albumOf(library, album).name.value).toBe('Holiday');
  });

  it('adds and removes an observed member', () => {
    const library = libraryWith(photo, create, add);
    expect(members(library)).toEqual([id]);
    const reply = applyOp(library, removeFromAlbumOp({ asset: photo, album, tags: [add.opId] }));
    expect(reply).toEqual({ status: 'applied', seq: 4 });
    expect(members(library)).toEqual([]);
  });

  describe('an add concurrent with a remove of the same asset: the add wins', () => {
    const readd = addToAlbumOp({ device: LAPTOP, asset: photo, album });
    const remove = removeFromAlbumOp({ device: PHONE, asset: photo, album, tags: [add.opId] });

    it.each([
      ['add first', [readd, remove]],
      ['remove first', [remove, readd]],
    ])('%s', (_name, ops) => {
      const library = libraryWith(photo, create, add, ...ops);
      expect(members(library)).toEqual([id]);
      expect(orSetTags(albumOf(library, album).members, id)).toEqual([readd.opId]);
    });

    it('the same in both orders', () => {
      const one = albumOf(libraryWith(photo, create, add, readd, remove), album);
      const two = albumOf(libraryWith(photo, create, add, remove, readd), album);
      expect([...one.members.keys()]).toEqual([...two.members.keys()]);
      expect(orSetTags(one.members, id)).toEqual(orSetTags(two.members, id));
    });
  });

  it('rejects adding an asset the library does not have, or to an album it does not have', () => {
    const library = libraryWith(photo, create);
    expect(applyOp(library, addToAlbumOp({ asset: assetIdOf('nope'), album }))).toMatchObject({
      status: 'rejected',
      reason: 'unknown-target',
    });
    expect(applyOp(library, addToAlbumOp({ asset: photo, album: albumId('nope') }))).toMatchObject({
      status: 'rejected',
      reason: 'unknown-target',
    });
    expect(members(library)).toEqual([]);
  });

  describe('rename', () => {
    const newer = renameAlbumOp({ device: LAPTOP, album, name: 'Summer 2026', hlc: 3_000 });
    const older = renameAlbumOp({ device: PHONE, album, name: 'Beach', hlc: 2_000 });

    it.each([
      ['newer first', [newer, older]],
      ['older first', [older, newer]],
    ])('is last-writer-wins by HLC (%s)', (_name, ops) => {
      const library = libraryWith(create, ...ops);
      expect(albumOf(library, album).name).toEqual({
        value: 'Summer 2026',
        hlc: newer.hlc,
        opId: newer.opId,
      });
    });

    it('tells the loser it lost', () => {
      const library = libraryWith(create, newer);
      const reply = applyOp(library, older);
      if (reply.status !== 'applied') throw new Error(`expected applied, got ${reply.status}`);
      expect(reply.note).toMatch(/lost/);
      expect(reply.note).toContain(newer.opId);
    });

    it('loses to the creation when older than it', () => {
      const library = libraryWith(create, renameAlbumOp({ album, name: 'Too old', hlc: 500 }));
      expect(albumOf(library, album).name.value).toBe('Holiday');
    });

    it('is rejected for an unknown album', () => {
      expect(applyOp(libraryWith(), renameAlbumOp({ album, name: 'x' }))).toMatchObject({
        status: 'rejected',
        reason: 'unknown-target',
      });
    });
  });

  it('shares and unshares by LWW per user', () => {
    const bob = userId('bob');
    const viewer = shareAlbumOp({ album, user: bob, role: 'viewer', hlc: 2_000 });
    const contributor = shareAlbumOp({ album, user: bob, role: 'contributor', hlc: 3_000 });
    const unshare = shareAlbumOp({ album, user: bob, role: null, hlc: 4_000 });
    const one = libraryWith(create, viewer, contributor);
    expect(albumOf(one, album).shares.get(bob)?.value).toBe('contributor');
    const two = libraryWith(create, contributor, viewer);
    expect(albumOf(two, album).shares.get(bob)?.value).toBe('contributor');
    expect(albumState(albumOf(one, album))).toBe(albumState(albumOf(two, album)));
    applyOp(one, unshare);
    expect(albumOf(one, album).shares.get(bob)?.value).toBeNull();
  });

  describe('a Live Photo added by its video id before the still arrived', () => {
    const takenAt = '2026-04-01T08:00:00.000Z';
    const video = importOp({
      device: LAPTOP,
      path: 'IMG_0007.MOV',
      bytes: 'video 7',
      meta: { takenAt },
    });
    const addVideo = addToAlbumOp({ device: LAPTOP, asset: video, album });
    const still = importOp({
      device: PHONE,
      path: 'IMG_0007.HEIC',
      bytes: 'still 7',
      meta: { takenAt },
    });
    const pairId = assetIdOf('still 7');

    it('is a member under the pair’s id once paired', () => {
      const library = libraryWith(create, video, addVideo, still);
      expect(resolveAssetId(library, video.payload.assetId)).toBe(pairId);
      expect(members(library)).toEqual([pairId]);
      expect(orSetTags(albumOf(library, album).members, pairId)).toEqual([addVideo.opId]);
    });

    it.each([
      ['the pair’s id', pairId],
      ['the video’s id', video.payload.assetId],
    ])('is removed by a remove naming %s', (_name, asset) => {
      const library = libraryWith(create, video, addVideo, still);
      applyOp(library, removeFromAlbumOp({ device: PHONE, asset, album, tags: [addVideo.opId] }));
      expect(members(library)).toEqual([]);
    });
  });
});
