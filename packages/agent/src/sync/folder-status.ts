import { indexEntryFor } from '@keepsake/core';
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
  // Null, not absent, when there is none: `status --json` keeps one shape for scripts.
  readonly lastRound: LastRound | null;
  readonly lastInStepAt: number | null;
}

export interface StatusSources {
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
  const view = from.replica.view();
  for (const group of from.replica.unsettledGroups()) {
    const known = from.index.inGroup(group);
    for (const file of from.replica.planGroup(group)) {
      if (known.get(file.path)?.hash === file.hash) continue;
      downloads.files += 1;
      downloads.bytes += indexEntryFor(view, file).size;
    }
  }
  return {
    folder,
    replicaHead: from.replica.head,
    pendingOps: from.outbox.pendingOps,
    uploads: { files: staged.count, bytes: staged.bytes },
    downloads,
    conflicts: from.replica.conflictCount(),
    lastRound: from.state.lastRound ?? null,
    lastInStepAt: from.state.lastInStepAt ?? null,
  };
}
