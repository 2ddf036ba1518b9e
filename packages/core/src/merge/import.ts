import { compareHlc } from '../clock/hlc.js';
import type { Asset, AssetFields, Resources, Version } from '../model/asset.js';
import { versionIdOf, type AssetId } from '../model/ids.js';
import { findAsset, type Library } from '../model/library.js';
import { joinPath, splitPath } from '../model/library-path.js';
import { orSetAdd, orSetMerge } from '../model/or-set.js';
import type { OpOf } from '../ops/op-schema.js';
import { applied, rejected, type Outcome } from '../ops/outcome.js';
import type { MergeRule } from './context.js';
import {
  findLivePartner,
  holderOfLiveHalf,
  indexForPairing,
  isVideoExt,
  pairingKeys,
  recordLiveHalf,
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

/** A placement of an asset's other half keeps its folder and name but takes the main file's extension. */
function placementFor(path: string, asset: Asset): string {
  const ext = asset.versions[0]?.resources.original.ext;
  return ext === undefined ? path : joinPath({ ...splitPath(path), ext });
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

/** Fast-forward the asset's single version to one with more resources. */
function extendVersion(asset: Asset, extra: Partial<Resources>, op: ImportOp, seq: number): void {
  const [current] = asset.versions;
  if (!current) return;
  asset.superseded.add(current.id);
  asset.versions = [
    {
      ...current,
      ...versionFrom(op, seq),
      meta: current.meta,
      resources: { ...current.resources, ...extra },
    },
  ];
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
    asset.versions = [versionFrom(op, seq)];
    orSetAdd(asset.paths, op.payload.path, op.opId, seq);
    asset.lifecycle = { state: 'live' };
    return applied(`deliberately re-imported after the purge at seq ${lifecycle.seq}`);
  }
  orSetAdd(asset.paths, placementFor(op.payload.path, asset), op.opId, seq);
  const extra = missingCompanions(asset, op.payload.resources);
  if (Object.keys(extra).length > 0) extendVersion(asset, extra, op, seq);
  const notes = ['already in the library: placement added'];
  const videoNote = extra.live ? claimVideoHalf(library, asset, seq) : undefined;
  if (videoNote) notes.push(videoNote);
  if (lifecycle.state === 'trashed') {
    if (op.knownSeq >= lifecycle.seq) {
      asset.lifecycle = { state: 'live' };
      notes.push('deliberate re-import restored it from the trash');
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
  extendVersion(still, { live: op.payload.resources.original }, op, seq);
  recordLiveHalf(library, op.payload.resources.original.hash, still.id);
  orSetAdd(still.paths, placementFor(op.payload.path, still), op.opId, seq);
  const alias = newAsset(op.payload.assetId, []);
  alias.lifecycle = { state: 'aliased', to: still.id, seq };
  library.assets.set(alias.id, alias);
  return applied(`Live Photo video paired into ${still.id}`);
}

/**
 * A still that came with its video when that video is already an asset of its own (another
 * device imported it alone): the video's asset becomes an alias of the pair. A video with an
 * edit or a sidecar stays apart and the pair gives its copy up, so the bytes live in exactly one asset.
 */
function claimVideoHalf(library: Library, still: Asset, seq: number): string | undefined {
  const [version] = still.versions;
  const live = version?.resources.live;
  if (!version || !live) return undefined;
  const holder = holderOfLiveHalf(library, live.hash);
  const video = findAsset(library, live.hash as string as AssetId);
  let note: string | undefined;
  if (holder && holder !== still) {
    note = `its video is already the Live half of ${holder.id}, which keeps it`;
  } else if (video && video !== still && video.lifecycle.state === 'live') {
    if (
      video.versions.length === 1 &&
      Object.keys(video.versions[0]?.resources ?? {}).length === 1
    ) {
      return pairStillWithVideo(library, still, video, seq);
    }
    note = `its video is the edited asset ${video.id}, which stays apart`;
  } else {
    recordLiveHalf(library, live.hash, still.id);
    return undefined;
  }
  const { live: _givenUp, ...resources } = version.resources;
  still.versions = [{ ...version, resources }];
  return note;
}

/** The still arrived after its video: the new asset takes the video, which becomes an alias. */
function pairStillWithVideo(library: Library, still: Asset, video: Asset, seq: number): string {
  const [videoVersion, stillVersion] = [video.versions[0], still.versions[0]];
  if (videoVersion && stillVersion) {
    still.versions = [
      {
        ...stillVersion,
        resources: { ...stillVersion.resources, live: videoVersion.resources.original },
      },
    ];
    recordLiveHalf(library, videoVersion.resources.original.hash, still.id);
  }
  for (const [path, tags] of video.paths) {
    for (const [tag, tagSeq] of tags) orSetAdd(still.paths, placementFor(path, still), tag, tagSeq);
  }
  orSetMerge(still.keywords, video.keywords);
  // Album members added by the video's id are the pair's now, so a remove of the pair finds them.
  for (const album of library.albums.values()) {
    const tags = album.members.get(video.id);
    if (!tags) continue;
    album.members.delete(video.id);
    for (const [tag, tagSeq] of tags) orSetAdd(album.members, still.id, tag, tagSeq);
  }
  for (const field of Object.keys(video.fields) as (keyof AssetFields)[]) {
    const theirs = video.fields[field];
    const ours = still.fields[field];
    if (theirs && (!ours || compareHlc(theirs.hlc, ours.hlc) > 0)) {
      (still.fields as Record<string, unknown>)[field] = theirs;
    }
  }
  for (const v of video.versions) video.superseded.add(v.id);
  video.versions = [];
  video.lifecycle = { state: 'aliased', to: still.id, seq };
  return `Live Photo: paired with video ${video.id}, which is now an alias of this asset`;
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
  if (existing) return importExisting(library, existing, op, seq);

  const keys = pairingKeys(meta, path);
  const partner = resources.live
    ? undefined
    : findLivePartner(library, keys, { meta, path, isVideo });
  if (partner && isVideo) return pairVideoIntoStill(library, partner, op, seq);

  const asset = newAsset(assetId, [versionFrom(op, seq)]);
  orSetAdd(asset.paths, path, op.opId, seq);
  library.assets.set(assetId, asset);
  indexForPairing(library, assetId, keys);
  return applied(
    partner
      ? pairStillWithVideo(library, asset, partner, seq)
      : claimVideoHalf(library, asset, seq),
  );
};
