import type { EventEmitter } from 'node:events';
import type { BlobGate } from '../blobs/blob-gate.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { ServerConfig } from '../config.js';
import type { MediaProcessor } from '../media/media-processor.js';
import type { MetadataStore } from '../store/metadata-store.js';
import type { Authenticator } from './authenticate.js';
import type { Metrics } from './metrics.js';

/** Everything a route needs, made once at start-up. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly store: MetadataStore;
  readonly blobs: BlobStore;
  /** Serialises storing a blob's bytes with freeing them (see BlobGate). */
  readonly blobGate: BlobGate;
  readonly auth: Authenticator;
  /** Emits `changed` (libraryId, head) after each committed batch: the push channel's source. */
  readonly feed: EventEmitter;
  readonly metrics: Metrics;
  /**
   * Told when a new blob arrives, so its metadata and thumbnails are made soon, and when devices
   * move blobs, so that work gives way to theirs.
   */
  readonly media: Pick<MediaProcessor, 'poke' | 'noteTransfer'>;
  readonly now: () => number;
}
