import {
  assetStateHash,
  LibraryDigest,
  type Asset,
  type AssetId,
  type UserId,
} from '@keepsake/core';
import type { MetadataStore } from '../store/metadata-store.js';

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
  /** Changes that commit while a library's digest is being built, applied once it is. */
  readonly #pending = new Map<UserId, Asset[]>();

  constructor(
    private readonly store: MetadataStore,
    private readonly now: () => number,
  ) {
    store.onCommit((library, { assets }) => {
      const pending = this.#pending.get(library);
      if (pending) pending.push(...assets);
      else if (this.#entries.has(library)) {
        void this.#entries.get(library)?.digest.then((digest) => {
          apply(digest, assets);
        });
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
      for await (const asset of this.store.eachAsset(library)) {
        entries.push([asset.id, assetStateHash(asset)]);
      }
      const digest = LibraryDigest.build(entries);
      apply(digest, this.#pending.get(library) ?? []);
      return digest;
    } finally {
      this.#pending.delete(library);
    }
  }

  #dropIdle(): void {
    const cutoff = this.now() - IDLE_MS;
    for (const [library, entry] of this.#entries) {
      if (entry.usedAt < cutoff) this.#entries.delete(library);
    }
  }
}

function apply(digest: LibraryDigest, assets: readonly Asset[]): void {
  for (const asset of assets) digest.set(asset.id, assetStateHash(asset));
}
