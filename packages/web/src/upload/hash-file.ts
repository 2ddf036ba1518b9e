import { asBlobHash, type BlobHash } from '@keepsake/core';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** Read and hashed at a time: a video is never held whole in memory, and the page stays responsive. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * A file's SHA-256, read a few MB at a time. Pure JavaScript rather than WebAssembly: the app's
 * CSP allows no compiled code, and a photo hashes in milliseconds either way.
 */
export async function hashFile(
  file: Blob,
  onProgress: (hashedBytes: number) => void,
): Promise<BlobHash> {
  const hasher = sha256.create();
  for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
    const end = Math.min(file.size, offset + CHUNK_BYTES);
    hasher.update(new Uint8Array(await file.slice(offset, end).arrayBuffer()));
    onProgress(end);
  }
  return asBlobHash(bytesToHex(hasher.digest()));
}
