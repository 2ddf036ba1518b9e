import { orSetAdd, orSetRemove } from '../model/or-set.js';
import { applied, rejected } from '../ops/outcome.js';
import type { MergeRule } from './context.js';
import { findTarget, isOutcome, unseenVersions } from './targets.js';

/** The same bytes placed in a second folder: one asset, one more placement. */
export const mergePlace: MergeRule<'place'> = ({ library, op, seq }) => {
  const target = findTarget(library, op.payload.assetId);
  if (isOutcome(target)) return target;
  orSetAdd(target.paths, op.payload.path, op.opId, seq);
  return applied();
};

/**
 * A move takes away the placement tags its sender saw and adds the new path; two concurrent
 * moves of one file therefore leave both new placements (nothing lost, visible). Removing the
 * last placement (the user deleted the last file) puts the asset in the trash, with its
 * placement kept so a restore brings the file back where it was; like any trash, only over
 * versions the sender had seen.
 */
export const mergeMove: MergeRule<'move'> = ({ library, op, seq }) => {
  const target = findTarget(library, op.payload.assetId);
  if (isOutcome(target)) return target;
  const { paths } = target;
  const { from, fromTags, to, context } = op.payload;
  if (to === null) {
    const remaining = [...paths.keys()].filter((p) => p !== from).length;
    const survivingTags = [...(paths.get(from)?.keys() ?? [])].filter((t) => !fromTags.includes(t));
    if (remaining === 0 && survivingTags.length === 0) {
      if (target.lifecycle.state === 'trashed') return applied('already in the trash');
      const unseen = unseenVersions(target, context);
      if (unseen.length > 0) {
        return rejected(
          'concurrent-edit',
          `not trashed: versions ${unseen.join(', ')} were made after this device last saw the asset`,
        );
      }
      target.lifecycle = { state: 'trashed', seq, by: op.device, hlc: op.hlc };
      return applied('its last file was deleted: moved to the trash');
    }
  }
  orSetRemove(paths, from, fromTags);
  if (to !== null) orSetAdd(paths, to, op.opId, seq);
  return applied();
};

export const mergeAddKeyword: MergeRule<'addKeyword'> = ({ library, op, seq }) => {
  const target = findTarget(library, op.payload.assetId);
  if (isOutcome(target)) return target;
  orSetAdd(target.keywords, op.payload.keyword, op.opId, seq);
  return applied();
};

export const mergeRemoveKeyword: MergeRule<'removeKeyword'> = ({ library, op }) => {
  const target = findTarget(library, op.payload.assetId);
  if (isOutcome(target)) return target;
  orSetRemove(target.keywords, op.payload.keyword, op.payload.tags);
  return applied();
};
