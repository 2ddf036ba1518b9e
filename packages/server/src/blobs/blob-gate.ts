import type { BlobHash } from '@keepsake/core';

/**
 * One blob's bytes change hands in two places: an upload stores them and records its library's
 * claim, and garbage collection forgets the record and deletes them. Each runs under the blob's
 * gate, so neither finds the other half done: an upload finishing while its bytes are being
 * freed either claims them first (and collection finds them held again) or comes after (and
 * stores them anew). One server process; replicas sharing a store need a lock they share.
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
}
