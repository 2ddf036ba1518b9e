import { compareHlc } from '../clock/hlc.js';
import type { Asset, AssetFields, Resources } from '../model/asset.js';
import type { AssetId } from '../model/ids.js';
import { findAsset, type Library } from '../model/library.js';
import { joinPath, splitPath } from '../model/library-path.js';
import { orSetAdd, orSetMerge } from '../model/or-set.js';
import { holderOfLiveHalf, recordLiveHalf } from './live-photo.js';

// Who keeps a Live Photo's video. The bytes live in exactly one asset: the first still to take
// a video keeps it; a video that was an asset of its own folds into the still that takes it,
// unless it has an edit or a sidecar, which folding would drop.

/** A placement of an asset's other half keeps its folder and name but takes the main file's extension. */
export function placementFor(path: string, asset: Asset): string {
  const ext = asset.versions[0]?.resources.original.ext;
  return ext === undefined ? path : joinPath({ ...splitPath(path), ext });
}

const holdsOnlyItsOriginal = (asset: Asset): boolean =>
  asset.versions.length === 1 && Object.keys(asset.versions[0]?.resources ?? {}).length === 1;

/** The video's asset becomes an alias of the still's; its placements, keywords, albums and fields move over. */
function foldVideoInto(library: Library, still: Asset, video: Asset, seq: number): void {
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
}

export interface SettledLive {
  /** The resources the owner's new version keeps: without `live` if another asset has it. */
  readonly resources: Resources;
  readonly note?: string;
}

/**
 * Settles the `live` resource of a version `owner` is about to hold (an import, an edit, a
 * pairing). Call it with the owner already in the library.
 */
export function settleLiveHalf(
  library: Library,
  owner: Asset,
  resources: Resources,
  seq: number,
): SettledLive {
  const { live } = resources;
  if (!live) return { resources }; // the common case: decided without copying anything
  const { live: _taken, ...withoutLive } = resources;
  const holder = holderOfLiveHalf(library, live.hash);
  if (holder && holder !== owner) {
    return {
      resources: withoutLive,
      note: `its video is already the Live half of ${holder.id}, which keeps it`,
    };
  }
  const video = findAsset(library, live.hash as string as AssetId);
  if (video && video !== owner && video.lifecycle.state === 'live') {
    if (!holdsOnlyItsOriginal(video)) {
      return {
        resources: withoutLive,
        note: `its video is the edited asset ${video.id}, which stays apart`,
      };
    }
    foldVideoInto(library, owner, video, seq);
    recordLiveHalf(library, live.hash, owner.id);
    return {
      resources,
      note: `Live Photo: paired with video ${video.id}, which is now an alias of this asset`,
    };
  }
  recordLiveHalf(library, live.hash, owner.id);
  return { resources };
}
