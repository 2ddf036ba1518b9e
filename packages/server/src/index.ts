// @keepsake/server: `keepsake serve` — the op API, change feed, resumable uploads and stores.
export { defaultConfig, DEFAULT_PORT, type ServerConfig } from './config.js';
export { DataDirInUse } from './data-dir-lock.js';
export { startServer, dataPaths, type RunningServer, type StartOptions } from './start-server.js';
export { fsck, countPartialUploads, type FsckReport } from './maintenance/fsck.js';
export { openDataDir } from './maintenance/open-stores.js';
export { runRetention } from './maintenance/retention.js';
export { BlobGate } from './blobs/blob-gate.js';
export { SqliteMetadataStore } from './store/sqlite/sqlite-metadata-store.js';
