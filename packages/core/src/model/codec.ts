import type { Album, Asset, AssetFields, Lifecycle, Lww, ShareRole, Version } from './asset.js';
import type { AlbumId, AssetId, OpId, UserId, VersionId } from './ids.js';
import type { OrSet } from './or-set.js';

// Assets and albums as JSON text, for stores that keep each in a row. Maps and Sets become
// arrays of pairs. Decoding trusts its input: only these encoders write it.

type EncodedOrSet = [string, [OpId, number][]][];

interface EncodedAsset {
  readonly id: AssetId;
  readonly versions: Version[];
  readonly superseded: VersionId[];
  readonly fields: AssetFields;
  readonly paths: EncodedOrSet;
  readonly keywords: EncodedOrSet;
  readonly lifecycle: Lifecycle;
}

interface EncodedAlbum {
  readonly id: AlbumId;
  readonly owner: UserId;
  readonly name: Lww<string>;
  readonly members: EncodedOrSet;
  readonly shares: [UserId, Lww<ShareRole | null>][];
}

const encodeOrSet = (set: OrSet): EncodedOrSet =>
  [...set].map(([element, tags]) => [element, [...tags]]);

const decodeOrSet = (encoded: EncodedOrSet): OrSet =>
  new Map(encoded.map(([element, tags]) => [element, new Map(tags)]));

export function encodeAsset(asset: Asset): string {
  const encoded: EncodedAsset = {
    id: asset.id,
    versions: asset.versions,
    superseded: [...asset.superseded],
    fields: asset.fields,
    paths: encodeOrSet(asset.paths),
    keywords: encodeOrSet(asset.keywords),
    lifecycle: asset.lifecycle,
  };
  return JSON.stringify(encoded);
}

export function decodeAsset(text: string): Asset {
  const encoded = JSON.parse(text) as EncodedAsset;
  return {
    id: encoded.id,
    versions: encoded.versions,
    superseded: new Set(encoded.superseded),
    fields: encoded.fields,
    paths: decodeOrSet(encoded.paths),
    keywords: decodeOrSet(encoded.keywords),
    lifecycle: encoded.lifecycle,
  };
}

export function encodeAlbum(album: Album): string {
  const encoded: EncodedAlbum = {
    id: album.id,
    owner: album.owner,
    name: album.name,
    members: encodeOrSet(album.members),
    shares: [...album.shares],
  };
  return JSON.stringify(encoded);
}

export function decodeAlbum(text: string): Album {
  const encoded = JSON.parse(text) as EncodedAlbum;
  return {
    id: encoded.id,
    owner: encoded.owner,
    name: encoded.name,
    members: decodeOrSet(encoded.members),
    shares: new Map(encoded.shares),
  };
}
