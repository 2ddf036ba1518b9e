import type { BlobHash } from '@keepsake/core';
import type { MetadataStore } from '../store/metadata-store.js';
import type { BlobGate } from './blob-gate.js';

/**
 * How bytes become blobs, for every writer (uploads, thumbnails): under the gates of the blobs
 * stored and of any others the record names, the files are first put in doubt, durably, then
 * stored (`place`), then recorded (`record`, which settles the doubt). A crash at any point
 * leaves nothing, or files the journal of blob files in doubt knows of; never a record of bytes
 * that are missing. A collection freeing the same bytes runs wholly before or after.
 */
export async function storeBlobFiles(
  gate: BlobGate,
  store: Pick<MetadataStore, 'expectBlobFiles'>,
  nowMs: number,
  blobs: { readonly stored: readonly BlobHash[]; readonly alsoHeld?: readonly BlobHash[] },
  place: () => Promise<void>,
  record: () => Promise<void>,
): Promise<void> {
  await gate.runAll([...(blobs.alsoHeld ?? []), ...blobs.stored], async () => {
    // Nothing stored (a photo whose thumbnails could not be made): nothing to be in doubt of.
    if (blobs.stored.length > 0) await store.expectBlobFiles(blobs.stored, nowMs);
    await place();
    await record();
  });
}
