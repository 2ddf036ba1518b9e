import { sha256Hex, type BlobHash, type MediaMeta } from '@keepsake/core';

/**
 * The simulated world's bytes. A file's content is a string standing for its bytes; its hash
 * is the real SHA-256 of that string, and the media metadata a real reader would extract from
 * the bytes is registered beside it.
 */
export class ContentRegistry {
  readonly #hashes = new Map<string, BlobHash>();
  readonly #metas = new Map<BlobHash, MediaMeta>();
  readonly #contents = new Map<BlobHash, string>();

  hashOf(content: string): BlobHash {
    let hash = this.#hashes.get(content);
    if (!hash) {
      hash = sha256Hex(content) as BlobHash;
      this.#hashes.set(content, hash);
      this.#contents.set(hash, content);
    }
    return hash;
  }

  register(content: string, meta: MediaMeta): string {
    this.#metas.set(this.hashOf(content), meta);
    return content;
  }

  metaOf(hash: BlobHash): MediaMeta {
    return this.#metas.get(hash) ?? {};
  }

  /** For checks only: the bytes behind a hash, as some device once made them. */
  contentOf(hash: BlobHash): string | undefined {
    return this.#contents.get(hash);
  }
}
