import type { Asset, Resources, Version } from '../model/asset.js';
import { versionIdOf, type AssetId } from '../model/ids.js';
import { findAsset, type Library } from '../model/library.js';
import { orSetAdd } from '../model/or-set.js';
import type { OpOf } from '../ops/op-schema.js';
import { applied, rejected, type Outcome } from '../ops/outcome.js';
import type { MergeRule } from './context.js';
import { placementFor, settleLiveHalf } from './live-half.js';
import {
  findLivePartner,
  holderOfLiveHalf,
  indexForPairing,
  isVideoExt,
  pairingKeys,
} from './live-photo.js';

type ImportOp = OpOf<'import'>;

function newAsset(id: AssetId, versions: Version[]): Asset {
  return {
    id,
    versions,
    superseded: new Set(),
    fields: {},
    paths: new Map(),
    keywords: new Map(),
    lifecycle: { state: 'live' },
  };
}

function versionFrom(
  op: ImportOp,
  seq: number,
  resources: Resources = op.payload.resources,
): Version {
  return { id: versionIdOf(op.opId), resources, meta: op.payload.meta, device: op.device, seq };
}

/** Companion resources the import brings that the asset's only version lacks. */
function missingCompanions(asset: Asset, incoming: Resources): Partial<Resources> {
  const [current] = asset.versions;
  if (!current || asset.versions.length > 1) return {};
  const added: Partial<Record<keyof Resources, Resources['original']>> = {};
  for (const role of ['live', 'raw', 'sidecar'] as const) {
    const resource = incoming[role];
    if (resource && !current.resources[role]) added[role] = resource;
  }
  return added;
}

/** Makes `version` the asset's only version, settling who keeps a Live video it names. */
function takeVersion(
  library: Library,
  asset: Asset,
  version: Version,
  seq: number,
): string | undefined {
  asset.versions = [version];
  const settled = settleLiveHalf(library, asset, version.resources, seq);
  if (settled.resources !== version.resources)
    asset.versions = [{ ...version, resources: settled.resources }];
  return settled.note;
}

/** Fast-forward the asset's single version to one with more resources. */
function extendVersion(
  library: Library,
  asset: Asset,
  extra: Partial<Resources>,
  op: ImportOp,
  seq: number,
): string | undefined {
  const [current] = asset.versions;
  if (!current) return undefined;
  asset.superseded.add(current.id);
  const resources = { ...current.resources, ...extra };
  return takeVersion(
    library,
    asset,
    { ...current, id: versionIdOf(op.opId), device: op.device, seq, resources },
    seq,
  );
}

/** The same bytes imported again: never a second asset, and never a resurrection by accident. */
function importExisting(library: Library, asset: Asset, op: ImportOp, seq: number): Outcome {
  const { lifecycle } = asset;
  if (lifecycle.state === 'purged') {
    if (op.knownSeq < lifecycle.seq) {
      return rejected(
        'purged',
        `asset ${asset.id} was purged at seq ${lifecycle.seq} by device ${lifecycle.by}; ` +
          `this device had seen only up to seq ${op.knownSeq}, so its copy is not a re-import`,
      );
    }
    orSetAdd(asset.paths, op.payload.path, op.opId, seq);
    asset.lifecycle = { state: 'live' };
    const liveNote = takeVersion(library, asset, versionFrom(op, seq), seq);
    const note = `deliberately re-imported after the purge at seq ${lifecycle.seq}`;
    return applied(liveNote ? `${note}; ${liveNote}` : note);
  }
  orSetAdd(asset.paths, placementFor(op.payload.path, asset), op.opId, seq);
  const extra = missingCompanions(asset, op.payload.resources);
  const notes = ['already in the library: placement added'];
  const liveNote =
    Object.keys(extra).length > 0 ? extendVersion(library, asset, extra, op, seq) : undefined;
  if (liveNote) notes.push(liveNote);
  if (lifecycle.state === 'trashed') {
    if (op.knownSeq >= lifecycle.seq) {
      asset.lifecycle = { state: 'live' };
      notes.push('deliberate re-import restored it from the trash');
    } else if (Object.keys(extra).length > 0) {
      // It brought parts the trash never saw: new work wins, as an edit would.
      asset.lifecycle = { state: 'live' };
      notes.push('restored from the trash: it brought parts the trash had not seen');
    } else {
      notes.push(
        `stays in the trash (trashed at seq ${lifecycle.seq}, which this device had not seen)`,
      );
    }
  }
  return applied(notes.join('; '));
}

/** The video half arrived after its still: it joins the still's asset and its own id becomes an alias. */
function pairVideoIntoStill(library: Library, still: Asset, op: ImportOp, seq: number): Outcome {
  extendVersion(library, still, { live: op.payload.resources.original }, op, seq);
  orSetAdd(still.paths, placementFor(op.payload.path, still), op.opId, seq);
  const alias = newAsset(op.payload.assetId, []);
  alias.lifecycle = { state: 'aliased', to: still.id, seq };
  library.assets.set(alias.id, alias);
  return applied(`Live Photo video paired into ${still.id}`);
}

/**
 * One half of a purged Live Photo imported again, deliberately: it comes back as an asset of
 * its own under its own id, never inside the purged pair's tombstone.
 */
function reviveHalf(library: Library, purgedAt: number, op: ImportOp, seq: number): Outcome {
  const { assetId, path } = op.payload;
  const own = library.assets.get(assetId) ?? newAsset(assetId, []);
  library.assets.set(assetId, own);
  own.lifecycle = { state: 'live' };
  orSetAdd(own.paths, path, op.opId, seq);
  const liveNote = takeVersion(library, own, versionFrom(op, seq), seq);
  const note = `re-imported on its own after its Live Photo was purged at seq ${purgedAt}`;
  return applied(liveNote ? `${note}; ${liveNote}` : note);
}

export const mergeImport: MergeRule<'import'> = ({ library, op, seq, rules }) => {
  const { assetId, resources, meta, path } = op.payload;
  const derived = rules.assetIdFor(resources, path);
  if (derived !== assetId) {
    return rejected(
      'id-mismatch',
      `asset id ${assetId} does not match its content (expected ${derived})`,
    );
  }
  const isVideo = isVideoExt(resources.original.ext);
  // A video that is already some still's Live half is that asset again, not a new one.
  const existing =
    findAsset(library, assetId) ??
    (isVideo ? holderOfLiveHalf(library, resources.original.hash) : undefined);
  if (
    existing?.lifecycle.state === 'purged' &&
    existing.id !== assetId &&
    op.knownSeq >= existing.lifecycle.seq
  ) {
    return reviveHalf(library, existing.lifecycle.seq, op, seq);
  }
  if (existing) return importExisting(library, existing, op, seq);

  const keys = pairingKeys(meta, path);
  const partner = resources.live
    ? undefined
    : findLivePartner(library, keys, { meta, path, isVideo });
  if (partner && isVideo) return pairVideoIntoStill(library, partner, op, seq);

  const asset = newAsset(assetId, []);
  library.assets.set(assetId, asset);
  orSetAdd(asset.paths, path, op.opId, seq);
  indexForPairing(library, assetId, keys);
  // A still whose video arrived first takes that video as its Live half.
  const partnerVideo = partner?.versions[0]?.resources.original;
  const withPartner = partnerVideo ? { ...resources, live: partnerVideo } : resources;
  return applied(takeVersion(library, asset, versionFrom(op, seq, withPartner), seq));
};
