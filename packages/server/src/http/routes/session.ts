import { z } from 'zod';
import { newToken, tokenHash, verifyPassword } from '../../auth/secrets.js';
import { ApiError, unauthorized } from '../api-error.js';
import { SESSION_COOKIE } from '../authenticate.js';
import { LoginThrottle } from '../login-throttle.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

const credentials = z.object({
  user: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
});

/**
 * Compared against when the user does not exist, so a wrong name costs as long as a wrong
 * password: the hash of a random password no one kept, with the parameters of every hash.
 */
const DECOY_HASH =
  'scrypt$32768$8$1$7MScotIsqY4rwLQcIiAo_g$kCdAuJe3kko1URTr_HOKptzwy40CoBo4of-5a8NmpQY';

export function sessionRoutes(app: ZodApp, ctx: ServerContext): void {
  const throttle = new LoginThrottle(ctx.now);

  app.post(
    '/api/v1/session',
    {
      schema: {
        summary: 'Sign in',
        description:
          'Returns a session token (also set as an HttpOnly cookie for the web app). A wrong user name and a wrong password get the same answer.',
        body: credentials,
        response: {
          200: z.object({
            token: z.string(),
            user: z.object({ id: z.string(), name: z.string(), isAdmin: z.boolean() }),
          }),
        },
      },
    },
    async (request, reply) => {
      const { user: name, password } = request.body;
      if (throttle.blocked(request.ip, name)) {
        throw new ApiError(
          429,
          'too-many-attempts',
          'too many failed sign-ins; wait a few minutes and try again',
        );
      }
      const user = await ctx.store.userByName(name);
      const ok = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
      if (!user || !user.passwordHash || !ok) {
        throttle.failed(request.ip, name);
        throw unauthorized('user name or password is wrong');
      }
      throttle.succeeded(request.ip, name);
      const token = newToken();
      const expires = ctx.now() + ctx.config.sessionLifetimeMs;
      await ctx.store.createSession(tokenHash(token), user.id, expires);
      void reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(ctx.config.sessionLifetimeMs / 1000)}`,
      );
      return { token, user: { id: user.id, name: user.name, isAdmin: user.isAdmin } };
    },
  );

  app.delete('/api/v1/session', { schema: { summary: 'Sign out' } }, async (request, reply) => {
    const caller = await ctx.auth.user(request);
    if (caller.sessionHash) await ctx.store.deleteSession(caller.sessionHash);
    void reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
    );
    return { ok: true };
  });
}
