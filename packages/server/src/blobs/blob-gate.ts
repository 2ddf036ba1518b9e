import type { BlobHash } from '@keepsake/core';

/**
 * One blob's bytes change hands in several places: an upload stores them and records its
 * library's claim, media processing stores thumbnails and records them, garbage collection
 * forgets the record and deletes them, and retention deletes bytes a crash left unrecorded.
 * Each runs under the blob's gate, so none finds another half done: an upload finishing while
 * its bytes are being freed either claims them first (and collection finds them held again) or
 * comes after (and stores them anew). One server process; replicas sharing a store need a lock
 * they share.
 */
export class BlobGate {
  /** The last section queued for each blob; it settles (never rejects) when that one is done. */
  readonly #tails = new Map<BlobHash, Promise<void>>();

  /** Runs `section` once every section queued for this blob before it has finished. */
  async run<T>(hash: BlobHash, section: () => Promise<T>): Promise<T> {
    const mine = (this.#tails.get(hash) ?? Promise.resolve()).then(section);
    const tail = mine.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(hash, tail);
    try {
      return await mine;
    } finally {
      if (this.#tails.get(hash) === tail) this.#tails.delete(hash);
    }
  }

  /**
   * Runs `section` holding the gates of all these blobs, taken in hash order: two sections that
   * need the same blobs never each hold one and wait for the other.
   */
  async runAll<T>(hashes: readonly BlobHash[], section: () => Promise<T>): Promise<T> {
    const [first, ...rest] = [...new Set(hashes)].sort();
    if (first === undefined) return section();
    return this.run(first, () => this.runAll(rest, section));
  }
}
