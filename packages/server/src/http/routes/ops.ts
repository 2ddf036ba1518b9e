import {
  MAX_OPS_PER_BATCH,
  opSchema,
  type DeviceId,
  type Op,
  type PayloadOf,
  type UserId,
} from '@keepsake/core';
import { z } from 'zod';
import { badRequest } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

const body = z.object({ ops: z.array(opSchema).min(1).max(MAX_OPS_PER_BATCH) });

/**
 * What makes an op one this caller may not send, naming the field; undefined when nothing. Sync:
 * it runs for every op of every batch, the ingest path.
 */
function problemOf(op: Op, user: UserId, device: DeviceId): string | undefined {
  if (op.device !== device || op.hlc.node !== device) {
    return `device: an op must carry this device's own id (${device}) in device and hlc.node`;
  }
  const { payload } = op;
  if (payload.kind === 'createAlbum' && payload.owner !== user) {
    return `payload.owner: an album is created in its owner's library: give your own user id (${user})`;
  }
  if (payload.kind === 'shareAlbum' && payload.role !== null && payload.user === user) {
    return 'payload.user: the album is yours already; share it with another user';
  }
  return undefined;
}

export function opsRoutes(app: ZodApp, ctx: ServerContext): void {
  /** A share given to a user id no user has (the store is asked only for shares, which are few). */
  const unknownSharee = async (share: PayloadOf<'shareAlbum'>) =>
    share.role !== null && !(await ctx.store.userById(share.user))
      ? `payload.user: no user has the id ${share.user}`
      : undefined;

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
        const problem =
          problemOf(op, user.id, device.id) ??
          (op.payload.kind === 'shareAlbum' ? await unknownSharee(op.payload) : undefined);
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
