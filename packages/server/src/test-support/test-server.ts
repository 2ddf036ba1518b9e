import { createHash } from 'node:crypto';
import { afterEach } from 'vitest';
import { defaultConfig, type ServerConfig } from '../config.js';
import { startServer, type RunningServer } from '../start-server.js';
import { tempDir } from './temp-dir.js';

export const ADMIN_PASSWORD = 'correct horse battery';

export interface Api {
  (
    path: string,
    init?: {
      method?: string;
      body?: unknown;
      token?: string | undefined;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
}

export interface TestServer {
  readonly server: RunningServer;
  readonly dataDir: string;
  readonly api: Api;
  /** A fresh user with one registered device. */
  userWithDevice(
    name: string,
  ): Promise<{ userId: string; deviceId: string; token: string; session: string }>;
}

/** A real server on a loopback port over a temporary data directory, closed after the test. */
export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  now?: () => number,
): Promise<TestServer> {
  const dataDir = tempDir();
  const server = await startServer(defaultConfig({ dataDir, port: 0, ...overrides }), {
    adminPassword: ADMIN_PASSWORD,
    ...(now && { now }),
  });
  afterEach(() => server.close());
  const api: Api = (path, init = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.body !== undefined && { 'content-type': 'application/json' }),
        ...(init.token !== undefined && { authorization: `Bearer ${init.token}` }),
        ...init.headers,
      },
      ...(init.body !== undefined && {
        body:
          typeof init.body === 'string' || init.body instanceof Uint8Array
            ? init.body
            : JSON.stringify(init.body),
      }),
    });
  const json = async <T>(response: Response): Promise<T> => (await response.json()) as T;
  const signIn = async (user: string, password: string) =>
    (await json<{ token: string }>(await api('/api/v1/session', { body: { user, password } })))
      .token;

  return {
    server,
    dataDir,
    api,
    async userWithDevice(name) {
      const admin = await signIn('admin', ADMIN_PASSWORD);
      const password = `${name}-password`;
      const created = await json<{ user: { id: string } }>(
        await api('/api/v1/users', { token: admin, body: { name, password } }),
      );
      const session = await signIn(name, password);
      const registered = await json<{ device: { id: string }; token: string }>(
        await api('/api/v1/devices', { token: session, body: { name: `${name}'s laptop` } }),
      );
      return {
        userId: created.user.id,
        deviceId: registered.device.id,
        token: registered.token,
        session,
      };
    },
  };
}

export const sha256Of = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

/** The tus `Upload-Metadata` header: keys with base64 values. */
export const tusMetadata = (values: Record<string, string>): string =>
  Object.entries(values)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

const TUS = { 'tus-resumable': '1.0.0' };

/**
 * Creates an upload of `bytes`; with `whole`, its body goes in the same request (tus
 * creation-with-upload), as the agent sends a photo.
 */
export async function createUpload(
  api: Api,
  token: string,
  bytes: Uint8Array,
  hash = sha256Of(bytes),
  whole = false,
): Promise<Response> {
  return api('/api/v1/uploads', {
    method: 'POST',
    token,
    headers: {
      ...TUS,
      'upload-length': String(bytes.length),
      'upload-metadata': tusMetadata({ sha256: hash }),
      ...(whole && { 'content-type': 'application/offset+octet-stream' }),
    },
    ...(whole && { body: Buffer.from(bytes) }),
  });
}

/** The address a creation answered with (tus gives it relative to the server), made whole. */
export const locationOf = (created: Response, server: string): string =>
  new URL(created.headers.get('location') ?? '', server).href;

export async function patchUpload(
  url: string,
  token: string,
  offset: number,
  chunk: Uint8Array,
): Promise<Response> {
  return fetch(url, {
    method: 'PATCH',
    headers: {
      ...TUS,
      authorization: `Bearer ${token}`,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
    },
    body: chunk,
  });
}

/** Uploads whole bytes in one PATCH; returns the final response (201 for an empty file: done at creation). */
export async function uploadBlob(api: Api, token: string, bytes: Uint8Array): Promise<Response> {
  const created = await createUpload(api, token, bytes);
  if (created.status !== 201 || bytes.length === 0) return created;
  return patchUpload(locationOf(created, created.url), token, 0, bytes);
}
