import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_DRIFT_MS } from '@keepsake/core';

/** How a server runs. Every field has an embedded default, so `keepsake serve` needs none. */
export interface ServerConfig {
  /** Holds the metadata database, the blob tree and partial uploads. */
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  /** The largest single upload accepted. */
  readonly maxUploadBytes: number;
  /** Bytes a user may store, unless their own quota says otherwise; null for no limit. */
  readonly defaultQuotaBytes: number | null;
  /** How long an unfinished upload is kept before it expires. */
  readonly uploadExpiryMs: number;
  /** Trashed assets are purged after this many days. */
  readonly trashRetentionDays: number;
  readonly maxClockDriftMs: number;
  readonly sessionLifetimeMs: number;
  /** Threads that decode images for thumbnails; sync never waits for them. */
  readonly mediaWorkers: number;
  /** The built web app served at / (packages/web/dist of this install unless told otherwise). */
  readonly webRoot: string;
  /**
   * Addresses or CIDR ranges of reverse proxies in front of the server (a TLS terminator): a
   * request from one is taken to come from the address its X-Forwarded-For names, so that
   * sign-in throttling counts each client, not the proxy all of them come through.
   */
  readonly trustedProxies: readonly string[];
}

export const DEFAULT_PORT = 7447;

export const defaultConfig = (overrides: Partial<ServerConfig> = {}): ServerConfig => ({
  dataDir: './keepsake-data',
  host: '127.0.0.1',
  port: DEFAULT_PORT,
  maxUploadBytes: 16 * 2 ** 30,
  defaultQuotaBytes: null,
  uploadExpiryMs: 24 * 60 * 60 * 1000,
  trashRetentionDays: 30,
  maxClockDriftMs: DEFAULT_MAX_DRIFT_MS,
  sessionLifetimeMs: 30 * 24 * 60 * 60 * 1000,
  mediaWorkers: Math.max(1, availableParallelism() - 1),
  webRoot: fileURLToPath(new URL('../../web/dist', import.meta.url)),
  trustedProxies: [],
  ...overrides,
});

/** The bytes a user's library may hold: their own quota, else the default; null for no limit. */
export const quotaOf = (
  user: { readonly quotaBytes: number | null },
  config: Pick<ServerConfig, 'defaultQuotaBytes'>,
): number | null => user.quotaBytes ?? config.defaultQuotaBytes;
