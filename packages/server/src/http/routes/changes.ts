import { assetIdSchema, loggedOpSchema } from '@keepsake/core';
import { z } from 'zod';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';
import { historyEntrySchema } from '../views.js';
import { entryView } from './assets.js';

const MAX_PAGE = 5000;
const MAX_LOG_PAGE = 500;

const query = z.object({
  since: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(1000),
});

const logQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(0)
    .describe('only entries after this seq: pass the last `head` to read what arrived since'),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .describe('only entries before this seq: pass the oldest seq shown to read older ones'),
  limit: z.coerce.number().int().min(1).max(MAX_LOG_PAGE).default(100),
  device: loggedOpSchema.shape.device
    .optional()
    .describe("only this device's ops (an id from GET /api/v1/devices)"),
  asset: assetIdSchema.optional().describe('only the ops that named or changed this asset'),
});

export function changesRoutes(app: ZodApp, ctx: ServerContext): void {
  app.get(
    '/api/v1/changes',
    {
      schema: {
        summary: 'The change feed',
        description:
          'Log entries after `since`, in seq order, with their outcomes. A reader is caught up when it reaches `head`. Reading from `since` tells the server the device has applied everything up to it.',
        querystring: query,
      },
    },
    async (request, reply) => {
      const { user, device } = await ctx.auth.user(request);
      const { since, limit } = request.query;
      const page = await ctx.store.changesJson(user.id, since, limit);
      // A position past the head acknowledges nothing that exists (and, kept, would hold the
      // device's position there for good: it only ever rises).
      if (device) await ctx.store.deviceSeen(device.id, ctx.now(), Math.min(since, page.head));
      // Stored ops and outcomes are JSON already: the page is sent without parsing them.
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"entries":${page.entries},"head":${page.head},"serverTime":${ctx.now()}}`);
    },
  );

  // A route of its own, not the feed with flags: the feed is how a device catches up, and
  // reading it acknowledges the entries (its position on the devices page); this one is for
  // people watching the log, newest first, and moves no device's position whoever reads it.
  app.get(
    '/api/v1/log',
    {
      schema: {
        summary: 'The change log, newest first (the sync inspector)',
        description:
          "The newest `limit` entries between `after` and `before`, narrowed to one device's ops and/or one asset's. `more` says there are older ones in the range. Reading it acknowledges nothing: devices catch up with GET /api/v1/changes.",
        querystring: logQuery,
        response: {
          200: z.object({
            entries: z.array(historyEntrySchema),
            more: z.boolean(),
            head: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const { after, before, limit, device, asset } = request.query;
      const page = await ctx.store.logPage(user.id, {
        after,
        limit,
        ...(before !== undefined && { before }),
        ...(device !== undefined && { device }),
        ...(asset !== undefined && { asset }),
      });
      return { entries: page.entries.map(entryView), more: page.more, head: page.head };
    },
  );
}
