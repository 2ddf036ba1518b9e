import type { DeviceId } from '@keepsake/core';
import { z } from 'zod';
import { newId, newToken, tokenHash } from '../../auth/secrets.js';
import type { DeviceRecord } from '../../store/metadata-store.js';
import { badRequest, notFound } from '../api-error.js';
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
  ...(device.status && {
    status: {
      reportedAt: new Date(device.status.reportedAt).toISOString(),
      pendingOps: device.status.pendingOps,
      lastError: device.status.lastError,
    },
  }),
});

/** The longest error a device may report: a message, not a log. */
const MAX_ERROR = 1000;

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
      // A session, not a device token: else a revoked device could have minted itself another.
      const { user } = await ctx.auth.session(request);
      const token = newToken();
      const device = await ctx.store.createDevice(
        { id: newId('dev') as DeviceId, userId: user.id, name: request.body.name },
        tokenHash(token),
        ctx.now(),
      );
      return reply.status(201).send({ device: deviceView(device), token });
    },
  );

  app.put(
    '/api/v1/devices/status',
    {
      schema: {
        summary: 'Report how this device is doing (device tokens)',
        description:
          'What the devices page shows beside how far behind the feed a device is: changes made on it that the server has not answered yet, and the last error its sync met (null once a round went through clean).',
        body: z.object({
          pendingOps: z.number().int().nonnegative(),
          lastError: z.string().max(MAX_ERROR).nullable(),
        }),
      },
    },
    async (request) => {
      const { device } = await ctx.auth.user(request);
      if (!device) {
        throw badRequest('only a device reports its status: call this with a device token');
      }
      await ctx.store.reportDeviceStatus(device.id, { reportedAt: ctx.now(), ...request.body });
      return { ok: true };
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
