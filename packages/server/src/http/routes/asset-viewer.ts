import { assetIdSchema, isVideoExt, type Asset, type Resource } from '@keepsake/core';
import { z } from 'zod';
import { notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';
import { sendBlob } from './blobs.js';

// What a viewer of one asset asks for besides the asset itself: the way to the photos beside
// it, and its moving picture.

const params = z.object({ id: assetIdSchema });

const VIDEO_TYPES: Readonly<Record<string, string>> = {
  mov: 'video/quicktime',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
};

/**
 * The resource that moves: a Live Photo's video half, else the current rendition when it is a
 * video (an edit's render before the original it replaced).
 */
export function motionOf(asset: Asset): Resource | undefined {
  const resources = asset.versions[0]?.resources;
  if (!resources) return undefined;
  if (resources.live) return resources.live;
  const shown = resources.render ?? resources.original;
  return isVideoExt(shown.ext) ? shown : undefined;
}

export function assetViewerRoutes(app: ZodApp, ctx: ServerContext): void {
  app.get(
    '/api/v1/assets/:id/neighbours',
    {
      schema: {
        summary: 'The photos beside this one on the timeline',
        description:
          'The next newer and next older live asset in the timeline order (newest taken first), where there is one; neither for an asset in the trash.',
        params,
        response: {
          200: z.object({ newer: z.string().optional(), older: z.string().optional() }),
        },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const { id } = request.params;
      if (!(await ctx.store.asset(user.id, id))) throw notFound('asset');
      return ctx.store.timelineNeighbours(user.id, id);
    },
  );

  app.get(
    '/api/v1/assets/:id/motion',
    {
      schema: {
        summary: "The asset's moving picture, to play inline",
        description:
          "A Live Photo's video half, or a video's current rendition; supports HTTP Range for seeking. 404 for a still.",
        params,
      },
    },
    async (request, reply) => {
      const { user } = await ctx.auth.user(request);
      const asset = await ctx.store.asset(user.id, request.params.id);
      const motion = asset && motionOf(asset);
      if (!motion) throw notFound('moving picture for this asset');
      return sendBlob(ctx, request, reply, motion.hash, {
        contentType: VIDEO_TYPES[motion.ext.toLowerCase()] ?? 'application/octet-stream',
        addressedBy: 'asset',
      });
    },
  );
}
