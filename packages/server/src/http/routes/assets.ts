import { asAssetId, type Asset, type Lww } from '@keepsake/core';
import { z } from 'zod';
import { CursorError } from '../../store/cursor.js';
import type { StoredEntry } from '../../store/metadata-store.js';
import { badRequest, notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

/** An asset as clients read it: sets as sorted lists, fields as plain values. */
export function assetView(asset: Asset) {
  const fields = Object.fromEntries(
    (Object.entries(asset.fields) as [string, Lww<unknown>][]).map(([name, lww]) => [
      name,
      lww.value,
    ]),
  );
  return {
    id: asset.id,
    lifecycle: asset.lifecycle,
    inConflict: asset.versions.length > 1,
    versions: asset.versions,
    fields,
    paths: [...asset.paths.keys()].sort(),
    keywords: [...asset.keywords.keys()].sort(),
  };
}

const entryView = (entry: StoredEntry) => ({
  seq: entry.seq,
  receivedAt: new Date(entry.receivedAt).toISOString(),
  op: entry.op,
  outcome: entry.outcome,
});

const assetParams = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/, 'must be an asset id (a lowercase hex SHA-256)'),
});

export function assetsRoutes(app: ZodApp, ctx: ServerContext): void {
  app.get(
    '/api/v1/assets',
    {
      schema: {
        summary: 'List assets, newest taken first',
        description: 'Paginated by an opaque cursor: pass `next` back as `cursor`.',
        querystring: z.object({
          trashed: z.stringbool().default(false),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          cursor: z.string().max(1000).optional(),
        }),
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const { trashed, limit, cursor } = request.query;
      try {
        const page = await ctx.store.assets(user.id, {
          lifecycle: trashed ? 'trashed' : 'live',
          limit,
          ...(cursor !== undefined && { cursor }),
        });
        return { assets: page.assets.map(assetView), ...(page.next && { next: page.next }) };
      } catch (error) {
        if (error instanceof CursorError) throw badRequest(`query.cursor: ${error.message}`);
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/assets/:id',
    { schema: { summary: 'One asset', params: assetParams } },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const asset = await ctx.store.asset(user.id, asAssetId(request.params.id));
      if (!asset) throw notFound('asset');
      return { asset: assetView(asset) };
    },
  );

  app.get(
    '/api/v1/assets/:id/history',
    {
      schema: {
        summary: "An asset's history: every op that named or changed it, with its outcome",
        params: assetParams,
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const id = asAssetId(request.params.id);
      const history = await ctx.store.history(user.id, id);
      if (history.length === 0 && !(await ctx.store.asset(user.id, id))) throw notFound('asset');
      return { history: history.map(entryView) };
    },
  );
}
