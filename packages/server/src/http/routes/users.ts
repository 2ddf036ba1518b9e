import type { UserId } from '@keepsake/core';
import { z } from 'zod';
import { hashPassword, newId } from '../../auth/secrets.js';
import type { UserRecord } from '../../store/metadata-store.js';
import { ApiError, notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';
import { userViewSchema } from '../views.js';

const password = z.string().min(8, 'must be at least 8 characters').max(1000);
const newUser = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[\p{L}\p{N}._-]+$/u, 'may contain only letters, digits, ".", "_" and "-"'),
  password,
  isAdmin: z.boolean().default(false),
  quotaBytes: z.number().int().positive().nullable().default(null),
});

export const userView = (user: UserRecord) => ({
  id: user.id,
  name: user.name,
  isAdmin: user.isAdmin,
  quotaBytes: user.quotaBytes,
  createdAt: new Date(user.createdAt).toISOString(),
});

/** Creates a user with their own empty library. */
export async function createUser(
  ctx: ServerContext,
  spec: { name: string; password: string; isAdmin: boolean; quotaBytes: number | null },
): Promise<UserRecord> {
  if (await ctx.store.userByName(spec.name)) {
    throw new ApiError(409, 'conflict', `a user named ${spec.name} already exists`);
  }
  return ctx.store.createUser(
    {
      id: newId('user') as UserId,
      name: spec.name,
      passwordHash: await hashPassword(spec.password),
      isAdmin: spec.isAdmin,
      quotaBytes: spec.quotaBytes ?? ctx.config.defaultQuotaBytes,
    },
    ctx.now(),
  );
}

export function usersRoutes(app: ZodApp, ctx: ServerContext): void {
  app.post(
    '/api/v1/users',
    {
      schema: {
        summary: 'Create a user (administrators)',
        body: newUser,
        response: { 201: z.object({ user: userViewSchema }) },
      },
    },
    async (request, reply) => {
      await ctx.auth.admin(request);
      const user = await createUser(ctx, request.body);
      return reply.status(201).send({ user: userView(user) });
    },
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        summary: 'List users (administrators)',
        response: { 200: z.object({ users: z.array(userViewSchema) }) },
      },
    },
    async (request) => {
      await ctx.auth.admin(request);
      return { users: (await ctx.store.users()).map(userView) };
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        summary: 'The signed-in user or device',
        response: {
          200: z.object({
            user: userViewSchema,
            device: z.object({ id: z.string(), name: z.string() }).optional(),
          }),
        },
      },
    },
    async (request) => {
      const { user, device } = await ctx.auth.user(request);
      return {
        user: userView(user),
        ...(device && { device: { id: device.id, name: device.name } }),
      };
    },
  );

  app.get(
    '/api/v1/users/lookup',
    {
      schema: {
        summary: 'Find a user by name, to share an album with them',
        querystring: z.object({ name: z.string().min(1).max(64) }),
        response: { 200: z.object({ user: z.object({ id: z.string(), name: z.string() }) }) },
      },
    },
    async (request) => {
      await ctx.auth.user(request);
      const user = await ctx.store.userByName(request.query.name);
      if (!user) throw notFound('user');
      return { user: { id: user.id, name: user.name } };
    },
  );

  app.put(
    '/api/v1/users/:id/password',
    {
      schema: {
        summary: 'Set a password (administrators, or the user themself)',
        params: z.object({ id: z.string().max(100) }),
        body: z.object({ password }),
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request) => {
      // A session, not a device token: a stolen device must not be able to take over the account.
      const { user } = await ctx.auth.session(request);
      const target = request.params.id as UserId;
      if (!user.isAdmin && user.id !== target) throw notFound('user');
      if (!(await ctx.store.userById(target))) throw notFound('user');
      await ctx.store.setPasswordHash(target, await hashPassword(request.body.password));
      return { ok: true as const };
    },
  );
}
