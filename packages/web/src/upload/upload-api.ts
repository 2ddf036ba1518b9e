import { blobsOf, type BlobHash, type MediaMeta, type Op } from '@keepsake/core';
import { api, failureMessage } from '../api/client.js';

// What an upload asks the server besides sending bytes, each in batches the server takes.

const PRESENCE_BATCH = 1000;
const MEDIA_BATCH = 100;

/** `items` in consecutive slices of at most `size`. */
export function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** Which of these blobs the library holds already: their bytes need not be sent. */
export async function presentBlobs(hashes: readonly BlobHash[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (const batch of batches(hashes, PRESENCE_BATCH)) {
    const result = await api.POST('/api/v1/blobs/presence', { body: { hashes: batch } });
    if (!result.data) {
      throw new Error(`could not ask the server which files it has: ${failureMessage(result)}`);
    }
    for (const hash of result.data.present) present.add(hash);
  }
  return present;
}

/** What the server read from a stored file: its metadata, or why it could read none. */
export interface BlobMedia {
  readonly meta?: MediaMeta;
  readonly error?: string;
}

/** What the server reads from each of these blobs of the library, by hash. */
export async function blobMedia(hashes: readonly BlobHash[]): Promise<Map<string, BlobMedia>> {
  const media = new Map<string, BlobMedia>();
  for (const batch of batches(hashes, MEDIA_BATCH)) {
    const result = await api.POST('/api/v1/blobs/media', { body: { hashes: batch } });
    if (!result.data) {
      throw new Error(`could not read the uploaded files' metadata: ${failureMessage(result)}`);
    }
    for (const { hash, ...read } of result.data.media) media.set(hash, read);
  }
  return media;
}

/**
 * Whether an import would add nothing: the asset is live in the library with every part it
 * brings. Asked only of imports whose bytes the library held before the upload, so a new
 * photo costs no request.
 */
export async function importedAlready(op: Op, heldBefore: ReadonlySet<string>): Promise<boolean> {
  const { payload } = op;
  const parts = blobsOf(op);
  if (payload.kind !== 'import' || !parts.every((hash) => heldBefore.has(hash))) return false;
  const { data } = await api.GET('/api/v1/assets/{id}', {
    params: { path: { id: payload.assetId } },
  });
  if (data?.asset.lifecycle.state !== 'live') return false;
  return data.asset.versions.some((version) => {
    const held = new Set(Object.values(version.resources).map((resource) => resource.hash));
    return parts.every((hash) => held.has(hash));
  });
}
