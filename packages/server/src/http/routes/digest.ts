import { digestRequestSchema } from '@keepsake/core';
import type { LibraryDigests } from '../../digest/library-digests.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

export function digestRoutes(app: ZodApp, ctx: ServerContext, digests: LibraryDigests): void {
  app.post(
    '/api/v1/digest',
    {
      schema: {
        summary: "Describe id prefixes of the caller's library digest",
        description:
          'A Merkle-style digest over asset ids: a device proves it is in sync with one request for the prefix "" and finds d differences among n assets in O(d log n) requests. POST because a request may carry up to 1024 prefixes.',
        body: digestRequestSchema,
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      return (await digests.of(user.id)).answer(request.body);
    },
  );
}
