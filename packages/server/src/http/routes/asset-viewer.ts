import {
  assetIdSchema,
  isVideoExt,
  RESOURCE_ROLES,
  type Asset,
  type AssetId,
  type Resource,
  type ResourceRole,
} from '@keepsake/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';
import { sendBlob } from './blobs.js';

// What a viewer of one asset asks for besides the asset itself: the way to the photos beside
// it, its moving picture, and each of its files to download.

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

/**
 * The name a part downloads under: the asset's file name (its first placement) for the original,
 * and that name with the part's own extension for the others (a Live Photo's IMG_0001.HEIC has
 * its video as IMG_0001.MOV).
 */
function partFileName(asset: Asset, role: ResourceRole, part: Resource): string {
  const path = [...asset.paths.keys()].sort()[0];
  const name = path?.split('/').pop();
  if (name === undefined) return `${asset.id.slice(0, 12)}.${part.ext}`;
  if (role === 'original') return name;
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.${part.ext}`;
}

/** Sends one part of the asset's current version, bit-exact, as an attachment under its name. */
export async function sendPart(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  id: AssetId,
  role: ResourceRole,
) {
  const { user } = await ctx.auth.user(request);
  const asset = await ctx.store.asset(user.id, id);
  const part = asset?.versions[0]?.resources[role];
  if (!asset || !part) throw notFound(`${role} for this asset`);
  return sendBlob(ctx, request, reply, part.hash, {
    fileName: partFileName(asset, role, part),
    addressedBy: 'asset',
  });
}

export function assetViewerRoutes(app: ZodApp, ctx: ServerContext): void {
  app.get(
    '/api/v1/assets/:id/parts/:role',
    {
      schema: {
        summary: "Download one file of the asset's current version, bit-exact, under its name",
        description:
          "The original, a Live Photo's video (live), the RAW beside a JPEG (raw), an edit's rendition (render) or a sidecar; 404 for a part the asset does not have.",
        params: params.extend({ role: z.enum(RESOURCE_ROLES) }),
      },
    },
    (request, reply) => sendPart(ctx, request, reply, request.params.id, request.params.role),
  );

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
