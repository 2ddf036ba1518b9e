import type { BlobHash } from '@keepsake/core';
import type { BlobStore } from '../blobs/blob-store.js';
import type { MetadataStore, StoredBlob } from '../store/metadata-store.js';
import { eachStoredBlob } from '../store/walks.js';

/** A blob as the database records it, its file found or not; or a file no record names. */
export type BlobEntry =
  | {
      readonly hash: BlobHash;
      readonly recorded: Pick<StoredBlob, 'size' | 'held'>;
      readonly hasFile: boolean;
    }
  | { readonly hash: BlobHash; readonly recorded: undefined; readonly hasFile: true };

/**
 * The database's blobs and the blob files, walked side by side in hash order: a file the
 * database does not know shows up between two it does, and memory stays flat.
 */
export async function* eachBlob(store: MetadataStore, blobs: BlobStore): AsyncIterable<BlobEntry> {
  const files = blobs.list()[Symbol.asyncIterator]();
  let file = await files.next();
  for await (const { hash, ...recorded } of eachStoredBlob(store)) {
    for (; !file.done && file.value < hash; file = await files.next()) {
      yield { hash: file.value, recorded: undefined, hasFile: true };
    }
    const hasFile = !file.done && file.value === hash;
    if (hasFile) file = await files.next();
    yield { hash, recorded, hasFile };
  }
  for (; !file.done; file = await files.next()) {
    yield { hash: file.value, recorded: undefined, hasFile: true };
  }
}
