// @keepsake/agent: what runs on each device: registering it with a server, and keeping a folder
// in step with the library (scan, replica, outbox, transfers, reconcile), with what explains it.
export { configDir, readDeviceConfig } from './device-config.js';
export { AlreadyRegistered, login } from './login.js';
export { ServerApiError } from './server-api.js';
export { openAgentState } from './state/agent-state.js';
export { FileFacts } from './scanner/file-facts.js';
export { statFile, type FileStat } from './scanner/walk-folder.js';
export { FileHasher } from './scanner/file-hasher.js';
export { FolderScanner } from './scanner/scan-folder.js';
export { UsageError } from './usage-error.js';
export {
  FolderSync,
  isIdle,
  isInStep,
  type RoundReport,
  type SyncEvents,
  type SyncProgress,
} from './sync/folder-sync.js';
export type { Explanation } from './sync/explain.js';
export type { FolderStatus } from './sync/folder-status.js';
export type { Verification } from './sync/verify-folder.js';
export { claimFolder, OverlappingFolder, syncedFolders } from './synced-folders.js';
export { keepInStep } from './sync/keep-in-step.js';
// For the benchmarks, which build a big synced state directly, and the transfer tests.
export { BlobTransfer, ONE_REQUEST_BYTES } from './transfer/blob-transfer.js';
export { IndexStore } from './sync/index-store.js';
export { Replica } from './sync/replica.js';
