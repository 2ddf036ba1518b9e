// Readable builders for ops in tests: `importOp({ device: PHONE, path: '2026/IMG_0001.HEIC',
// bytes: 'still 1' })`. Every op goes through the real wire schema, so a builder can never
// produce an op the server would refuse at its edge.
import type { Hlc } from '../clock/hlc.js';
import type { MediaMeta, Resource, Resources } from '../model/asset.js';
import { sha256Hex } from '../model/hash.js';
import {
  asAlbumId,
  asAssetId,
  asBlobHash,
  asDeviceId,
  asOpId,
  asUserId,
  versionIdOf,
  type AlbumId,
  type AssetId,
  type BlobHash,
  type DeviceId,
  type OpId,
  type UserId,
  type VersionId,
} from '../model/ids.js';
import { splitPath } from '../model/library-path.js';
import { opSchema, type OpInput, type OpKind, type OpOf } from '../ops/op-schema.js';

export const PHONE = asDeviceId('phone-01');
export const LAPTOP = asDeviceId('laptop-01');
export const TABLET = asDeviceId('tablet-01');
export const ALICE = asUserId('alice-001');

/** A "blob hash" for some made-up bytes. */
export const hashOf = (bytes: string): BlobHash => asBlobHash(sha256Hex(bytes));
/** The asset id that importing these bytes as the primary original makes. */
export const assetIdOf = (bytes: string): AssetId => asAssetId(sha256Hex(bytes));
export const albumId = (name: string): AlbumId => asAlbumId(`album-${name}`.padEnd(8, '0'));
export const userId = (name: string): UserId => asUserId(`user-${name}`.padEnd(8, '0'));

export function resource(bytes: string, ext: string): Resource {
  return { hash: hashOf(bytes), size: bytes.length, ext };
}

let opCounter = 0;
let msCounter = 1_000_000;

/** A fresh op id, unique within the test file. */
export const nextOpId = (): OpId => asOpId(`op-${String(++opCounter).padStart(6, '0')}`);

/** The version an op (import, edit) created: versions are named by their op. */
export const vid = (op: { opId: OpId }): VersionId => versionIdOf(op.opId);

/** Fields every builder takes; the defaults give a fresh id and a later clock each time. */
export interface Common {
  readonly device?: DeviceId;
  readonly opId?: string;
  /** A full stamp, or just its physical ms (counter 0, node = device). */
  readonly hlc?: Hlc | number;
  readonly knownSeq?: number;
}

/** An asset named by id, or by the import op that made it. */
export type AssetRef = AssetId | OpOf<'import'>;
export const idOf = (asset: AssetRef): AssetId =>
  typeof asset === 'string' ? asset : asset.payload.assetId;

function stamp<K extends OpKind>(
  common: Common,
  payload: OpInput['payload'] & { kind: K },
): OpOf<K> {
  const device = common.device ?? PHONE;
  const hlc =
    typeof common.hlc === 'object'
      ? common.hlc
      : { ms: common.hlc ?? ++msCounter, counter: 0, node: device };
  const input: OpInput = {
    opId: common.opId ?? nextOpId(),
    device,
    hlc,
    knownSeq: common.knownSeq ?? 0,
    payload,
  };
  // The schema keeps the payload's kind, so the parsed op is an OpOf<K>.
  return opSchema.parse(input) as OpOf<K>;
}

/** One more role's bytes for an import or edit: `{ bytes, ext }`. */
export interface Part {
  readonly bytes: string;
  readonly ext: string;
}
const partResource = (part: Part | undefined): Resource | undefined =>
  part ? resource(part.bytes, part.ext) : undefined;

function withParts(
  original: Resource,
  parts: { live?: Part; raw?: Part; render?: Part; sidecar?: Part },
): Resources {
  const resources: Resources = { original };
  for (const role of ['live', 'raw', 'render', 'sidecar'] as const) {
    const r = partResource(parts[role]);
    if (r) resources[role] = r;
  }
  return resources;
}

export interface ImportSpec extends Common {
  readonly path: string;
  /** The primary original's bytes; the asset id is their hash. */
  readonly bytes: string;
  /** The original's extension; defaults to the path's. */
  readonly ext?: string;
  readonly meta?: MediaMeta;
  readonly live?: Part;
  readonly raw?: Part;
  readonly sidecar?: Part;
  /** Claim an id other than the content's (to test the id check). */
  readonly assetId?: AssetId;
}

export function importOp(spec: ImportSpec): OpOf<'import'> {
  const original = resource(spec.bytes, spec.ext ?? splitPath(spec.path).ext);
  const parts = {
    ...(spec.live && { live: spec.live }),
    ...(spec.raw && { raw: spec.raw }),
    ...(spec.sidecar && { sidecar: spec.sidecar }),
  };
  return stamp(spec, {
    kind: 'import',
    assetId: spec.assetId ?? assetIdOf(spec.bytes),
    resources: withParts(original, parts),
    meta: spec.meta ?? {},
    path: spec.path,
  });
}

