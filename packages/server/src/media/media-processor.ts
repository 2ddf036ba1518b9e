import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asBlobHash, type BlobHash } from '@keepsake/core';
import { readMediaMeta, type DerivativeWorkers } from '@keepsake/media';
import type { FastifyBaseLogger } from 'fastify';
import type { BlobGate } from '../blobs/blob-gate.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { storeBlobFiles } from '../blobs/store-blob-files.js';
import type { DerivativeRecord, MediaRecord, MetadataStore } from '../store/metadata-store.js';

const BATCH = 8;
const IDLE_POLL_MS = 5_000;

/** While devices move bytes, media work takes at most this share of its thread's time. */
const SHARE_WHILE_SYNCING = 0.25;
/** Devices count as moving bytes until this long after the last blob went up or down. */
const SYNC_QUIET_MS = 2_000;
/** The longest media work waits after one file: a shutdown waits for it too. */
const LONGEST_PAUSE_MS = 1_000;

/**
 * How long media work waits after a file that took `spentMs`, the last blob having moved
 * `sinceTransferMs` ago. Sync comes first: a thumbnail of a 12-megapixel photo costs a tenth of
 * a second of CPU or more, and made at full speed beside a device's first sync of its library,
 * a small server's second core went to thumbnails instead of to the sync people wait on.
 */
export function pauseAfter(spentMs: number, sinceTransferMs: number): number {
  if (sinceTransferMs > SYNC_QUIET_MS) return 0;
  const pause = spentMs * (1 / SHARE_WHILE_SYNCING - 1);
  return Math.min(LONGEST_PAUSE_MS, pause);
}

/**
 * Reads metadata from the blobs libraries newly hold and makes their thumbnails and previews, in
 * the background: sync never waits for it, and while devices transfer it takes a small share.
 * The queue is durable (a table), so a restart resumes it. A file that cannot be read or
 * decoded gets its error recorded, and stays stored and synced bit-exact.
 */
export class MediaProcessor {
  #stopped = false;
  #lastTransfer = -Infinity;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly store: MetadataStore,
    private readonly blobs: BlobStore,
    private readonly gate: BlobGate,
    private readonly workers: DerivativeWorkers,
    /** Where derivative bytes are written before they become blobs (same file system). */
    private readonly scratchDir: string,
    private readonly now: () => number,
    /** Told of each blob whose media is recorded: pages showing it can now show its thumbnail. */
    private readonly onRecorded: (hash: BlobHash) => void = () => undefined,
  ) {}

  #log: Pick<FastifyBaseLogger, 'error'> = { error: () => undefined };

  /** Where failures are logged: the server's logger, once it exists. */
  attach(log: Pick<FastifyBaseLogger, 'error'>): void {
    this.#log = log;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** New work arrived: stop idling. */
  poke(): void {
    this.#wake?.();
  }

  /** A device sent or fetched a blob: media work gives way for a while (see `pauseAfter`). */
  noteTransfer(): void {
    this.#lastTransfer = performance.now();
  }

  /** Resolves once everything queued now is processed (for tests and shutdown reports). */
  async drain(): Promise<void> {
    while (this.#running() && (await this.store.queuedMedia(1)).length > 0) {
      this.poke();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.poke();
    await this.#loop;
    await this.workers.close();
  }

  async #run(): Promise<void> {
    while (this.#running()) {
      const hashes = await this.store.queuedMedia(BATCH);
      let failed = 0;
      for (const hash of hashes) {
        if (!this.#running()) return;
        const started = performance.now();
        await this.#process(hash).catch(async (error: unknown) => {
          // Not a file that cannot be decoded (that is recorded as the blob's error) but a
          // failure around it (a full disk, a bug): the blob goes to the back of the queue, so
          // it neither stops the queue nor spins at its head, and is tried again later.
          failed += 1;
          this.#log.error({ err: error, hash }, 'media processing failed; will retry');
          await this.store.requeueMedia(hash, this.now()).catch(() => undefined);
        });
        const done = performance.now();
        const pause = pauseAfter(done - started, done - this.#lastTransfer);
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
      }
      // Nothing queued, or nothing that could be done right now: wait before looking again.
      if (failed === hashes.length) await this.#idle();
    }
  }

  /** A method, not the field: the field changes across the awaits of the loop. */
  #running(): boolean {
    return !this.#stopped;
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, IDLE_POLL_MS);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  async #process(hash: BlobHash): Promise<void> {
    const { record, bytes } = await this.blobs.withLocalFile(hash, async (file) => {
      const reading = await readMediaMeta(file);
      const made = reading.kind === 'image' ? await this.workers.make(file) : undefined;
      const derivatives = made?.ok ? made.derivatives : [];
      const error = !reading.ok ? reading.error : made && !made.ok ? made.error : undefined;
      return {
        record: {
          kind: reading.kind,
          ...(reading.ok && { fileType: reading.fileType, meta: reading.meta }),
          error,
        },
        bytes: derivatives,
      };
    });
    const made = bytes.map((d) => ({
      bytes: d.bytes,
      record: {
        role: d.role,
        hash: asBlobHash(createHash('sha256').update(d.bytes).digest('hex')),
        format: d.format,
        width: d.width,
        height: d.height,
      } satisfies DerivativeRecord,
    }));
    const derivatives = made.map((m) => m.record);
    const media: MediaRecord = {
      kind: record.kind,
      ...(record.fileType !== undefined && { fileType: record.fileType }),
      ...(record.meta !== undefined && { meta: record.meta }),
      derivatives,
      ...(record.error !== undefined && { error: record.error }),
    };
    // The photo is held too: a collection forgetting it now would leave thumbnails of nothing.
    // Two photos can make byte-identical thumbnails, so theirs are gated like any blob.
    await storeBlobFiles(
      this.gate,
      this.store,
      this.now(),
      { stored: derivatives.map((d) => d.hash), alsoHeld: [hash] },
      async () => {
        for (const { bytes: data, record: derivative } of made) {
          const scratch = join(this.scratchDir, `derivative-${randomBytes(8).toString('hex')}`);
          await writeFile(scratch, data);
          await this.blobs.adoptFile(derivative.hash, scratch);
        }
      },
      () =>
        this.store.recordMedia(
          hash,
          media,
          bytes.map((d) => d.bytes.length),
          this.now(),
        ),
    );
    this.onRecorded(hash);
  }
}
