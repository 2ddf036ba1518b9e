import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { newToken, tokenHash } from '../../auth/secrets.js';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';
import { userViewSchema } from '../views.js';
import { createUser, userView } from './users.js';

const SETUP_TOKEN = 'setup-token-hash';

/**
 * First start: with no users, the server makes the admin from KEEPSAKE_ADMIN_PASSWORD if set,
 * else issues a one-time setup token (only its hash is kept) and says where to use it.
 */
export async function bootstrapAdmin(
  ctx: ServerContext,
  env: { user?: string | undefined; password?: string | undefined },
): Promise<{ setupToken?: string }> {
  if ((await ctx.store.users()).length > 0) return {};
  const name = env.user ?? 'admin';
  if (env.password !== undefined) {
    await createUser(ctx, { name, password: env.password, isAdmin: true, quotaBytes: null });
    return {};
  }
  const token = newToken();
  await ctx.store.putSetting(SETUP_TOKEN, tokenHash(token));
  return { setupToken: token };
}

export function setupRoutes(app: ZodApp, ctx: ServerContext): void {
  app.post(
    '/api/v1/setup',
    {
      schema: {
        summary: 'Create the first administrator with the one-time setup token',
        body: z.object({
          token: z.string().min(1).max(200),
          user: z.string().min(1).max(64).default('admin'),
          password: z.string().min(8, 'must be at least 8 characters').max(1000),
        }),
        response: { 201: z.object({ user: userViewSchema }) },
      },
    },
    async (request, reply) => {
      const stored = await ctx.store.setting(SETUP_TOKEN);
      const given = tokenHash(request.body.token);
      if (stored === undefined || !timingSafeEqual(Buffer.from(stored), Buffer.from(given))) {
        throw new ApiError(
          403,
          'forbidden',
          'this setup token is not valid (it works once, before any user exists)',
        );
      }
      await ctx.store.deleteSetting(SETUP_TOKEN);
      const user = await createUser(ctx, {
        name: request.body.user,
        password: request.body.password,
        isAdmin: true,
        quotaBytes: null,
      });
      return reply.status(201).send({ user: userView(user) });
    },
  );
}
