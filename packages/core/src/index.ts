// @keepsake/core: the pure sync model shared by server, agent, web and the simulation.
export * from './model/ids.js';
export * from './model/asset.js';
export {
  SHA256_HEX,
  assetIdSchema,
  blobHashSchema,
  metaSchema,
  resourceSchema,
  resourcesSchema,
} from './model/media-schema.js';
export * from './model/or-set.js';
export * from './model/library.js';
export { StoredLibrary, type LibraryChanges, type LibraryRows } from './model/stored-library.js';
export * from './model/library-path.js';
export * from './model/asset-state.js';
export * from './model/codec.js';
export * from './model/hash.js';
export * from './model/stable-json.js';
export * from './clock/hlc.js';
export * from './ops/op-schema.js';
export { MAX_OPS_PER_BATCH } from './ops/batch-limit.js';
export * from './ops/outcome.js';
export * from './ops/op-blobs.js';
export type { MergeInput, MergeRule, MergeRules } from './merge/context.js';
export { defaultRules } from './merge/default-rules.js';
export { applyOp, applyLogEntry } from './merge/apply-op.js';
export { submitOp, type Admission } from './merge/submit-op.js';
export { isLivePair, isStillExt, isVideoExt, PAIRING_WINDOW_MS } from './merge/live-photo.js';
export * from './layout/folder-layout.js';
export * from './device/local-index.js';
export * from './device/file-kinds.js';
export { scanFolder, type ScanInput, type ScanResult } from './device/scan.js';
export * from './device/reconcile.js';
export * from './digest/index.js';
