import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';

interface Running {
  readonly hash: Hash;
  /** How many bytes from the start the hash has seen. */
  offset: number;
}

/**
 * tus's file store, plus the upload's SHA-256 computed while the bytes arrive (kept across
 * PATCHes as long as each continues where the last ended), so finishing an upload needs no
 * second read of the file. A server restart loses the running hash; such an upload is hashed
 * from its file at the end instead. Measured and dropped: flushing to disk while receiving
 * (the fsyncs stall the writes) and hashing in a worker thread (the copies cost more than the
 * hashing on a two-core machine).
 */
export class HashingFileStore extends FileStore {
  readonly #running = new Map<string, Running>();

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const known = this.#running.get(id);
    this.#running.delete(id); // back only once this write has ended cleanly
    const running = offset === 0 ? { hash: createHash('sha256'), offset: 0 } : known;
    const hashing = running?.offset === offset ? running : undefined;
    let passed = 0;
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hashing?.hash.update(chunk);
        passed += chunk.length;
        done(null, chunk);
      },
    });
    readable.once('error', (error) => tee.destroy(error));
    const end = await super.write(readable.pipe(tee), id, offset);
    if (hashing && end === offset + passed) {
      hashing.offset = end;
      this.#running.set(id, hashing);
    }
    return end;
  }

  /** The upload's SHA-256 if this process hashed every byte of its `size`; else undefined. */
  takeDigest(id: string, size: number): string | undefined {
    const running = this.#running.get(id);
    this.#running.delete(id);
    return running?.offset === size ? running.hash.digest('hex') : undefined;
  }

  override async remove(id: string): Promise<void> {
    this.#running.delete(id);
    await super.remove(id);
  }
}
