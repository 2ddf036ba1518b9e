import { blobHashSchema, type BlobHash, type UserId } from '@keepsake/core';
import { readMediaMeta } from '@keepsake/media';
import { z } from 'zod';
import { notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import { blobMediaViewSchema } from '../views.js';
import type { ZodApp } from '../zod-app.js';

/** Hashes one request may ask about: each may cost opening a file (a video's header, say). */
export const MAX_MEDIA_HASHES = 100;

type BlobMediaView = z.infer<typeof blobMediaViewSchema>;

/**
 * The media metadata of blobs the caller uploaded, for a client that cannot read photo files
 * itself (the web app) and must import them as a device does: capture time, camera, the Live
 * Photo content identifier that pairs a still with its video.
 */
export function blobMediaRoutes(app: ZodApp, ctx: ServerContext): void {
  app.post(
    '/api/v1/blobs/media',
    {
      schema: {
        summary: "What the server reads from blobs in the caller's library",
        description:
          "Per hash, in the order asked: its metadata, or the reason none could be read. Answers only for the caller's own library: a hash it does not hold is not found, as if nobody stored it.",
        body: z.object({
          hashes: z
            .array(blobHashSchema)
            .min(1)
            .max(MAX_MEDIA_HASHES, `ask about at most ${MAX_MEDIA_HASHES} hashes at once`),
        }),
        response: { 200: z.object({ media: z.array(blobMediaViewSchema) }) },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const hashes = [...new Set(request.body.hashes)];
      // Every hash is checked before any file is read: a refusal costs no work.
      for (const hash of hashes) {
        if (!(await ctx.store.libraryHasBlob(user.id, hash))) throw notFound(`blob ${hash}`);
      }
      const media: BlobMediaView[] = [];
      for (const hash of hashes) media.push(await mediaOf(ctx, user.id, hash));
      return { media };
    },
  );
}

async function mediaOf(
  ctx: ServerContext,
  library: UserId,
  hash: BlobHash,
): Promise<BlobMediaView> {
  const made = await ctx.store.mediaFor(library, hash);
  // Read already in the background: its metadata, or why reading failed (then there is none).
  if (made?.meta) return { hash, kind: made.kind, meta: made.meta };
  if (made?.error) return { hash, kind: made.kind, error: made.error };
  // Not read yet (it arrived a moment ago): read now, as the background work will.
  const reading = await ctx.blobs.withLocalFile(hash, readMediaMeta);
  return reading.ok
    ? { hash, kind: reading.kind, meta: reading.meta }
    : { hash, kind: reading.kind, error: reading.error };
}
