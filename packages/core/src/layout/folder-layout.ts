import type { Asset, Version } from '../model/asset.js';
import type { AssetId, BlobHash, VersionId } from '../model/ids.js';
import type { MemoryLibrary } from '../model/library.js';
import { joinPath, splitPath } from '../model/library-path.js';
import { orSetFirstSeq } from '../model/or-set.js';

// What every device folder holds, as a pure function of the library: all devices that applied
// the same log plan the same files, byte for byte and name for name.

export type FileRole = 'main' | 'live' | 'raw' | 'sidecar';

export interface PlannedFile {
  readonly path: string;
  readonly assetId: AssetId;
  readonly versionId: VersionId;
  readonly role: FileRole;
  readonly hash: BlobHash;
  /** The asset placement this file renders (the path before any collision suffix). */
  readonly placement: string;
  /** A sibling of an unresolved conflict, written beside the main file. */
  readonly conflictCopy: boolean;
}

interface Claim {
  readonly asset: Asset;
  readonly path: string;
  readonly firstSeq: number;
}

const nameKey = (dir: string, base: string): string => `${dir}${base}`.toLowerCase();

/**
 * Two assets that want the same name (same folder and base name, any case): the one placed
 * there first keeps it; the others take a suffix from their id, `IMG_0001~3f9a.HEIC`,
 * lengthened until it is free.
 */
function assignBases(claims: Claim[]): Map<Claim, string> {
  claims.sort(
    (a, b) =>
      a.firstSeq - b.firstSeq ||
      (a.asset.id < b.asset.id ? -1 : a.asset.id > b.asset.id ? 1 : 0) ||
      (a.path < b.path ? -1 : 1),
  );
  const taken = new Set<string>();
  const owner = new Map<string, AssetId>();
  const bases = new Map<Claim, string>();
  for (const claim of claims) {
    const { dir, base } = splitPath(claim.path);
    const key = nameKey(dir, base);
    if (owner.get(key) === claim.asset.id) continue; // the same asset twice under one name
    let chosen = base;
    for (let len = 4; taken.has(nameKey(dir, chosen)); len += 2)
      chosen = `${base}~${claim.asset.id.slice(0, len)}`;
    taken.add(nameKey(dir, chosen));
    owner.set(key, claim.asset.id);
    bases.set(claim, chosen);
  }
  return bases;
}

function* filesOfVersion(
  assetId: AssetId,
  placement: string,
  version: Version,
  dir: string,
  base: string,
  mainExt: string,
  conflictCopy: boolean,
): Generator<PlannedFile> {
  const { resources } = version;
  const main = resources.render ?? resources.original;
  const common = { assetId, placement, versionId: version.id, conflictCopy };
  // joinPath, not `${base}.${ext}`: a placement without an extension must not gain a trailing dot.
  yield { ...common, path: joinPath({ dir, base, ext: mainExt }), role: 'main', hash: main.hash };
  for (const role of ['live', 'raw', 'sidecar'] as const) {
    const resource = resources[role];
    if (resource)
      yield { ...common, path: `${dir}${base}.${resource.ext}`, role, hash: resource.hash };
  }
}

export function planFolder(library: MemoryLibrary): Map<string, PlannedFile> {
  return planFiles(library.assets.values());
}

/**
 * The files these assets put in a device folder. Names collide only within one group (folder
 * plus case-folded base name, see `groupKey`), so a device can plan one group at a time from
 * the assets placed in it, and get the files the whole library's plan has there.
 */
export function planFiles(assets: Iterable<Asset>): Map<string, PlannedFile> {
  const claims: Claim[] = [];
  for (const asset of assets) {
    if (asset.lifecycle.state !== 'live') continue;
    for (const path of asset.paths.keys()) {
      claims.push({ asset, path, firstSeq: orSetFirstSeq(asset.paths, path) });
    }
  }
  const files = new Map<string, PlannedFile>();
  for (const [claim, base] of assignBases(claims)) {
    const { dir, ext } = splitPath(claim.path);
    const versions = [...claim.asset.versions].sort((a, b) => a.seq - b.seq);
    versions.forEach((version, i) => {
      const main = version.resources.render ?? version.resources.original;
      const name = i === 0 ? base : `${base}~conflict-${main.hash.slice(0, 8)}`;
      for (const file of filesOfVersion(
        claim.asset.id,
        claim.path,
        version,
        dir,
        name,
        ext,
        i > 0,
      )) {
        files.set(file.path, file);
      }
    });
  }
  return files;
}
