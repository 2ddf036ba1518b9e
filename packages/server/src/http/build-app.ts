import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { handleError } from './error-handler.js';
import { albumsRoutes } from './routes/albums.js';
import { assetViewerRoutes } from './routes/asset-viewer.js';
import { assetsRoutes } from './routes/assets.js';
import { blobMediaRoutes } from './routes/blob-media.js';
import { blobsRoutes } from './routes/blobs.js';
import { changesRoutes } from './routes/changes.js';
import { LibraryDigests } from '../digest/library-digests.js';
import { devicesRoutes } from './routes/devices.js';
import { digestRoutes } from './routes/digest.js';
import { opsRoutes } from './routes/ops.js';
import { pushRoutes } from './routes/push.js';
import { sessionRoutes } from './routes/session.js';
import { setupRoutes } from './routes/setup.js';
import { uploadsRoutes } from '../uploads/uploads-routes.js';
import { usersRoutes } from './routes/users.js';
import { webAppRoutes } from './web-app.js';
import type { ServerContext } from './server-context.js';
import type { ZodApp } from './zod-app.js';

/** JSON bodies are ops batches at most (1000 ops); blob bytes go through uploads. */
const BODY_LIMIT = 8 * 1024 * 1024;

export interface BuiltApp {
  readonly app: ZodApp;
  /** Removes unfinished uploads past their expiry; returns how many. */
  readonly expireStaleUploads: () => Promise<number>;
}

export async function buildApp(
  ctx: ServerContext,
  logger: FastifyServerOptions['logger'] = false,
): Promise<BuiltApp> {
  const { trustedProxies } = ctx.config;
  const app = Fastify({
    logger,
    bodyLimit: BODY_LIMIT,
    ...(trustedProxies.length > 0 && { trustProxy: [...trustedProxies] }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.addHook('onResponse', (request, reply, done) => {
    ctx.metrics.requests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
    });
    done();
  });
  // A request still running when the server stops is answered, then its connection closed:
  // kept alive, it would hold the stop up for the whole keep-alive timeout.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('x-content-type-options', 'nosniff');
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Keepsake',
        version: '1',
        description: 'Self-hosted photo library sync: ops, change feed, resumable uploads, blobs.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
  // Page loads of the web app: every GET from a browser that no API route answers.
  const webPage = await webAppRoutes(app, ctx.config.webRoot);
  app.setNotFoundHandler(
    (request, reply) =>
      webPage(request, reply) ??
      reply.status(404).send({
        error: {
          code: 'not-found',
          message: `no route ${request.method} ${request.url}; see /api/docs`,
        },
      }),
  );
  app.get('/healthz', { schema: { hide: true } }, async () => {
    await ctx.store.setting('health-probe');
    return { ok: true };
  });
  // Metrics name devices and users, so only an administrator (session or device token) reads them.
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    await ctx.auth.admin(request);
    return reply
      .header('content-type', ctx.metrics.registry.contentType)
      .send(await ctx.metrics.registry.metrics());
  });
  app.get('/api/docs', { schema: { hide: true } }, () => app.swagger());
  setupRoutes(app, ctx);
  sessionRoutes(app, ctx);
  usersRoutes(app, ctx);
  devicesRoutes(app, ctx);
  opsRoutes(app, ctx);
  changesRoutes(app, ctx);
  pushRoutes(app, ctx);
  blobsRoutes(app, ctx);
  blobMediaRoutes(app, ctx);
  assetsRoutes(app, ctx);
  assetViewerRoutes(app, ctx);
  albumsRoutes(app, ctx);
  digestRoutes(app, ctx, new LibraryDigests(ctx.store, ctx.now));
  const uploads = uploadsRoutes(app, ctx);
  await app.ready();
  return { app, expireStaleUploads: () => uploads.expireStale() };
}
