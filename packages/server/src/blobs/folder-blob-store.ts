import { createReadStream, renameSync, statSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { SHA256_HEX, type BlobHash } from '@keepsake/core';
import { flush, flushFolder, makeFolders } from '@keepsake/durable-files';
import type { BlobStore, ByteRange } from './blob-store.js';

/**
 * Blobs in a sharded folder tree, `ab/cd/abcd…`: two levels of 256 keep every directory small
 * at a million blobs. A blob arrives by rename after its bytes and the file are fsynced, and
 * the folder is fsynced after the rename (a shard folder made for it, into its parent first),
 * so a crash leaves either the whole blob or nothing.
 * Calls that do not wait on the disk (stat, rename, mkdir) are made synchronously: each async
 * one is two thread handoffs, which cost more than the call on a small machine. Only fsync and
 * reading bytes, which may wait on the disk, are async.
 */
export class FolderBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  pathOf(hash: BlobHash): string {
    // The hash is checked again here because it becomes a path.
    if (!SHA256_HEX.test(hash)) throw new Error(`not a SHA-256 hex digest: ${hash}`);
    return join(this.root, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  size(hash: BlobHash): Promise<number | undefined> {
    return Promise.resolve(statSync(this.pathOf(hash), { throwIfNoEntry: false })?.size);
  }

  async adoptFile(hash: BlobHash, file: string): Promise<void> {
    const target = this.pathOf(hash);
    await flush(file);
    // Renamed over a stored copy too (the bytes are the same; a reader keeps the file it opened):
    // the same disk work either way, or how soon an upload is answered would tell whether anyone,
    // perhaps another user, had these bytes. A folder fsync with no rename pending costs nothing.
    try {
      renameSync(file, target);
    } catch (error) {
      // The shard folders fill up early: one is made only when the rename says it is missing.
      if (!isMissing(error)) throw error;
      await makeFolders(dirname(target));
      renameSync(file, target);
    }
    // The shard folder may be one another upload has just made and is still flushing.
    await flushFolder(dirname(target));
  }

  read(hash: BlobHash, range?: ByteRange): Readable {
    // Read a MiB at a time: a photo in one or two reads and socket writes, not dozens.
    return createReadStream(this.pathOf(hash), {
      highWaterMark: 1 << 20,
      ...(range && { start: range.start, end: range.end }),
    });
  }

  withLocalFile<T>(hash: BlobHash, use: (path: string) => Promise<T>): Promise<T> {
    return use(this.pathOf(hash));
  }

  async remove(hash: BlobHash): Promise<void> {
    await rm(this.pathOf(hash), { force: true });
  }

  async *list(): AsyncIterable<BlobHash> {
    for (const a of await readdirOrEmpty(this.root)) {
      for (const b of await readdirOrEmpty(join(this.root, a))) {
        for (const name of await readdirOrEmpty(join(this.root, a, b))) {
          if (SHA256_HEX.test(name)) yield name as BlobHash;
        }
      }
    }
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

const isMissing = (error: unknown): boolean =>
  error instanceof Error && 'code' in error && error.code === 'ENOENT';
