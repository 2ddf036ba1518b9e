import { versionIdOf } from '../model/ids.js';
import type { Resources, Version } from '../model/asset.js';
import { applied, rejected } from '../ops/outcome.js';
import type { MergeRule } from './context.js';
import { holderOfLiveHalf, recordLiveHalf } from './live-photo.js';
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
  // A video that is another asset's Live half stays there: bytes live in one asset only.
  const holder = resources.live ? holderOfLiveHalf(library, resources.live.hash) : undefined;
  const { live: _claimed, ...withoutLive } = resources;
  const kept: Resources = holder && holder !== asset ? withoutLive : resources;
  if (kept.live) recordLiveHalf(library, kept.live.hash, asset.id);
  const version: Version = {
    id: versionIdOf(op.opId),
    resources: kept,
    meta,
    device: op.device,
    seq,
  };
  // Contexts name a version or two: a linear scan beats building a Set on this hot path.
  const unseen = asset.versions.filter((v) => !context.includes(v.id));
  for (const id of context) asset.superseded.add(id);
  // Arriving after an edit that was based on it (a chain delivered out of order): it only
  // retires what it was based on, and never comes back beside its own successor.
  const late = asset.superseded.has(version.id) && unseen.length > 0;
  asset.versions = late ? unseen : [...unseen, version];
  if (late) return applied('already replaced by a later edit that had seen it');
  const restored = asset.lifecycle.state === 'trashed';
  if (restored) asset.lifecycle = { state: 'live' };
  const restoreNote = restored
    ? 'restored from trash: an edit wins over a concurrent trash'
    : undefined;
  if (unseen.length === 0) return applied(restoreNote);
  return {
    status: 'merged',
    note:
      `conflict: this edit had not seen ${unseen.map((v) => v.id).join(', ')}; both kept as siblings` +
      (restoreNote ? `; ${restoreNote}` : ''),
    siblings: asset.versions.map((v) => v.id),
  };
};

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
