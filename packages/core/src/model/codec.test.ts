import { describe, expect, it } from 'vitest';
import { applyOp } from '../merge/apply-op.js';
import { albumState, assetOf, libraryWith } from '../test-support/library-fixture.js';
import {
  ALICE,
  LAPTOP,
  PHONE,
  addKeywordOp,
  addToAlbumOp,
  albumId,
  createAlbumOp,
  editOp,
  importOp,
  setFieldOp,
  shareAlbumOp,
  trashOp,
  userId,
  vid,
} from '../test-support/op-builders.js';
import { canonicalAssetState } from './asset-state.js';
import { decodeAlbum, decodeAsset, encodeAlbum, encodeAsset } from './codec.js';

const photo = importOp({ device: PHONE, path: '2026/IMG_0001.HEIC', bytes: 'photo' });
const other = importOp({ device: LAPTOP, path: '2026/IMG_0002.HEIC', bytes: 'other' });
const album = albumId('trip');
const ops = [
  photo,
  other,
  // Two concurrent edits leave siblings; a trash names what it saw.
  editOp({ device: PHONE, asset: photo, render: 'phone-edit', context: [vid(photo)] }),
  editOp({ device: LAPTOP, asset: photo, render: 'laptop-edit', context: [vid(photo)] }),
  setFieldOp({ device: PHONE, asset: photo, field: 'caption', value: 'harbour' }),
  addKeywordOp({ device: PHONE, asset: photo, keyword: 'sea' }),
  trashOp({ device: LAPTOP, asset: other, context: [vid(other)] }),
  createAlbumOp({ device: PHONE, album, owner: ALICE, name: 'Trip' }),
  addToAlbumOp({ device: PHONE, asset: photo, album }),
  shareAlbumOp({ device: PHONE, album, user: userId('bob'), role: 'viewer' }),
];

describe('asset and album codec', () => {
  const library = libraryWith(...ops);

  it('round-trips every asset to the same canonical state', () => {
    expect(library.assets.size).toBe(2);
    for (const asset of library.assets.values()) {
      expect(canonicalAssetState(decodeAsset(encodeAsset(asset)))).toBe(canonicalAssetState(asset));
    }
  });

  it('round-trips an album with members and shares', () => {
    for (const a of library.albums.values()) {
      expect(albumState(decodeAlbum(encodeAlbum(a)))).toBe(albumState(a));
    }
  });

  it('decodes into live structures the rules keep working on', () => {
    const copy = libraryWith(...ops);
    for (const [id, asset] of copy.assets) copy.assets.set(id, decodeAsset(encodeAsset(asset)));
    const next = addKeywordOp({ device: LAPTOP, asset: photo, keyword: 'boat' });
    applyOp(library, next);
    applyOp(copy, next);
    const id = photo.payload.assetId;
    expect(canonicalAssetState(assetOf(copy, id))).toBe(canonicalAssetState(assetOf(library, id)));
    expect(assetOf(copy, id).keywords.has('boat')).toBe(true);
  });
});
