import type { Asset, AssetId, Op } from '@keepsake/core';
import type { StateDb } from '../state/agent-state.js';
import type { IndexStore } from './index-store.js';
import type { Outbox } from './outbox.js';
import type { Replica } from './replica.js';
import type { LastRound, SyncState } from './sync-state.js';

export interface FolderStatus {
  readonly folder: string;
  readonly replicaHead: number;
  readonly pendingOps: number;
  readonly uploads: { readonly files: number; readonly bytes: number };
  readonly downloads: { readonly files: number; readonly bytes: number };
  readonly conflicts: number;
  readonly lastRound: LastRound | undefined;
  readonly lastInStepAt: number | undefined;
}

export interface StatusSources {
  readonly db: StateDb;
  readonly replica: Replica;
  readonly index: IndexStore;
  readonly outbox: Outbox;
  readonly state: SyncState;
}

/**
 * What is pending in a folder, from its state alone (no server needed): ops not yet answered,
 * blobs to upload, files the library plans that the folder does not hold yet, conflicts.
 */
export function folderStatus(folder: string, from: StatusSources): FolderStatus {
  const staged = from.outbox.stagedTotals();
  const downloads = { files: 0, bytes: 0 };
  const groups = from.db.prepare('SELECT grp FROM unsettled_groups').pluck().all() as string[];
  for (const group of groups) {
    const known = from.index.inGroup(group);
    for (const file of from.replica.planGroup(group)) {
      if (known.get(file.path)?.hash === file.hash) continue;
      downloads.files += 1;
      downloads.bytes += sizeOf(from.replica.asset(file.assetId), file.hash);
    }
  }
  return {
    folder,
    replicaHead: from.replica.head,
    pendingOps: from.outbox.pendingOps,
    uploads: { files: staged.count, bytes: staged.bytes },
    downloads,
    conflicts: from.replica.conflicts().length,
    lastRound: from.state.lastRound,
    lastInStepAt: from.state.lastInStepAt,
  };
}

function sizeOf(asset: Asset | undefined, hash: string): number {
  for (const version of asset?.versions ?? []) {
    for (const resource of Object.values(version.resources)) {
      if (resource?.hash === hash) return resource.size;
    }
  }
  return 0;
}

/** Ops in the outbox that name an asset: what this device has not yet told the server of it. */
export function pendingOpsFor(outbox: Outbox, assetId: AssetId): Op[] {
  return outbox.first(Number.MAX_SAFE_INTEGER).filter((op) => {
    const payload = op.payload as { assetId?: AssetId };
    return payload.assetId === assetId;
  });
}
