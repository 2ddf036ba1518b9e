import type { BlobHash, UserId } from '@keepsake/core';
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../authenticate.js';
import type { ServerContext } from '../server-context.js';
import type { ZodApp } from '../zod-app.js';

/**
 * A change after a quiet spell is told at once; changes that follow it within this window
 * reach a client as one message at its end, so a busy library does not flood a socket.
 */
const COALESCE_MS = 50;

/** Calls `send` at once after a quiet spell, and at most once per COALESCE_MS while busy. */
function coalescing(send: () => void) {
  let pending: NodeJS.Timeout | undefined;
  let lastSentAt = -Infinity;
  const fire = () => {
    pending = undefined;
    lastSentAt = Date.now();
    send();
  };
  return {
    poke(): void {
      const wait = lastSentAt + COALESCE_MS - Date.now();
      if (wait <= 0 && !pending) fire();
      else pending ??= setTimeout(fire, Math.max(0, wait));
    },
    stop(): void {
      clearTimeout(pending);
    },
  };
}

/**
 * The push channel: a WebSocket that says "library changed, head is N" after each commit.
 * It is a hint only — devices poll the feed too, so a blocked socket delays sync, never
 * stalls it. Messages: `{ type: 'hello', head }` on connect, then `{ type: 'changed', head }`;
 * and `{ type: 'media' }` when the server has made thumbnails of blobs of the library (no
 * head: a device syncing files has nothing to fetch, a page showing photos reloads them).
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
      let latest = 0;
      let sent = 0;
      const changes = coalescing(() => {
        if (latest === sent) return;
        sent = latest;
        socket.send(JSON.stringify({ type: 'changed', head: latest }));
      });
      const media = coalescing(() => {
        socket.send(JSON.stringify({ type: 'media' }));
      });
      const onChanged = (changed: UserId, head: number) => {
        if (changed !== library) return;
        latest = Math.max(latest, head);
        changes.poke();
      };
      const onMedia = (hash: BlobHash) => {
        void ctx.store.libraryHasBlob(library, hash).then((held) => {
          if (held) media.poke();
        });
      };
      ctx.feed.on('changed', onChanged);
      ctx.feed.on('media', onMedia);
      socket.on('close', () => {
        ctx.feed.off('changed', onChanged);
        ctx.feed.off('media', onMedia);
        changes.stop();
        media.stop();
      });
      socket.send(JSON.stringify({ type: 'hello', head: await ctx.store.headSeq(library) }));
    },
  );
}
