import type { MediaMeta, Resources } from '../model/asset.js';
import type { AssetId, BlobHash, OpId, VersionId } from '../model/ids.js';
import type { FileRole } from '../layout/folder-layout.js';

/** What a device knows of one file in its folder: the content it last synced there. */
export interface IndexEntry {
  readonly hash: BlobHash;
  readonly size: number;
  readonly assetId: AssetId;
  readonly versionId: VersionId;
  /** The whole version this file belongs to, so a later edit can be based on it offline. */
  readonly resources: Resources;
  readonly meta: MediaMeta;
  readonly role: FileRole;
  readonly placement: string;
  readonly conflictCopy: boolean;
  /**
   * The op by which this device made the placement, until the replica shows it: a deletion
   * before then must take that op's tag away too, or the file would come back.
   */
  readonly placementTag?: OpId;
}

/** path → entry: the device's durable memory of its folder (`<folder>/.keepsake/`). */
export type LocalIndex = Map<string, IndexEntry>;

/** What a scan sees of a file now. */
export interface FileFacts {
  readonly hash: BlobHash;
  readonly size: number;
}

export type FolderSnapshot = ReadonlyMap<string, FileFacts>;
