import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { BlobGate } from './blobs/blob-gate.js';
import { FolderBlobStore } from './blobs/folder-blob-store.js';
import type { ServerConfig } from './config.js';
import { lockDataDir } from './data-dir-lock.js';
import { Authenticator } from './http/authenticate.js';
import { buildApp } from './http/build-app.js';
import { Metrics } from './http/metrics.js';
import { bootstrapAdmin } from './http/routes/setup.js';
import type { ServerContext } from './http/server-context.js';
import type { ZodApp } from './http/zod-app.js';
import { DerivativeWorkers } from '@keepsake/media';
import { runRetention, type RetentionReport } from './maintenance/retention.js';
import { MediaProcessor } from './media/media-processor.js';
import { openStoreThread } from './store/sqlite/store-thread.js';
import type { MetadataStore } from './store/metadata-store.js';

export interface RunningServer {
  /** Removes unfinished uploads past their expiry now (it also runs every hour). */
  expireStaleUploads(): Promise<number>;
  /** Runs the trash retention and blob collection now (it also runs once a day). */
  runRetention(): Promise<RetentionReport>;
  readonly media: MediaProcessor;
  readonly url: string;
  readonly app: ZodApp;
  readonly context: ServerContext;
  /** Set on a first start without KEEPSAKE_ADMIN_PASSWORD: the one-time token that creates the admin. */
  readonly setupToken?: string;
  /** Stops taking requests, lets in-flight ones finish (their writes commit), then closes the stores. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: FastifyServerOptions['logger'];
  readonly adminUser?: string | undefined;
  readonly adminPassword?: string | undefined;
  readonly now?: () => number;
}

const UPLOAD_SWEEP_MS = 60 * 60 * 1000;
const RETENTION_EVERY_MS = 24 * 60 * 60 * 1000;

/** The layout of a data directory. */
export const dataPaths = (dataDir: string) => ({
  database: join(dataDir, 'keepsake.db'),
  blobs: join(dataDir, 'blobs'),
  uploads: join(dataDir, 'uploads'),
});

export async function startServer(
  config: ServerConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const paths = dataPaths(config.dataDir);
  mkdirSync(paths.blobs, { recursive: true });
  mkdirSync(paths.uploads, { recursive: true });
  const lock = lockDataDir(config.dataDir);
  const store = await openStoreThread(paths.database).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  try {
    const server = await serve(config, options, paths, store);
    return {
      ...server,
      close: async () => {
        await server.close();
        lock.release();
      },
    };
  } catch (error) {
    // The store's thread would keep the process alive after a failed start (a port in use).
    await store.close();
    lock.release();
    throw error;
  }
}

async function serve(
  config: ServerConfig,
  options: StartOptions,
  paths: ReturnType<typeof dataPaths>,
  store: MetadataStore,
): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  // Every committed batch, whoever sent it, is pushed to the library's devices; so is each
  // blob's media once made (a thumbnail changes no asset, so moves no head).
  const feed = new EventEmitter().setMaxListeners(0);
  store.onCommit((library, { head }) => feed.emit('changed', library, head));
  const blobs = new FolderBlobStore(paths.blobs);
  const blobGate = new BlobGate();
  const media = new MediaProcessor(
    store,
    blobs,
    blobGate,
    new DerivativeWorkers(config.mediaWorkers),
    paths.uploads,
    now,
    (hash) => feed.emit('media', hash),
  );
  const context: ServerContext = {
    config,
    store,
    blobs,
    blobGate,
    media,
    auth: new Authenticator(store, now),
    feed,
    metrics: new Metrics(store),
    now,
  };
  const { app, expireStaleUploads } = await buildApp(context, options.logger ?? false);
  media.attach(app.log);
  store.onTrouble((during, error) => {
    app.log.error({ err: error }, `${during} failed; it is tried again`);
  });
  const { setupToken } = await bootstrapAdmin(context, {
    user: options.adminUser,
    password: options.adminPassword,
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  media.start();
  const retention = () => runRetention(store, blobs, blobGate, config, now());
  const daily = setInterval(() => {
    retention().catch((error: unknown) => {
      app.log.error({ err: error }, 'trash retention failed');
    });
  }, RETENTION_EVERY_MS).unref();
  const sweep = setInterval(() => {
    expireStaleUploads().catch((error: unknown) => {
      app.log.error({ err: error }, 'expiring stale uploads failed');
    });
  }, UPLOAD_SWEEP_MS).unref();
  return {
    url,
    app,
    context,
    media,
    runRetention: retention,
    expireStaleUploads,
    ...(setupToken !== undefined && { setupToken }),
    close: async () => {
      clearInterval(sweep);
      clearInterval(daily);
      await app.close();
      await media.stop();
      await store.close();
    },
  };
}
