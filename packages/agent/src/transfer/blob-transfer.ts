import { createHash, type Hash } from 'node:crypto';
// File-system calls that do not wait on the disk are made synchronously, here and wherever the
// agent handles a file per photo: each async call is two thread handoffs, which cost more than
// the call itself on a small machine (measured: tens of context switches per photo). Only what
// waits on the disk goes to the thread pool: fsync, and creating a file, which waits its turn at
// the file system's journal behind other files' fsyncs (0.7 ms a download when it was made here).
import {
  closeSync,
  createReadStream,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { BlobHash } from '@keepsake/core';
import { flushFd } from '@keepsake/durable-files';
import { ServerApiError } from '../server-api.js';
import { blobRequest, bodyText, type BlobRequest } from './http-request.js';

const TUS = { 'tus-resumable': '1.0.0' };

/**
 * Blobs up to this size are sent in one request; bigger ones create their upload first, so a
 * cut connection resumes from the server's offset instead of starting over.
 */
export const ONE_REQUEST_BYTES = 16 * 1024 * 1024;

/** Uploads up to this size are read into memory and sent with their length: one read, one write. */
const BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Buffers photo-sized uploads are read into, kept for the next ones (as many as were in use at
 * once). A new buffer per photo cost more than reading it: fresh pages for the kernel to map and
 * zero, and a full garbage collection for every few dozen MB of them (1.8 s of a 20 s run).
 */
const spareBuffers: Buffer[] = [];

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
    // A staged file that is gone or of another size changed since it was read: told as the
    // mismatch it is, so its bytes are staged again or read afresh.
    const now = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (now !== size) throw changedSinceRead(hash, now, size);
    if (uploadUrl === undefined && size <= ONE_REQUEST_BYTES) {
      // A photo-sized blob goes in the request that creates its upload (tus creation-with-
      // upload): half the round trips. Cut short, it is simply sent again.
      const buffer = size <= BUFFERED_BYTES ? takeBuffer() : undefined;
      const response = await this.#request(`${this.origin}/api/v1/uploads`, {
        method: 'POST',
        headers: {
          ...this.#creation(hash, size),
          'content-type': 'application/offset+octet-stream',
          'content-length': String(size),
        },
        body: buffer
          ? readWhole(file, hash, size, buffer)
          : createReadStream(file, { end: size - 1, highWaterMark: 1 << 20 }),
      });
      await this.#expect(response, 201, `upload of ${hash}`);
      // Stored, so the server read every byte: none still waits in the socket to be sent, as
      // some may after a failure (that buffer is left to the collector).
      if (buffer) spareBuffers.push(buffer);
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
    const response = await this.#request(url, {
      method: 'PATCH',
      headers: {
        ...TUS,
        'content-type': 'application/offset+octet-stream',
        'upload-offset': String(offset),
      },
      body: createReadStream(file, { start: offset, end: size - 1, highWaterMark: 1 << 20 }),
    });
    await this.#expect(response, 204, `upload of ${hash}`);
    this.#whole(response, hash, size);
  }

  /**
   * A body that ended short of the stated size (the staged file shrank: rewritten in place) is
   * stored as an unfinished upload, never as the blob: told as the mismatch it is.
   */
  #whole(response: IncomingMessage, hash: BlobHash, size: number): void {
    const offset = Number(response.headers['upload-offset'] ?? size);
    if (offset !== size) throw changedSinceRead(hash, offset, size);
  }

  /** Fetches blob `hash` into `target`, resuming `${target}.part` if an earlier try left one. */
  async download(hash: BlobHash, target: string): Promise<void> {
    const part = `${target}.part`;
    const have = statSync(part, { throwIfNoEntry: false })?.size ?? 0;
    // What an earlier try left is hashed before asking for the rest, not while the answer
    // waits (a big part on a slow machine would outlast the connection's idle timeout).
    const partDigest = createHash('sha256');
    if (have > 0) {
      for await (const chunk of createReadStream(part)) partDigest.update(chunk as Buffer);
    }
    const response = await this.#request(`${this.origin}/api/v1/blobs/${hash}`, {
      method: 'GET',
      headers: have > 0 ? { range: `bytes=${String(have)}-` } : {},
    });
    let digest: Hash;
    try {
      // 416: the part holds the whole blob already (a crash came just before the rename).
      const complete = response.statusCode === 416;
      const append = complete || response.statusCode === 206;
      if (!append) await this.#expect(response, 200, `download of ${hash}`, true);
      digest = append ? partDigest : createHash('sha256');
      const file = await open(part, append ? 'a' : 'w');
      try {
        if (complete) response.resume();
        else await writeHashing(response, file.fd, digest);
        await flushFd(file.fd);
      } finally {
        await file.close();
      }
    } catch (error) {
      response.destroy();
      throw error;
    }
    const actual = digest.digest('hex');
    if (actual !== hash) {
      rmSync(part, { force: true });
      throw new ServerApiError(
        `the bytes downloaded for ${hash} hash to ${actual}; they were thrown away and will be fetched again`,
      );
    }
    renameSync(part, target);
  }

  async #create(hash: BlobHash, size: number): Promise<string> {
    const response = await this.#request(`${this.origin}/api/v1/uploads`, {
      method: 'POST',
      headers: this.#creation(hash, size),
    });
    await this.#expect(response, 201, `upload of ${hash}`);
    const location = response.headers.location;
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
    const response = await this.#request(url, { method: 'HEAD', headers: TUS });
    if (response.statusCode === 404 || response.statusCode === 410) {
      response.resume();
      return undefined;
    }
    await this.#expect(response, 200, 'upload offset');
    return Number(response.headers['upload-offset'] ?? 0);
  }

  #request(url: string, init: BlobRequest): Promise<IncomingMessage> {
    return blobRequest(url, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${this.token}` },
    });
  }

  /**
   * Reads an answer other than `status` into the error it is; drains the expected one unless
   * its body is wanted (`keepBody`), so the connection is free for the next blob.
   */
  async #expect(
    response: IncomingMessage,
    status: number,
    what: string,
    keepBody = false,
  ): Promise<void> {
    if (response.statusCode === status) {
      if (!keepBody) response.resume();
      return;
    }
    const text = await bodyText(response).catch(() => '');
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
      `${what}: the server answered ${String(response.statusCode)}${message ? `: ${message}` : ''}`,
      response.statusCode,
      code,
    );
  }
}

const takeBuffer = (): Buffer => spareBuffers.pop() ?? Buffer.allocUnsafeSlow(BUFFERED_BYTES + 1);

/**
 * The `size` bytes of `file`, read into `buffer` (which has room for one more, to tell a file
 * that grew). Bytes that are not `size` long changed since they were read; the buffer is then
 * kept for the next upload.
 */
function readWhole(file: string, hash: BlobHash, size: number, buffer: Buffer): Buffer {
  let got = 0;
  const fd = openSync(file, 'r');
  try {
    for (let n = -1; n !== 0 && got <= size; got += n) {
      n = readSync(fd, buffer, got, buffer.length - got, got);
    }
  } finally {
    closeSync(fd);
  }
  if (got !== size) {
    spareBuffers.push(buffer);
    throw changedSinceRead(hash, got, size);
  }
  return buffer.subarray(0, size);
}

const changedSinceRead = (hash: BlobHash, got: number, size: number) =>
  new ServerApiError(
    `upload of ${hash}: the file gave ${String(got)} of its ${String(size)} bytes; it changed since it was read`,
    460,
    'checksum-mismatch',
  );

/** Writes a response's body to `fd` as it arrives, hashing it on the way. */
async function writeHashing(response: IncomingMessage, fd: number, digest: Hash): Promise<void> {
  for await (const chunk of response) {
    const bytes = chunk as Buffer;
    digest.update(bytes);
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
  }
  if (!response.complete) throw new ServerApiError('the download was cut short');
}
