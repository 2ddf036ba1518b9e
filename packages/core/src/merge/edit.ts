import { versionIdOf } from '../model/ids.js';
import type { MediaMeta, Version } from '../model/asset.js';
import { applied, rejected } from '../ops/outcome.js';
import type { MergeRule } from './context.js';
import { settleLiveHalf } from './live-half.js';
import { findTarget, isOutcome } from './targets.js';

/**
 * An edit replaces exactly the versions it was based on (its context). Versions it had not
 * seen stay beside it as siblings: that is a conflict, recorded as `merged`. Causality is the
 * context, never a clock, so a device's own offline edits chain and never conflict.
 * An edit of a trashed asset restores it: new work is never thrown away.
 */
export const mergeEdit: MergeRule<'edit'> = ({ library, op, seq }) => {
  const asset = findTarget(library, op.payload.assetId);
  if (isOutcome(asset)) return asset;
  const { resources, meta, context } = op.payload;
  const original = asset.versions[0]?.resources.original.hash ?? asset.id;
  if (resources.original.hash !== original) {
    return rejected(
      'original-changed',
      `an edit must keep the original ${original}; put the new bytes in the render`,
    );
  }
  const id = versionIdOf(op.opId);
  // Contexts name a version or two: a linear scan beats building a Set on this hot path.
  const unseen = asset.versions.filter((v) => !context.includes(v.id));
  for (const seen of context) asset.superseded.add(seen);
  // Arriving after an edit that was based on it (a chain delivered out of order): it only
  // retires what it was based on, and never comes back beside its own successor.
  if (asset.superseded.has(id) && unseen.length > 0) {
    asset.versions = unseen;
    return applied('already replaced by a later edit that had seen it');
  }
  // A video that is another asset's Live half stays there: bytes live in one asset only.
  const settled = settleLiveHalf(library, asset, resources, seq);
  const version: Version = {
    id,
    resources: settled.resources,
    meta: withCaptureTime(meta, asset.versions),
    device: op.device,
    seq,
  };
  asset.versions = [...unseen, version];
  const notes: string[] = [];
  if (settled.note) notes.push(settled.note);
  if (asset.lifecycle.state === 'trashed') {
    asset.lifecycle = { state: 'live' };
    notes.push('restored from trash: an edit wins over a concurrent trash');
  }
  if (unseen.length === 0) return applied(notes.length > 0 ? notes.join('; ') : undefined);
  const conflict = `conflict: this edit had not seen ${unseen.map((v) => v.id).join(', ')}; both kept as siblings`;
  return {
    status: 'merged',
    note: [conflict, ...notes].join('; '),
    siblings: asset.versions.map((v) => v.id),
  };
};

/**
 * A render saved without its EXIF (many editors drop it) shows the same moment the photo was
 * taken: the version keeps the capture time of the content it joins. The asset's place in the
 * timeline is then a function of its state alone, never of the order ops were read in.
 */
function withCaptureTime(meta: MediaMeta, current: readonly Version[]): MediaMeta {
  if (meta.takenAt !== undefined) return meta;
  const takenAt = current.find((v) => v.meta.takenAt !== undefined)?.meta.takenAt;
  return takenAt === undefined ? meta : { ...meta, takenAt };
}

/** A resolve that has seen the siblings keeps the chosen ones and retires the rest. */
export const mergeResolve: MergeRule<'resolve'> = ({ library, op }) => {
  const asset = findTarget(library, op.payload.assetId);
  if (isOutcome(asset)) return asset;
  const context = new Set(op.payload.context);
  const keep = new Set(op.payload.keep);
  const missing = op.payload.keep.filter((id) => !asset.versions.some((v) => v.id === id));
  if (missing.length > 0) {
    return rejected(
      'stale',
      `versions ${missing.join(', ')} are not current siblings of ${asset.id}`,
    );
  }
  asset.versions = asset.versions.filter((v) => keep.has(v.id) || !context.has(v.id));
  for (const id of context) if (!keep.has(id)) asset.superseded.add(id);
  return asset.versions.length > 1
    ? applied(`${asset.versions.length} siblings remain: some were not seen by this resolve`)
    : applied();
};
