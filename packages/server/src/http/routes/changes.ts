import { z } from 'zod';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

const MAX_PAGE = 5000;

const query = z.object({
  since: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(1000),
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
      if (device) await ctx.store.deviceSeen(device.id, ctx.now(), since);
      // Stored ops and outcomes are JSON already: the page is sent without parsing them.
      return reply
        .type('application/json; charset=utf-8')
        .send(`{"entries":${page.entries},"head":${page.head},"serverTime":${ctx.now()}}`);
    },
  );
}
