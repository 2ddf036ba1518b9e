import { createHash } from 'node:crypto';
import {
  asOpId,
  checkLibraryPath,
  joinPath,
  splitPath,
  type Album,
  type Asset,
  type DeviceId,
  type Op,
  type UserId,
} from '@keepsake/core';

/**
 * A folder name from an album name: no "/" or control characters, never "." or "..", and cut
 * at 100 characters, not UTF-16 units (a cut through an emoji leaves a path no disk can name).
 */
const folderName = (name: string): string => {
  const cleaned = Array.from(name.replace(/[/\\\u0000-\u001f\u007f]/g, '_').trim())
    .slice(0, 100)
    .join('');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'Album' : cleaned;
};

/**
 * What a contributor's "add my photo to your shared album" becomes in the owner's library: an
 * import of the same bytes (same asset id, so adding it twice or importing it later is still
 * one asset) placed under `Shared/<album>/`, and its addition to the album. The op ids derive
 * from who added what where, so a retry is a duplicate, not a second photo.
 */
export function contributionOps(
  contributor: { readonly user: UserId; readonly device: DeviceId },
  album: Album,
  asset: Asset,
  knownSeq: number,
  nowMs: number,
): Op[] | undefined {
  const version = asset.versions[0];
  const firstPath = [...asset.paths.keys()].sort()[0];
  if (!version || asset.lifecycle.state !== 'live') return undefined;
  const { base, ext } = splitPath(
    firstPath ?? `${asset.id.slice(0, 12)}.${version.resources.original.ext}`,
  );
  const placed = checkLibraryPath(
    joinPath({ dir: `Shared/${folderName(album.name.value)}/`, base, ext }),
  );
  const path = placed.ok
    ? placed.path
    : joinPath({ dir: `Shared/${album.id}/`, base: asset.id.slice(0, 12), ext });
  const key = createHash('sha256')
    .update(`${contributor.user}\n${album.id}\n${asset.id}`)
    .digest('hex')
    .slice(0, 40);
  const stamp = {
    device: contributor.device,
    hlc: { ms: nowMs, counter: 0, node: contributor.device },
    knownSeq,
  };
  return [
    {
      ...stamp,
      opId: asOpId(`contrib-${key}-i`),
      payload: {
        kind: 'import',
        assetId: asset.id,
        resources: version.resources,
        meta: version.meta,
        path,
      },
    },
    {
      ...stamp,
      opId: asOpId(`contrib-${key}-a`),
      payload: { kind: 'addToAlbum', albumId: album.id, assetId: asset.id },
    },
  ];
}

/** Every blob (with its size) the contribution needs the owner's library to hold. */
export const contributedBlobs = (asset: Asset) =>
  asset.versions
    .slice(0, 1)
    .flatMap((v) =>
      Object.values(v.resources).flatMap((r) => (r ? [{ hash: r.hash, size: r.size }] : [])),
    );
