import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BlobHash } from '@keepsake/core';
import type { UserRecord } from '../store/metadata-store.js';
import { ApiError, badRequest } from '../http/api-error.js';

/** Bodies up to this size may be taken whole in the request that creates their upload. */
export const WHOLE_UPLOAD_MAX_BYTES = 16 * 1024 * 1024;
/** Bytes held in memory by whole uploads at once; past it, uploads go through tus's files. */
const WHOLE_UPLOADS_BUDGET = 128 * 1024 * 1024;

const TUS_HEADERS = { 'tus-resumable': '1.0.0' };

/** What a creation request declares, checked: the blob it names and its size. */
export interface Creation {
  readonly hash: BlobHash;
  readonly size: number;
}

export interface WholeUploads {
  /**
   * Takes a photo-sized upload sent whole in the request that creates it (tus creation-with-
   * upload, Content-Length equal to Upload-Length) without tus's upload files: the bytes are
   * read into memory and hashed as they come, written once, and stored. Returns false, having done
   * nothing, for any other request, which tus then handles.
   */
  take(request: FastifyRequest, reply: FastifyReply, owner: UserRecord): Promise<boolean>;
  /** Removes files a crash left between their write and their storing; returns how many. */
  expireStale(olderThanMs: number): Promise<number>;
}

/**
 * The whole-upload path: most photos are a few MB, and through tus's file store each one cost
 * a record file, a data file written 64 KiB at a time, a web-stream conversion of the body and
 * several renames and removals, several milliseconds of CPU per photo. Cut short, nothing is
 * kept and the client sends it again, as it would a creation-with-upload tus had cut short;
 * bigger blobs keep the resumable path.
 */
export function wholeUploads(deps: {
  readonly uploadsDir: string;
  readonly uploadsPath: string;
  /** Checks the declared metadata and size, and the owner's quota; throws an ApiError. */
  readonly checkCreation: (
    owner: UserRecord,
    metadata: string | undefined,
    size: number,
  ) => Promise<Creation>;
  /**
   * Makes the verified file the blob and records it in the owner's library, within its quota;
   * consumes it. Throws an ApiError when the library has no room for it any more.
   */
  readonly store: (owner: UserRecord, creation: Creation, file: string) => Promise<void>;
}): WholeUploads {
  let buffered = 0;
  let dirMade = false;
  return {
    async take(request, reply, owner) {
      const size = wholeSize(request, deps.uploadsPath);
      if (size === undefined || buffered + size > WHOLE_UPLOADS_BUDGET) return false;
      buffered += size;
      try {
        if (request.headers['tus-resumable'] !== '1.0.0') {
          void reply.header('tus-version', '1.0.0');
          throw new ApiError(412, 'bad-request', 'send Tus-Resumable: 1.0.0');
        }
        const creation = await deps.checkCreation(owner, header(request, 'upload-metadata'), size);
        const { chunks, actual } = await readBody(request, size);
        if (actual !== creation.hash) throw checksumMismatch(actual, creation.hash);
        const id = randomBytes(16).toString('hex');
        const file = join(deps.uploadsDir, `${id}.whole`);
        // Written from the thread pool, not here: creating a file waits its turn at the file
        // system's journal behind other uploads' fsyncs, and done here that wait (0.4 ms a photo
        // when measured) held up every request. The blob store flushes it.
        if (!dirMade) {
          await mkdir(deps.uploadsDir, { recursive: true });
          dirMade = true;
        }
        const handle = await open(file, 'w');
        try {
          await handle.writev(chunks);
        } finally {
          await handle.close();
        }
        try {
          await deps.store(owner, creation, file);
        } catch (error) {
          await rm(file, { force: true });
          throw error;
        }
        // The upload is complete and has no record to resume: its address answers 404, as a
        // finished tus upload's does once tus has removed it.
        await reply
          .status(201)
          .headers({
            ...TUS_HEADERS,
            location: `${deps.uploadsPath}/${id}`,
            'upload-offset': String(size),
          })
          .send();
        return true;
      } finally {
        buffered -= size;
      }
    },

    expireStale(olderThanMs) {
      return removeStaleFiles(deps.uploadsDir, '.whole', olderThanMs);
    },
  };
}

/**
 * Removes the files in `directory` named `*<suffix>` that nothing wrote for `olderThanMs`,
 * except those `keep` names (files in use); returns how many it removed.
 */
export async function removeStaleFiles(
  directory: string,
  suffix: string,
  olderThanMs: number,
  keep: (name: string) => boolean = () => false,
): Promise<number> {
  const names = await readdir(directory).catch(() => []);
  let removed = 0;
  for (const name of names.filter((n) => n.endsWith(suffix) && !keep(n))) {
    const file = join(directory, name);
    const modified = (await stat(file).catch(() => undefined))?.mtimeMs;
    if (modified === undefined || Date.now() - modified < olderThanMs) continue;
    await rm(file, { force: true });
    removed += 1;
  }
  return removed;
}

/** Bytes that do not hash to what their upload declared: refused, and nothing is stored. */
export const checksumMismatch = (actual: string, declared: string): ApiError =>
  new ApiError(
    460,
    'checksum-mismatch',
    `the bytes received hash to ${actual}, not the declared ${declared}; nothing was stored, upload again`,
  );

/** The size of a creation-with-upload request that carries its whole body; else undefined. */
function wholeSize(request: FastifyRequest, uploadsPath: string): number | undefined {
  if (request.method !== 'POST' || request.url !== uploadsPath) return undefined;
  if (header(request, 'content-type') !== 'application/offset+octet-stream') return undefined;
  const declared = Number(header(request, 'upload-length'));
  const length = Number(header(request, 'content-length'));
  const whole = Number.isSafeInteger(declared) && declared > 0 && length === declared;
  return whole && declared <= WHOLE_UPLOAD_MAX_BYTES ? declared : undefined;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** A body that moves no byte for this long is given up: its memory goes back to the budget. */
const BODY_IDLE_MS = 60_000;

/**
 * The request body, which Content-Length said is `size` bytes, as it came (copied into one
 * buffer, every byte was moved once more), and its SHA-256, read as it came.
 */
async function readBody(
  request: FastifyRequest,
  size: number,
): Promise<{ chunks: Buffer[]; actual: string }> {
  const chunks: Buffer[] = [];
  const digest = createHash('sha256');
  let offset = 0;
  request.raw.setTimeout(BODY_IDLE_MS, () => {
    request.raw.destroy(new Error(`no byte came for ${String(BODY_IDLE_MS / 1000)} s`));
  });
  try {
    for await (const chunk of request.raw) {
      const bytes = chunk as Buffer;
      // Node's parser holds a body to its Content-Length; this guards the buffer regardless.
      if (offset + bytes.length > size) throw badRequest('the body is longer than Upload-Length');
      digest.update(bytes);
      chunks.push(bytes);
      offset += bytes.length;
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The client went away or stalled mid-body: its fault, not the server's.
    throw badRequest(
      `the body stopped after ${String(offset)} of ${String(size)} bytes (${(error as Error).message}); send it again`,
    );
  } finally {
    request.raw.setTimeout(0);
  }
  if (offset !== size) {
    throw badRequest(
      `the body ended after ${String(offset)} of ${String(size)} bytes; send it again`,
    );
  }
  return { chunks, actual: digest.digest('hex') };
}
