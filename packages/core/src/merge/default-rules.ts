import type { MergeRules } from './context.js';
import {
  mergeAddToAlbum,
  mergeCreateAlbum,
  mergeRemoveFromAlbum,
  mergeRenameAlbum,
  mergeShareAlbum,
} from './albums.js';
import { mergeEdit, mergeResolve } from './edit.js';
import { mergeSetField } from './fields.js';
import { mergeImport } from './import.js';
import { mergePurge, mergeRestore, mergeTrash } from './lifecycle.js';
import { mergeAddKeyword, mergeMove, mergePlace, mergeRemoveKeyword } from './placements.js';

/** DESIGN §3, one rule per op kind. */
export const defaultRules: MergeRules = {
  import: mergeImport,
  edit: mergeEdit,
  resolve: mergeResolve,
  trash: mergeTrash,
  restore: mergeRestore,
  purge: mergePurge,
  place: mergePlace,
  move: mergeMove,
  setField: mergeSetField,
  addKeyword: mergeAddKeyword,
  removeKeyword: mergeRemoveKeyword,
  createAlbum: mergeCreateAlbum,
  renameAlbum: mergeRenameAlbum,
  addToAlbum: mergeAddToAlbum,
  removeFromAlbum: mergeRemoveFromAlbum,
  shareAlbum: mergeShareAlbum,
  // The primary original's hash: the still of a Live Photo, the JPEG/HEIC of a RAW pair.
  assetIdFor: (resources) =>
    resources.original.hash as string as ReturnType<MergeRules['assetIdFor']>,
  // Idempotence is by opId alone: a retry with a newer clock is still the same op.
  findDuplicate: (library, op) => library.log.seqOf(op.opId),
};
