import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobHash } from '@keepsake/core';
import { ServerApiError } from '../server-api.js';

const TUS = { 'tus-resumable': '1.0.0' };

/**
 * Blobs up to this size are sent in one request; bigger ones create their upload first, so a
 * cut connection resumes from the server's offset instead of starting over.
 */
export const ONE_REQUEST_BYTES = 16 * 1024 * 1024;

const streamOf = (file: string, start: number, size: number) =>
  Readable.toWeb(
    size === 0 || start >= size ? Readable.from([]) : createReadStream(file, { start }),
  ) as ReadableStream;

/**
 * Moves blob bytes between this device and the server. Uploads use the tus protocol: one upload
 * per blob, resumed after a cut connection from the offset the server has stored. Downloads
 * resume with HTTP Range into a `.part` file and reach their final name only once the whole
 * file hashes to the blob's name.
 */
export class BlobTransfer {
  constructor(
    private readonly origin: string,
    private readonly token: string,
  ) {}

  /**
   * Sends `file` as blob `hash`, resuming `uploadUrl` if the server still has it. `onUrl` is told
   * the upload's address as soon as it exists, to be kept for a resume after a crash.
   */
  async upload(
    file: string,
    hash: BlobHash,
    size: number,
    uploadUrl: string | undefined,
    onUrl: (url: string) => void,
  ): Promise<void> {
    if (uploadUrl === undefined && size <= ONE_REQUEST_BYTES) {
      // A photo-sized blob goes in the request that creates its upload (tus creation-with-
      // upload): half the round trips. Cut short, it is simply sent again.
      const response = await this.#fetch(`${this.origin}/api/v1/uploads`, {
        method: 'POST',
        headers: {
          ...this.#creation(hash, size),
          'content-type': 'application/offset+octet-stream',
        },
        body: streamOf(file, 0, size),
        duplex: 'half',
      });
      await this.#expect(response, 201, `upload of ${hash}`);
      this.#whole(response, hash, size);
      return;
    }
    let url = uploadUrl;
    let offset = url === undefined ? undefined : await this.#offset(url);
    if (url === undefined || offset === undefined) {
      url = await this.#create(hash, size);
      onUrl(url);
      offset = 0;
    }
    if (offset === size && size > 0) return;
    const body = streamOf(file, offset, size);
    const response = await this.#fetch(url, {
      method: 'PATCH',
      headers: {
        ...TUS,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': String(offset),
      },
      body,
      duplex: 'half',
    });
    await this.#expect(response, 204, `upload of ${hash}`);
    this.#whole(response, hash, size);
  }

  /**
   * A body that ended short of the stated size (the staged file shrank: rewritten in place) is
   * stored as an unfinished upload, never as the blob: told as the mismatch it is.
   */
  #whole(response: Response, hash: BlobHash, size: number): void {
    const offset = Number(response.headers.get('upload-offset') ?? size);
    if (offset !== size) {
      throw new ServerApiError(
        `upload of ${hash}: the file gave ${String(offset)} of its ${String(size)} bytes; it changed since it was read`,
        460,
        'checksum-mismatch',
      );
    }
  }

  /** Fetches blob `hash` into `target`, resuming `${target}.part` if an earlier try left one. */
  async download(hash: BlobHash, target: string): Promise<void> {
    const part = `${target}.part`;
    const have = (await stat(part).catch(() => undefined))?.size ?? 0;
    const response = await this.#fetch(`${this.origin}/api/v1/blobs/${hash}`, {
      headers: have > 0 ? { range: `bytes=${String(have)}-` } : {},
    });
    // 416: the part holds the whole blob already (a crash came just before the rename).
    const complete = response.status === 416;
    const append = complete || response.status === 206;
    if (!append) await this.#expect(response, 200, `download of ${hash}`);
    const digest = createHash('sha256');
    if (append) for await (const chunk of createReadStream(part)) digest.update(chunk as Buffer);
    if (complete) {
      await response.body?.cancel();
    } else {
      if (!response.body) throw new ServerApiError(`download of ${hash}: the answer had no body`);
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          digest.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(
        Readable.fromWeb(response.body as never),
        hashing,
        createWriteStream(part, { flags: append ? 'a' : 'w' }),
      );
    }
    await this.#finish(part, target, hash, digest.digest('hex'));
  }

  async #finish(part: string, target: string, hash: BlobHash, actual: string): Promise<void> {
    if (actual !== hash) {
      await rm(part, { force: true });
      throw new ServerApiError(
        `the bytes downloaded for ${hash} hash to ${actual}; they were thrown away and will be fetched again`,
      );
    }
    const handle = await open(part, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(part, target);
  }

  async #create(hash: BlobHash, size: number): Promise<string> {
    const response = await this.#fetch(`${this.origin}/api/v1/uploads`, {
      method: 'POST',
      headers: this.#creation(hash, size),
    });
    await this.#expect(response, 201, `upload of ${hash}`);
    const location = response.headers.get('location');
    if (!location)
      throw new ServerApiError(`the server created an upload for ${hash} without a Location`);
    return new URL(location, this.origin).href;
  }

  #creation(hash: BlobHash, size: number): Record<string, string> {
    return {
      ...TUS,
      'upload-length': String(size),
      'upload-metadata': `sha256 ${Buffer.from(hash).toString('base64')}`,
    };
  }

  /** The stored offset of an upload; undefined if the server no longer has it. */
  async #offset(url: string): Promise<number | undefined> {
    const response = await this.#fetch(url, { method: 'HEAD', headers: TUS });
    if (response.status === 404 || response.status === 410) return undefined;
    await this.#expect(response, 200, 'upload offset');
    return Number(response.headers.get('upload-offset') ?? 0);
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${this.token}`,
        },
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerApiError(
        `cannot reach ${this.origin} (${cause?.code ?? cause?.message ?? String(error)})`,
      );
    }
  }

  async #expect(response: Response, status: number, what: string): Promise<void> {
    if (response.status === status) return;
    const text = await response.text().catch(() => '');
    let message = text.slice(0, 300);
    let code: string | undefined;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      message = parsed.error?.message ?? message;
      code = parsed.error?.code;
    } catch {
      // not JSON: the text itself is the message
    }
    throw new ServerApiError(
      `${what}: the server answered ${String(response.status)}${message ? `: ${message}` : ''}`,
      response.status,
      code,
    );
  }
}