export interface EditSpec extends Common {
  /** The asset edited; an import op also gives the original to keep. */
  readonly asset: AssetRef;
  /** The original the edit keeps; defaults to the import op's. */
  readonly original?: Resource;
  /** The new rendition's bytes; its extension defaults to the original's. */
  readonly render: string;
  readonly renderExt?: string;
  readonly live?: Part;
  readonly meta?: MediaMeta;
  /** The versions the editor had seen (and replaces). */
  readonly context: readonly VersionId[];
}

export function editOp(spec: EditSpec): OpOf<'edit'> {
  const original =
    spec.original ??
    (typeof spec.asset === 'string' ? undefined : spec.asset.payload.resources.original);
  if (!original) throw new Error('editOp: give `original` when the asset is named by id');
  const render = { bytes: spec.render, ext: spec.renderExt ?? original.ext };
  return stamp(spec, {
    kind: 'edit',
    assetId: idOf(spec.asset),
    resources: withParts(original, {
      render,
      ...(spec.live && { live: spec.live }),
    }),
    meta: spec.meta ?? {},
    context: [...spec.context],
  });
}

interface OnAsset extends Common {
  readonly asset: AssetRef;
}
interface WithContext extends OnAsset {
  readonly context: readonly VersionId[];
}

export const resolveOp = (spec: WithContext & { keep: readonly VersionId[] }): OpOf<'resolve'> =>
  stamp(spec, {
    kind: 'resolve',
    assetId: idOf(spec.asset),
    context: [...spec.context],
    keep: [...spec.keep],
  });

export const trashOp = (spec: WithContext): OpOf<'trash'> =>
  stamp(spec, { kind: 'trash', assetId: idOf(spec.asset), context: [...spec.context] });

export const restoreOp = (spec: OnAsset): OpOf<'restore'> =>
  stamp(spec, { kind: 'restore', assetId: idOf(spec.asset) });

export const purgeOp = (spec: WithContext): OpOf<'purge'> =>
  stamp(spec, { kind: 'purge', assetId: idOf(spec.asset), context: [...spec.context] });

export const placeOp = (spec: OnAsset & { path: string }): OpOf<'place'> =>
  stamp(spec, { kind: 'place', assetId: idOf(spec.asset), path: spec.path });

export const moveOp = (
  spec: OnAsset & {
    from: string;
    fromTags: readonly OpId[];
    to: string | null;
    context?: readonly VersionId[];
  },
): OpOf<'move'> =>
  stamp(spec, {
    kind: 'move',
    assetId: idOf(spec.asset),
    from: spec.from,
    fromTags: [...spec.fromTags],
    to: spec.to,
    context: [...(spec.context ?? [])],
  });

type FieldSpec =
  | { field: 'favorite' | 'hidden'; value: boolean }
  | { field: 'caption'; value: string }
  | { field: 'takenAtOverride'; value: string | null };

export const setFieldOp = (spec: OnAsset & FieldSpec): OpOf<'setField'> =>
  stamp(spec, {
    kind: 'setField',
    assetId: idOf(spec.asset),
    field: spec.field,
    value: spec.value,
  });

export const addKeywordOp = (spec: OnAsset & { keyword: string }): OpOf<'addKeyword'> =>
  stamp(spec, { kind: 'addKeyword', assetId: idOf(spec.asset), keyword: spec.keyword });

export const removeKeywordOp = (
  spec: OnAsset & { keyword: string; tags: readonly OpId[] },
): OpOf<'removeKeyword'> =>
  stamp(spec, {
    kind: 'removeKeyword',
    assetId: idOf(spec.asset),
    keyword: spec.keyword,
    tags: [...spec.tags],
  });

export const createAlbumOp = (
  spec: Common & { album: AlbumId; name: string; owner?: UserId },
): OpOf<'createAlbum'> =>
  stamp(spec, {
    kind: 'createAlbum',
    albumId: spec.album,
    owner: spec.owner ?? ALICE,
    name: spec.name,
  });

export const renameAlbumOp = (
  spec: Common & { album: AlbumId; name: string },
): OpOf<'renameAlbum'> =>
  stamp(spec, { kind: 'renameAlbum', albumId: spec.album, name: spec.name });

export const addToAlbumOp = (spec: OnAsset & { album: AlbumId }): OpOf<'addToAlbum'> =>
  stamp(spec, { kind: 'addToAlbum', albumId: spec.album, assetId: idOf(spec.asset) });

export const removeFromAlbumOp = (
  spec: OnAsset & { album: AlbumId; tags: readonly OpId[] },
): OpOf<'removeFromAlbum'> =>
  stamp(spec, {
    kind: 'removeFromAlbum',
    albumId: spec.album,
    assetId: idOf(spec.asset),
    tags: [...spec.tags],
  });

export const shareAlbumOp = (
  spec: Common & { album: AlbumId; user: UserId; role: 'viewer' | 'contributor' | null },
): OpOf<'shareAlbum'> =>
  stamp(spec, { kind: 'shareAlbum', albumId: spec.album, user: spec.user, role: spec.role });

/** The same op re-sent, e.g. after a cut connection, optionally with a newer clock. */
export function retryOf<K extends OpKind>(op: OpOf<K>, hlc?: Hlc): OpOf<K> {
  return { ...op, hlc: hlc ?? op.hlc };
}
