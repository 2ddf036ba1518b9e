import type { Album } from '../model/asset.js';
import type { AlbumId } from '../model/ids.js';
import { resolveAssetId, type Library } from '../model/library.js';
import { orSetAdd, orSetRemove } from '../model/or-set.js';
import { applied, rejected, type Outcome } from '../ops/outcome.js';
import type { MergeRule } from './context.js';
import { lostToNote, lwwWrite } from './fields.js';
import { findTarget, isOutcome } from './targets.js';

function findAlbum(library: Library, id: AlbumId): Album | Outcome {
  return library.albums.get(id) ?? rejected('unknown-target', `no album ${id} in this library`);
}

export const mergeCreateAlbum: MergeRule<'createAlbum'> = ({ library, op }) => {
  const { albumId, owner, name } = op.payload;
  if (library.albums.has(albumId)) return applied('album already exists');
  library.albums.set(albumId, {
    id: albumId,
    owner,
    name: { value: name, hlc: op.hlc, opId: op.opId },
    members: new Map(),
    shares: new Map(),
  });
  return applied();
};

export const mergeRenameAlbum: MergeRule<'renameAlbum'> = ({ library, op }) => {
  const album = findAlbum(library, op.payload.albumId);
  if ('status' in album) return album;
  const next = lwwWrite(album.name, op.payload.name, op);
  if (!next) return applied(lostToNote(album.name));
  album.name = next;
  return applied();
};

/** Membership is an add-wins set of asset ids: an add concurrent with a remove stays. */
export const mergeAddToAlbum: MergeRule<'addToAlbum'> = ({ library, op, seq }) => {
  const album = findAlbum(library, op.payload.albumId);
  if ('status' in album) return album;
  const target = findTarget(library, op.payload.assetId);
  if (isOutcome(target)) return target;
  orSetAdd(album.members, target.id, op.opId, seq);
  return applied();
};

export const mergeRemoveFromAlbum: MergeRule<'removeFromAlbum'> = ({ library, op }) => {
  const album = findAlbum(library, op.payload.albumId);
  if ('status' in album) return album;
  orSetRemove(album.members, resolveAssetId(library, op.payload.assetId), op.payload.tags);
  return applied();
};

export const mergeShareAlbum: MergeRule<'shareAlbum'> = ({ library, op }) => {
  const album = findAlbum(library, op.payload.albumId);
  if ('status' in album) return album;
  const current = album.shares.get(op.payload.user);
  const next = lwwWrite(current, op.payload.role, op);
  if (!next) return current ? applied(lostToNote(current)) : rejected('stale', 'share lost');
  album.shares.set(op.payload.user, next);
  return applied();
};
