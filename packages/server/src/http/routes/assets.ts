import { assetIdSchema, type Asset, type BlobHash, type Lww, type UserId } from '@keepsake/core';
import { z } from 'zod';
import type { ServerConfig } from '../../config.js';
import { purgeAfterMs } from '../../maintenance/retention.js';
import { CursorError } from '../../store/cursor.js';
import type { MediaRecord, MetadataStore, StoredEntry } from '../../store/metadata-store.js';
import { badRequest, notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import { sendPart } from './asset-viewer.js';
import { sendBlob } from './blobs.js';
import { searchOf, searchQuerySchema } from './search-query.js';
import type { ZodApp } from '../zod-app.js';
import { assetViewSchema, historyEntrySchema } from '../views.js';

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

/** A resource's media record without derivative hashes (those are fetched by role); pending until read. */
const mediaView = (record: MediaRecord | undefined) =>
  record
    ? {
        ...record,
        derivatives: record.derivatives.map(({ role, width, height }) => ({ role, width, height })),
      }
    : { pending: true as const };

/**
 * What the server read from each resource of the current version: metadata, derivatives, or the
 * error; as the library that holds the asset may be shown it. A trashed asset says when the
 * retention job may purge it.
 */
export async function describeAsset(
  store: MetadataStore,
  config: Pick<ServerConfig, 'trashRetentionDays'>,
  /** The library whose view of each blob's media is shown: one, or chosen per blob. */
  shownAs: UserId | ((hash: BlobHash) => Promise<UserId>),
  asset: Asset,
) {
  const resources = Object.entries(asset.versions[0]?.resources ?? {});
  const libraryFor = typeof shownAs === 'function' ? shownAs : () => Promise.resolve(shownAs);
  // Asked all at once: the store answers in order, and the page waits for one round trip.
  const records = await Promise.all(
    resources.map(async ([, r]) =>
      r ? store.mediaFor(await libraryFor(r.hash), r.hash) : undefined,
    ),
  );
  const media = Object.fromEntries(resources.map(([role], i) => [role, mediaView(records[i])]));
  const { lifecycle } = asset;
  return {
    ...assetView(asset),
    media,
    ...(lifecycle.state === 'trashed' && {
      purgeAfter: new Date(purgeAfterMs(lifecycle.hlc.ms, config)).toISOString(),
    }),
  };
}

/**
 * The derivative blob of an asset's current rendition (its edit, else its original), as the
 * library that holds the asset may be shown it.
 */
export async function derivativeOf(
  store: MetadataStore,
  library: UserId,
  asset: Asset,
  role: 'thumbnail' | 'preview',
) {
  const rendition = renditionOf(asset);
  const record = rendition && (await store.mediaFor(library, rendition.hash));
  return record?.derivatives.find((d) => d.role === role)?.hash;
}

/** An asset's current rendition: its edit, else its original. */
export function renditionOf(asset: Asset) {
  const current = asset.versions[0];
  return current && (current.resources.render ?? current.resources.original);
}

/** A change-log entry as clients read it (an asset's history, the sync inspector). */
export const entryView = (entry: StoredEntry) => ({
  seq: entry.seq,
  receivedAt: new Date(entry.receivedAt).toISOString(),
  op: entry.op,
  outcome: entry.outcome,
});

const assetParams = z.object({ id: assetIdSchema });

export function assetsRoutes(app: ZodApp, ctx: ServerContext): void {
  app.get(
    '/api/v1/assets',
    {
      schema: {
        summary: 'List assets, newest taken first',
        description:
          'Paginated by an opaque cursor: pass `next` back as `cursor`. The search parameters narrow the listing, and /timeline counts its days with the same ones.',
        querystring: searchQuerySchema.extend({
          filter: z
            .enum(['live', 'trashed', 'conflicts'])
            .default('live')
            .describe('live assets, the trash, or assets whose versions are in conflict'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          cursor: z.string().max(1000).optional(),
          day: z
            .union([z.iso.date(), z.literal('unknown')])
            .optional()
            .describe(
              "start at this day of the timeline (as /timeline lists them), or at the assets with no capture time ('unknown'); not with cursor",
            ),
        }),
        response: {
          200: z.object({
            assets: z.array(assetViewSchema),
            next: z.string().optional().describe('the cursor of the next page, if there is one'),
          }),
        },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const { filter, limit, cursor, day, ...searchParams } = request.query;
      if (cursor !== undefined && day !== undefined) {
        throw badRequest('query.day: give a day or a cursor, not both');
      }
      if (filter === 'conflicts' && searchParams.kind !== undefined) {
        throw badRequest(
          'query.kind: filter=conflicts lists conflicts already; give one of the two',
        );
      }
      const search = searchOf(searchParams);
      try {
        const page = await ctx.store.assets(user.id, {
          filter,
          search,
          limit,
          ...(cursor !== undefined && { cursor }),
          ...(day !== undefined && { day }),
        });
        const assets = await Promise.all(
          page.assets.map((a) => describeAsset(ctx.store, ctx.config, user.id, a)),
        );
        return { assets, ...(page.next && { next: page.next }) };
      } catch (error) {
        if (error instanceof CursorError) throw badRequest(`query.cursor: ${error.message}`);
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/timeline',
    {
      schema: {
        summary: "The timeline's days, newest first, with how many live assets each holds",
        description:
          'Days are the dates the photos were taken on where they were taken (as their capture times were recorded, in their own zone), and the photos of each day in the order they were taken; `day: null` holds the assets with none. Enough to lay out a whole timeline (and its date scrubber) before loading a photo of it. With search parameters, only the assets the same listing finds are counted.',
        querystring: searchQuerySchema,
        response: {
          200: z.object({
            days: z.array(z.object({ day: z.string().nullable(), count: z.number() })),
            head: z
              .number()
              .describe(
                "the library's head when the days were counted: they hold every change up to it",
              ),
          }),
        },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      // Read first: a commit between the two reads is counted, and makes the head only older.
      const head = await ctx.store.headSeq(user.id);
      const days = await ctx.store.timelineDays(user.id, searchOf(request.query));
      return {
        days: days.map(({ day, count }) => ({ day: day === '' ? null : day, count })),
        head,
      };
    },
  );

  app.get(
    '/api/v1/assets/:id',
    {
      schema: {
        summary: 'One asset',
        params: assetParams,
        response: { 200: z.object({ asset: assetViewSchema }) },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const asset = await ctx.store.asset(user.id, request.params.id);
      if (!asset) throw notFound('asset');
      return { asset: await describeAsset(ctx.store, ctx.config, user.id, asset) };
    },
  );

  app.get(
    '/api/v1/assets/:id/original',
    {
      schema: {
        summary: "Download the asset's original, bit-exact, under its file name",
        params: assetParams,
      },
    },
    (request, reply) => sendPart(ctx, request, reply, request.params.id, 'original'),
  );

  app.get(
    '/api/v1/assets/:id/derivatives/:role',
    {
      schema: {
        summary: "A thumbnail (~320 px) or preview (~1600 px) of the asset's current rendition",
        params: assetParams.extend({ role: z.enum(['thumbnail', 'preview']) }),
      },
    },
    async (request, reply) => {
      const { user } = await ctx.auth.user(request);
      const asset = await ctx.store.asset(user.id, request.params.id);
      const hash = asset && (await derivativeOf(ctx.store, user.id, asset, request.params.role));
      if (!hash) throw notFound(`${request.params.role} for this asset`);
      return sendBlob(ctx, request, reply, hash, {
        contentType: 'image/webp',
        addressedBy: 'asset',
      });
    },
  );

  app.get(
    '/api/v1/assets/:id/history',
    {
      schema: {
        summary: "An asset's history: every op that named or changed it, with its outcome",
        params: assetParams,
        response: { 200: z.object({ history: z.array(historyEntrySchema) }) },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const id = request.params.id;
      const history = await ctx.store.history(user.id, id);
      if (history.length === 0 && !(await ctx.store.asset(user.id, id))) throw notFound('asset');
      return { history: history.map(entryView) };
    },
  );
}
