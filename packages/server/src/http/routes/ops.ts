import { MAX_OPS_PER_BATCH, opSchema, type DeviceId, type Op, type UserId } from '@keepsake/core';
import { z } from 'zod';
import { badRequest } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

const body = z.object({ ops: z.array(opSchema).min(1).max(MAX_OPS_PER_BATCH) });

export function opsRoutes(app: ZodApp, ctx: ServerContext): void {
  /** What makes an op one this caller may not send, naming the field; undefined when nothing. */
  const problemOf = async (op: Op, user: UserId, device: DeviceId) => {
    if (op.device !== device || op.hlc.node !== device) {
      return `device: an op must carry this device's own id (${device}) in device and hlc.node`;
    }
    const { payload } = op;
    if (payload.kind === 'createAlbum' && payload.owner !== user) {
      return `payload.owner: an album is created in its owner's library: give your own user id (${user})`;
    }
    if (payload.kind === 'shareAlbum' && payload.role !== null) {
      if (payload.user === user) {
        return 'payload.user: the album is yours already; share it with another user';
      }
      if (!(await ctx.store.userById(payload.user))) {
        return `payload.user: no user has the id ${payload.user}`;
      }
    }
    return undefined;
  };

  app.post(
    '/api/v1/ops',
    {
      schema: {
        summary: 'Submit a batch of ops',
        description:
          'Each op is applied with the merge rules and logged with its outcome, or refused for now (`retry`). Safe to send again whole: a logged op answers `duplicate` with its first outcome.',
        body,
      },
    },
    async (request) => {
      const { user, device } = await ctx.auth.device(request);
      const { ops } = request.body;
      for (const [i, op] of ops.entries()) {
        const problem = await problemOf(op, user.id, device.id);
        if (problem) throw badRequest(`body.ops.${String(i)}.${problem}`);
      }
      const results = await ctx.store.submitOps(user.id, ops, {
        nowMs: ctx.now(),
        maxDriftMs: ctx.config.maxClockDriftMs,
      });
      for (const r of results) ctx.metrics.opOutcomes.inc({ status: r.status });
      return { results, serverTime: ctx.now() };
    },
  );
}
