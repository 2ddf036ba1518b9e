import { MAX_OPS_PER_BATCH, opSchema } from '@keepsake/core';
import { z } from 'zod';
import { badRequest } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

const body = z.object({ ops: z.array(opSchema).min(1).max(MAX_OPS_PER_BATCH) });

export function opsRoutes(app: ZodApp, ctx: ServerContext): void {
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
      ops.forEach((op, i) => {
        if (op.device !== device.id || op.hlc.node !== device.id) {
          throw badRequest(
            `body.ops.${i}.device: an op must carry this device's own id (${device.id}) in device and hlc.node`,
          );
        }
      });
      const results = await ctx.store.submitOps(user.id, ops, {
        nowMs: ctx.now(),
        maxDriftMs: ctx.config.maxClockDriftMs,
      });
      for (const r of results) ctx.metrics.opOutcomes.inc({ status: r.status });
      return { results, serverTime: ctx.now() };
    },
  );
}
