import { assetStateHash, LibraryDigest, type AssetId, type UserId } from '@keepsake/core';
import type { MetadataStore } from '../store/metadata-store.js';
import { eachAsset } from '../store/walks.js';

/** A digest nobody asked about for this long is dropped; the next request builds it again. */
const IDLE_MS = 10 * 60 * 1000;

interface Entry {
  digest: Promise<LibraryDigest>;
  usedAt: number;
}

/**
 * Each library's digest (DESIGN §5), built on first request from the stored assets and kept
 * up to date from then on with every committed batch, so answering costs no scan. Libraries
 * nobody compares against cost nothing: their digests are not built, or dropped when idle.
 */
export class LibraryDigests {
  readonly #entries = new Map<UserId, Entry>();
  /** Assets changed while a library's digest is being built, read again once it is. */
  readonly #pending = new Map<UserId, AssetId[]>();

  constructor(
    private readonly store: MetadataStore,
    private readonly now: () => number,
  ) {
    store.onCommit((library, { changed }) => {
      const pending = this.#pending.get(library);
      if (pending) pending.push(...changed);
      else if (this.#entries.has(library)) {
        void this.#entries
          .get(library)
          ?.digest.then((digest) => this.#update(digest, library, changed));
      }
    });
  }

  async of(library: UserId): Promise<LibraryDigest> {
    this.#dropIdle();
    let entry = this.#entries.get(library);
    if (!entry) {
      entry = { digest: this.#build(library), usedAt: this.now() };
      this.#entries.set(library, entry);
    }
    entry.usedAt = this.now();
    return entry.digest;
  }

  async #build(library: UserId): Promise<LibraryDigest> {
    this.#pending.set(library, []);
    try {
      const entries: [AssetId, string][] = [];
      for await (const asset of eachAsset(this.store, library)) {
        entries.push([asset.id, assetStateHash(asset)]);
      }
      const digest = LibraryDigest.build(entries);
      await this.#update(digest, library, this.#pending.get(library) ?? []);
      return digest;
    } finally {
      this.#pending.delete(library);
    }
  }

  /**
   * Reads the changed assets as they are now. A later commit may already have changed one
   * again: its own update then sets the same newest state, so the digest ends where the store is.
   */
  async #update(digest: LibraryDigest, library: UserId, ids: readonly AssetId[]): Promise<void> {
    if (ids.length === 0) return;
    for (const asset of await this.store.assetsById(library, ids)) {
      digest.set(asset.id, assetStateHash(asset));
    }
  }

  #dropIdle(): void {
    const cutoff = this.now() - IDLE_MS;
    for (const [library, entry] of this.#entries) {
      if (entry.usedAt < cutoff) this.#entries.delete(library);
    }
  }
}
