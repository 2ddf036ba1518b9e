import { readdir } from 'node:fs/promises';
import { asBlobHash, blobHashesOf } from '@keepsake/core';
import type { BlobStore } from '../blobs/blob-store.js';
import { hashFile } from '../blobs/hash-file.js';
import type { FolderBlobStore } from '../blobs/folder-blob-store.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { eachAsset } from '../store/walks.js';
import { eachBlob } from './each-blob.js';

export interface FsckReport {
  /** Anything lost, corrupt or inconsistent: fsck exits non-zero when there is one. */
  readonly problems: string[];
  /** Harmless leftovers a crash can leave (collected later), listed for the curious. */
  readonly notes: string[];
  readonly blobsChecked: number;
  readonly assetsChecked: number;
}

export interface FsckProgress {
  (phase: string, done: number): void;
}

/**
 * Checks a data directory: the database's own integrity, every stored blob's size and SHA-256
 * against its name, every asset's blobs present; and notes blob files the database does not
 * know and blobs it records that nothing holds.
 */
export async function fsck(
  store: MetadataStore,
  blobs: BlobStore & Pick<FolderBlobStore, 'pathOf'>,
  progress: FsckProgress = () => undefined,
): Promise<FsckReport> {
  const problems = await store.checkIntegrity();
  const notes: string[] = [];
  let blobsChecked = 0;
  for await (const { hash, recorded, hasFile } of eachBlob(store, blobs)) {
    if (recorded === undefined) {
      notes.push(
        (await store.blobFileDoubtedSince(hash)) !== undefined
          ? `blob file ${hash} is not in the database (a crash between storing and recording it, or between forgetting and deleting it); retention deletes it a day after`
          : `blob file ${blobs.pathOf(hash)} is not in the database, and nothing will delete it (it was put there by hand, or by a Keepsake older than its journal of blob files in doubt); delete it if no one needs it`,
      );
      continue;
    }
    const stored = hasFile ? await blobs.size(hash) : undefined;
    if (stored === undefined) problems.push(`blob ${hash}: missing from the blob store`);
    else if (stored !== recorded.size)
      problems.push(`blob ${hash}: ${stored} bytes stored, ${recorded.size} recorded`);
    else {
      const actual = await hashFile(blobs.pathOf(hash));
      if (actual.hash !== hash) problems.push(`blob ${hash}: its bytes hash to ${actual.hash}`);
    }
    if (!recorded.held) {
      notes.push(
        `blob ${hash} is recorded, but no library holds it and it is no photo's thumbnail or preview: collection starts from what libraries hold and will not free it (or it is being freed right now)`,
      );
    }
    progress('blobs', ++blobsChecked);
  }
  let assetsChecked = 0;
  for (const library of await store.libraries()) {
    for await (const asset of eachAsset(store, library)) {
      for (const version of asset.versions) {
        for (const hash of blobHashesOf(version.resources)) {
          if (!(await store.libraryHasBlob(library, asBlobHash(hash)))) {
            problems.push(
              `library ${library}, asset ${asset.id}: version ${version.id} needs blob ${hash}, which the library does not hold`,
            );
          }
        }
      }
      progress('assets', ++assetsChecked);
    }
  }
  return { problems, notes, blobsChecked, assetsChecked };
}

/** Unfinished uploads in the uploads folder (resumable, or expiring): for the report. */
export async function countPartialUploads(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => []);
  return names.filter((name) => !name.endsWith('.json')).length;
}
