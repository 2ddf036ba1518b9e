import type { PlannedFile } from '../layout/folder-layout.js';
import type { FolderSnapshot, IndexEntry, LocalIndex } from './local-index.js';
import type { Library } from '../model/library.js';
import { resolveAssetId } from '../model/library.js';

/**
 * What a device must do to its folder so it shows the library's plan. Run only right after a
 * scan that found nothing new, so every difference between folder and index is the server's
 * doing. A file the user changed since it was synced is never overwritten or removed: the next
 * scan turns it into an op first.
 */
export interface FolderChanges {
  /** Files to write (atomically) with the planned bytes. */
  readonly writes: PlannedFile[];
  /** Files to move into the device's local trash. */
  readonly removals: string[];
  /** Index entries to set without touching the file (its bytes already match). */
  readonly adopt: PlannedFile[];
  /** Index entries whose files are already gone. */
  readonly forget: string[];
}

export function planFolderChanges(
  plan: ReadonlyMap<string, PlannedFile>,
  folder: FolderSnapshot,
  index: LocalIndex,
): FolderChanges {
  const changes = {
    writes: [] as PlannedFile[],
    removals: [] as string[],
    adopt: [] as PlannedFile[],
    forget: [] as string[],
  };
  for (const [path, file] of plan) {
    const present = folder.get(path);
    const known = index.get(path);
    if (present?.hash === file.hash) {
      if (!known || !sameAsPlanned(known, file)) changes.adopt.push(file);
    } else if (present ? known?.hash === present.hash : !known) {
      changes.writes.push(file);
    }
    // else: the user changed or deleted the file since it was synced and no scan has seen it
    // yet; their change wins this round and the next scan turns it into an op.
  }
  for (const [path, known] of index) {
    if (plan.has(path)) continue;
    const present = folder.get(path);
    if (!present) changes.forget.push(path);
    else if (present.hash === known.hash) changes.removals.push(path);
  }
  return changes;
}

const sameAsPlanned = (entry: IndexEntry, file: PlannedFile): boolean =>
  entry.assetId === file.assetId &&
  entry.versionId === file.versionId &&
  entry.role === file.role &&
  entry.placement === file.placement &&
  entry.conflictCopy === file.conflictCopy;

/** The index entry a planned file gets once its bytes are in place. */
export function indexEntryFor(replica: Library, file: PlannedFile): IndexEntry {
  const asset = replica.assets.get(resolveAssetId(replica, file.assetId));
  const version = asset?.versions.find((v) => v.id === file.versionId);
  if (!version)
    throw new Error(
      `planned file ${file.path} names version ${file.versionId}, which its asset does not have`,
    );
  const resource =
    file.role === 'main'
      ? (version.resources.render ?? version.resources.original)
      : version.resources[file.role];
  return {
    hash: file.hash,
    size: resource?.size ?? 0,
    assetId: file.assetId,
    versionId: file.versionId,
    resources: version.resources,
    meta: version.meta,
    role: file.role,
    placement: file.placement,
    conflictCopy: file.conflictCopy,
  };
}
