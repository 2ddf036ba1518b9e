import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';

/** Flush written bytes to disk every this many bytes, while the rest still arrives. */
const FLUSH_EVERY = 8 * 1024 * 1024;

interface Running {
  readonly hash: Hash;
  /** How many bytes from the start the hash has seen. */
  offset: number;
}

/**
 * tus's file store, plus two things done while the bytes arrive rather than after: the SHA-256
 * of the upload (kept across PATCHes as long as they continue where the last one ended), and
 * flushing to disk in the background, so that finishing an upload costs neither a second read
 * of the file nor one long fsync. A server restart loses the running hash; the upload then is
 * hashed from its file at the end. (Hashing in a worker thread was measured too: on two cores
 * the copies cost more than the hashing.)
 */
export class HashingFileStore extends FileStore {
  readonly #running = new Map<string, Running>();
  readonly #directory: string;

  constructor(options: ConstructorParameters<typeof FileStore>[0]) {
    super(options);
    this.#directory = options.directory;
  }

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const known = this.#running.get(id);
    this.#running.delete(id); // back only once this write has ended cleanly
    const running = offset === 0 ? { hash: createHash('sha256'), offset: 0 } : known;
    const hashing = running?.offset === offset ? running : undefined;
    const flusher = new BackgroundFlush(join(this.#directory, id));
    let passed = 0;
    const tee = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hashing?.hash.update(chunk);
        passed += chunk.length;
        flusher.wrote(chunk.length);
        done(null, chunk);
      },
    });
    readable.once('error', (error) => tee.destroy(error));
    const end = await super.write(readable.pipe(tee), id, offset).finally(() => flusher.settle());
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

/** fsyncs a file in the background each FLUSH_EVERY bytes written; `settle` waits for the last. */
class BackgroundFlush {
  #unflushed = 0;
  #flushing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  wrote(bytes: number): void {
    this.#unflushed += bytes;
    if (this.#unflushed < FLUSH_EVERY) return;
    this.#unflushed = 0;
    this.#flushing = this.#flushing.then(() => this.#flush());
  }

  settle(): Promise<void> {
    return this.#flushing;
  }

  async #flush(): Promise<void> {
    const handle = await open(this.path, 'r').catch(() => undefined);
    if (!handle) return;
    await handle.datasync().catch(() => undefined);
    await handle.close();
  }
}
