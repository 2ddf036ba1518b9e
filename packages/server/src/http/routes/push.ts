import type { UserId } from '@keepsake/core';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../authenticate.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

/**
 * A change after a quiet spell is told at once; changes that follow it within this window
 * reach a client as one message at its end, so a busy library does not flood a socket.
 */
const COALESCE_MS = 50;

/**
 * The push channel: a WebSocket that says "library changed, head is N" after each commit.
 * It is a hint only — devices poll the feed too, so a blocked socket delays sync, never
 * stalls it. Messages: `{ type: 'hello', head }` on connect, then `{ type: 'changed', head }`.
 */
export function pushRoutes(app: ZodApp, ctx: ServerContext): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  app.get(
    '/api/v1/push',
    {
      websocket: true,
      schema: { hide: true },
      // Authenticate before the upgrade, so a bad token gets a plain 401.
      preValidation: async (request) => {
        callers.set(request, await ctx.auth.user(request));
      },
    },
    async (socket, request) => {
      const caller = callers.get(request);
      if (!caller) {
        socket.close(1008, 'unauthorized');
        return;
      }
      const library = caller.user.id;
      let pending: NodeJS.Timeout | undefined;
      let latest = 0;
      let sent = 0;
      let lastSentAt = -Infinity;
      const send = () => {
        pending = undefined;
        if (latest === sent) return;
        sent = latest;
        lastSentAt = Date.now();
        socket.send(JSON.stringify({ type: 'changed', head: latest }));
      };
      const onChanged = (changed: UserId, head: number) => {
        if (changed !== library) return;
        latest = Math.max(latest, head);
        const wait = lastSentAt + COALESCE_MS - Date.now();
        if (wait <= 0 && !pending) send();
        else pending ??= setTimeout(send, Math.max(0, wait));
      };
      ctx.feed.on('changed', onChanged);
      socket.on('close', () => {
        ctx.feed.off('changed', onChanged);
        clearTimeout(pending);
      });
      socket.send(JSON.stringify({ type: 'hello', head: await ctx.store.headSeq(library) }));
    },
  );
}
