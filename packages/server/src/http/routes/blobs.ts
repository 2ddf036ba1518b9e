import { blobHashSchema, type BlobHash } from '@keepsake/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ByteRange } from '../../blobs/blob-store.js';
import { ApiError, notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

/**
 * The byte range a `Range` header asks of a blob of `size` bytes (RFC 9110 §14): one `a-b`,
 * `a-` or `-n`. Undefined means the whole blob: no header, or one this server may ignore (a
 * unit other than bytes, several ranges, a malformed one). 'unsatisfiable' when the one range
 * lies wholly past the end.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [first, last] = [match[1] ?? '', match[2] ?? ''];
  if (first === '' && last === '') return undefined;
  // The last n bytes of nothing are all of it (§14.1.1: a suffix is satisfiable unless 0).
  if (size === 0 && first === '') return Number(last) === 0 ? 'unsatisfiable' : undefined;
  const range =
    first === ''
      ? { start: Math.max(0, size - Number(last)), end: size - 1 }
      : { start: Number(first), end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
  if (first !== '' && last !== '' && Number(last) < Number(first)) return undefined;
  return range.start > range.end || range.start >= size ? 'unsatisfiable' : range;
}

/** Whether an `If-None-Match` list names this strong ETag: `*`, or it, weak or not (§13.1.2). */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

export function blobsRoutes(app: ZodApp, ctx: ServerContext): void {
  app.post(
    '/api/v1/blobs/presence',
    {
      schema: {
        summary: 'Which of these blobs the caller already uploaded',
        description:
          "Answers only for the caller's own library, so it cannot be used to learn what other users store.",
        body: z.object({ hashes: z.array(blobHashSchema).max(1000) }),
        response: { 200: z.object({ present: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const present: BlobHash[] = [];
      for (const hash of request.body.hashes) {
        if (await ctx.store.libraryHasBlob(user.id, hash)) present.push(hash);
      }
      return { present };
    },
  );

  app.get(
    '/api/v1/blobs/:hash',
    {
      schema: {
        summary: 'Download a blob',
        description: 'Supports HTTP Range; the ETag is the hash, and the bytes never change.',
        params: z.object({ hash: blobHashSchema }),
      },
    },
    async (request, reply) => {
      const { user } = await ctx.auth.user(request);
      const { hash } = request.params;
      if (!(await ctx.store.libraryHasBlob(user.id, hash))) throw notFound('blob');
      ctx.media.noteTransfer();
      return sendBlob(ctx, request, reply, hash, { addressedBy: 'hash' });
    },
  );
}

/** Sends a stored blob with Range support; the ETag is the hash, and the bytes never change. */
export async function sendBlob(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  hash: BlobHash,
  how: {
    /** Derivatives are shown inline with their type; other blobs go out as attachments. */
    readonly contentType?: string;
    /** The name an attachment is saved under (RFC 6266); the hash when not given. */
    readonly fileName?: string;
    /**
     * 'hash' when the URL names the bytes (they can never change: cached for good); 'asset'
     * when it names an asset, whose rendition an edit replaces: the browser asks again each
     * time, with the ETag, so it sees the edit and every ask passes the access check.
     */
    readonly addressedBy: 'hash' | 'asset';
  },
) {
  const { contentType, fileName } = how;
  const size = await ctx.blobs.size(hash);
  if (size === undefined) throw notFound('blob');
  const etag = `"${hash}"`;
  const unchanged = noneMatch(request.headers['if-none-match'], etag);
  // A range of another version than the one asked about is no use: the whole is sent instead.
  const ifRange = request.headers['if-range'];
  const range =
    unchanged || (ifRange !== undefined && ifRange !== etag)
      ? undefined
      : parseRange(request.headers.range, size);
  // Refused before the blob's headers are set: an error is not to be cached, nor saved as a file.
  if (range === 'unsatisfiable') {
    void reply.header('content-range', `bytes */${String(size)}`);
    throw new ApiError(
      416,
      'range-not-satisfiable',
      `the blob is ${String(size)} bytes; ask for a range that starts inside it`,
    );
  }
  void reply
    .header('etag', etag)
    .header(
      'cache-control',
      how.addressedBy === 'hash' ? 'private, max-age=31536000, immutable' : 'private, no-cache',
    )
    .header('accept-ranges', 'bytes')
    .header('content-type', contentType ?? 'application/octet-stream')
    .header('content-disposition', contentType ? 'inline' : attachment(fileName ?? hash));
  if (unchanged) return reply.status(304).send();
  if (range) {
    void reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1);
  } else {
    void reply.header('content-length', size);
  }
  // The whole blob asked for by its range too: the stream then reads exactly its size, in one
  // read, where without an end it read once more to find the end (a thread-pool round trip and a
  // MiB buffer, per photo sent).
  const whole = size > 0 ? { start: 0, end: size - 1 } : undefined;
  return reply.send(ctx.blobs.read(hash, range ?? whole));
}

/**
 * `Content-Disposition: attachment` with the name in both forms RFC 6266 describes: an ASCII
 * fallback (anything else replaced by "_") and the exact UTF-8 name percent-encoded.
 */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const utf8 = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
