import type { Readable } from 'node:stream';
import type { BlobHash } from '@keepsake/core';

/** An inclusive byte range, as HTTP Range gives it. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Where blob bytes live, named by their SHA-256 and never rewritten. A folder tree on one
 * machine; S3-compatible storage in the scale-out issue, behind this same interface.
 */
export interface BlobStore {
  /** The stored size, or undefined when the blob is not stored. */
  size(hash: BlobHash): Promise<number | undefined>;
  /**
   * Takes a file whose bytes were verified to hash to `hash` and makes it the blob, atomically:
   * a reader sees the whole blob or none. The file is consumed. Storing a blob again replaces it
   * with the same bytes by the same disk work (a reader keeps what it opened): sooner done, it
   * would tell that they were there. Callers hold the blob's gate, as for every change to it.
   */
  adoptFile(hash: BlobHash, file: string): Promise<void>;
  read(hash: BlobHash, range?: ByteRange): Readable;
  /** Runs `use` with the blob as a local file (the file itself here; a download for object storage). */
  withLocalFile<T>(hash: BlobHash, use: (path: string) => Promise<T>): Promise<T>;
  remove(hash: BlobHash): Promise<void>;
  /** Every stored blob in hash order, for integrity checks (compared with the database's list). */
  list(): AsyncIterable<BlobHash>;
}
