import type { DeviceId } from '@keepsake/core';
import { z } from 'zod';
import { newId, newToken, tokenHash } from '../../auth/secrets.js';
import type { DeviceRecord } from '../../store/metadata-store.js';
import { notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';
import { deviceViewSchema } from '../views.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const deviceView = (device: DeviceRecord) => ({
  id: device.id,
  name: device.name,
  createdAt: iso(device.createdAt),
  lastSeenAt: iso(device.lastSeenAt),
  ackedSeq: device.ackedSeq,
  revokedAt: iso(device.revokedAt),
});

export function devicesRoutes(app: ZodApp, ctx: ServerContext): void {
  app.post(
    '/api/v1/devices',
    {
      schema: {
        summary: 'Register a device',
        description:
          'Needs a signed-in user. Returns the device token once; the server keeps only its hash.',
        body: z.object({ name: z.string().min(1).max(200) }),
        response: { 201: z.object({ device: deviceViewSchema, token: z.string() }) },
      },
    },
    async (request, reply) => {
      const { user } = await ctx.auth.user(request);
      const token = newToken();
      const device = await ctx.store.createDevice(
        { id: newId('dev') as DeviceId, userId: user.id, name: request.body.name },
        tokenHash(token),
        ctx.now(),
      );
      return reply.status(201).send({ device: deviceView(device), token });
    },
  );

  app.get(
    '/api/v1/devices',
    {
      schema: {
        summary: "The caller's devices",
        response: {
          200: z.object({
            head: z.number().describe("the library's newest seq"),
            devices: z.array(
              deviceViewSchema.extend({
                behind: z.number().describe('ops of the feed the device has not acknowledged'),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const head = await ctx.store.headSeq(user.id);
      const devices = await ctx.store.devices(user.id);
      return {
        head,
        devices: devices.map((d) => ({ ...deviceView(d), behind: head - d.ackedSeq })),
      };
    },
  );

  app.delete(
    '/api/v1/devices/:id',
    {
      schema: {
        summary: 'Revoke a device',
        description: 'Its token stops working on the next request.',
        params: z.object({ id: z.string().max(100) }),
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const revoked = await ctx.store.revokeDevice(
        user.id,
        request.params.id as DeviceId,
        ctx.now(),
      );
      if (!revoked) throw notFound('device');
      return { ok: true };
    },
  );
}
