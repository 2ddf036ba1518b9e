import type { Hlc } from '../clock/hlc.js';
import type { AlbumId, AssetId, BlobHash, DeviceId, OpId, UserId, VersionId } from './ids.js';
import type { OrSet } from './or-set.js';
import type { MediaMeta, Resources } from './media-schema.js';

export const RESOURCE_ROLES = ['original', 'live', 'raw', 'render', 'sidecar'] as const;
export type ResourceRole = (typeof RESOURCE_ROLES)[number];

export type { MediaMeta, Resource, Resources } from './media-schema.js';

export interface Version {
  readonly id: VersionId;
  readonly resources: Resources;
  readonly meta: MediaMeta;
  readonly device: DeviceId;
  readonly seq: number;
}

export interface Lww<T> {
  readonly value: T;
  readonly hlc: Hlc;
  readonly opId: OpId;
}

export interface AssetFields {
  favorite?: Lww<boolean>;
  hidden?: Lww<boolean>;
  caption?: Lww<string>;
  takenAtOverride?: Lww<string | null>;
}
export type FieldName = keyof AssetFields;

export type Lifecycle =
  | { readonly state: 'live' }
  | {
      readonly state: 'trashed';
      readonly seq: number;
      readonly by: DeviceId;
      readonly hlc: Hlc;
    }
  | {
      readonly state: 'purged';
      readonly seq: number;
      readonly by: DeviceId;
      readonly hlc: Hlc;
    }
  /** A Live Photo's video that arrived alone and was later paired into the still's asset. */
  | { readonly state: 'aliased'; readonly to: AssetId; readonly seq: number };

export interface Asset {
  readonly id: AssetId;
  /** Current content. One normally; several siblings while a conflict is unresolved. */
  versions: Version[];
  /** Every version some applied op has replaced: a late op can never bring one back. */
  readonly superseded: Set<VersionId>;
  readonly fields: AssetFields;
  readonly paths: OrSet;
  readonly keywords: OrSet;
  lifecycle: Lifecycle;
}

export type ShareRole = 'viewer' | 'contributor';

export interface Album {
  readonly id: AlbumId;
  readonly owner: UserId;
  name: Lww<string>;
  readonly members: OrSet;
  readonly shares: Map<UserId, Lww<ShareRole | null>>;
}

export const isInConflict = (asset: Asset): boolean => asset.versions.length > 1;

/** Every blob a set of resources names: the bytes a version needs on the server. */
export function blobHashesOf(resources: Resources): BlobHash[] {
  // A loop, not flatMap: the store calls this several times for every asset an op writes.
  const hashes: BlobHash[] = [];
  for (const resource of Object.values(resources)) if (resource) hashes.push(resource.hash);
  return hashes;
}
