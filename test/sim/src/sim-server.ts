import {
  createLibrary,
  headSeq,
  submitOp,
  type BlobHash,
  type MemoryLibrary,
  type MergeRules,
  type Op,
  type Reply,
  type RetryLater,
} from '@keepsake/core';
import type { ContentRegistry } from './content.js';
import type { Request, Response } from './protocol.js';

type UploadChunk = Extract<Request, { type: 'uploadChunk' }>;

/**
 * The server model: the real merge code over a durable library and blob store. Each request
 * is handled atomically, as one durable transaction would be; a crash loses only what is in
 * flight on the network, never what a handled request committed.
 */
export class SimServer {
  readonly library: MemoryLibrary = createLibrary();
  readonly blobs = new Map<BlobHash, string>();
  /** Resumable uploads: the durable prefix received so far (tus keeps its offset on disk). */
  readonly partials = new Map<BlobHash, string>();

  constructor(
    private readonly content: ContentRegistry,
    private readonly rules: MergeRules,
    private readonly now: () => number,
    private readonly maxDriftMs: number,
  ) {}

  handle(request: Request): Response {
    switch (request.type) {
      case 'push':
        return {
          type: 'push',
          results: request.ops.map((op) => this.submit(op)),
          serverTime: this.now(),
        };
      case 'uploadOffset':
        return this.offsetOf(request.hash);
      case 'uploadChunk':
        return this.uploadChunk(request);
      case 'pull': {
        const entries = this.library.log.entries.slice(
          request.since,
          request.since + request.limit,
        );
        return { type: 'pull', entries, head: headSeq(this.library), serverTime: this.now() };
      }
      case 'download':
        return { type: 'download', content: this.blobs.get(request.hash) };
    }
  }

  /** A cut connection: only a prefix of the chunk arrived, and no reply goes back. */
  receiveCutChunk(request: UploadChunk, keep: number): void {
    this.uploadChunk({ ...request, data: request.data.slice(0, keep) });
  }

  private offsetOf(hash: BlobHash): Response {
    if (this.blobs.has(hash)) return { type: 'uploadOffset', offset: -1, complete: true };
    return { type: 'uploadOffset', offset: this.partials.get(hash)?.length ?? 0, complete: false };
  }

  private submit(op: Op): Reply | RetryLater {
    const admission = {
      nowMs: this.now(),
      maxDriftMs: this.maxDriftMs,
      hasBlob: (hash: BlobHash) => this.blobs.has(hash),
    };
    return submitOp(this.library, op, admission, this.rules);
  }

  private uploadChunk({ hash, size, offset, data }: UploadChunk): Response {
    if (this.blobs.has(hash)) return this.offsetOf(hash);
    const stored = this.partials.get(hash) ?? '';
    // tus: a chunk must start exactly where the stored data ends, or it is refused.
    if (offset !== stored.length) return this.offsetOf(hash);
    const next = stored + data;
    if (next.length < size) {
      this.partials.set(hash, next);
      return this.offsetOf(hash);
    }
    this.partials.delete(hash);
    // The blob exists only once the server has recomputed its hash.
    if (next.length === size && this.content.hashOf(next) === hash) this.blobs.set(hash, next);
    return this.offsetOf(hash);
  }
}
