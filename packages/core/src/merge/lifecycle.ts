import { compareHlc } from '../clock/hlc.js';
import type { AssetFields, FieldName, Lww } from '../model/asset.js';
import { applied, rejected } from '../ops/outcome.js';
import type { MergeRule } from './context.js';
import { findTarget, isOutcome, unseenVersions } from './targets.js';

/** Trash takes effect only over versions its sender saw: an unseen edit wins. */
export const mergeTrash: MergeRule<'trash'> = ({ library, op, seq }) => {
  const asset = findTarget(library, op.payload.assetId);
  if (isOutcome(asset)) return asset;
  if (asset.lifecycle.state === 'trashed') return applied('already in the trash');
  const unseen = unseenVersions(asset, op.payload.context);
  if (unseen.length > 0) {
    return rejected(
      'concurrent-edit',
      `not trashed: versions ${unseen.join(', ')} were made after this device last saw the asset`,
    );
  }
  asset.lifecycle = { state: 'trashed', seq, by: op.device, hlc: op.hlc };
  return applied();
};

/** Back with everything it had, under the same id. */
export const mergeRestore: MergeRule<'restore'> = ({ library, op }) => {
  const asset = findTarget(library, op.payload.assetId);
  if (isOutcome(asset)) return asset;
  if (asset.lifecycle.state !== 'trashed') return applied('not in the trash');
  asset.lifecycle = { state: 'live' };
  return applied();
};

/**
 * Purge frees the content and leaves a tombstone for good, so a device that missed it cannot
 * bring the asset back. Like trash, it never throws away a version its sender had not seen.
 */
export const mergePurge: MergeRule<'purge'> = ({ library, op, seq }) => {
  const asset = findTarget(library, op.payload.assetId);
  if (isOutcome(asset)) {
    return asset.status === 'rejected' && asset.reason === 'purged'
      ? applied('already purged')
      : asset;
  }
  const unseen = unseenVersions(asset, op.payload.context);
  if (unseen.length > 0) {
    return rejected(
      'concurrent-edit',
      `not purged: versions ${unseen.join(', ')} were made after this device last saw the asset`,
    );
  }
  for (const v of asset.versions) asset.superseded.add(v.id);
  asset.versions = [];
  asset.paths.clear();
  asset.keywords.clear();
  // The photo's favourite, caption and the rest go with it, as of the purge: a deliberate
  // re-import starts afresh, and a write older than the purge that arrives after it loses. A
  // write newer than the purge (by HLC) stands, as any last-writer-wins field's would.
  const fields = asset.fields as Partial<Record<FieldName, Lww<unknown>>>;
  for (const [field, cleared] of Object.entries(CLEARED_FIELDS) as [FieldName, unknown][]) {
    const current = fields[field];
    if (current && compareHlc(current.hlc, op.hlc) >= 0) continue;
    fields[field] = { value: cleared, hlc: op.hlc, opId: op.opId };
  }
  asset.lifecycle = { state: 'purged', seq, by: op.device, hlc: op.hlc };
  return applied();
};

/** Each field's value when nobody has set it. */
const CLEARED_FIELDS: { readonly [F in FieldName]-?: NonNullable<AssetFields[F]>['value'] } = {
  favorite: false,
  hidden: false,
  caption: '',
  takenAtOverride: null,
};
