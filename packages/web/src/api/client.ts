import createClient from 'openapi-fetch';
import type { paths } from './openapi.js';

/**
 * The API, typed from the server's own OpenAPI document (openapi.d.ts, generated). Same origin:
 * the session cookie the sign-in set goes with every call, images included.
 */
export const api = createClient<paths>({ baseUrl: '' });

type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

export type Me = Json<'/api/v1/me', 'get'>;
export type AssetView = Json<'/api/v1/assets/{id}', 'get'>['asset'];
export type HistoryEntry = Json<'/api/v1/assets/{id}/history', 'get'>['history'][number];
/** An op as the op route takes it. */
export type WireOp =
  paths['/api/v1/ops']['post']['requestBody']['content']['application/json']['ops'][number];
export type DeviceView = Json<'/api/v1/devices', 'get'>['devices'][number];
export type LogPage = Json<'/api/v1/log', 'get'>;

/**
 * What a failed call says, for a person: the server's own message (`{ error: { message } }`)
 * where it sent one, else its status.
 */
export function failureMessage(failed: { error?: unknown; response: Response }): string {
  const body: unknown = failed.error;
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const { error } = body;
    if (typeof error === 'object' && error !== null && 'message' in error) {
      return String(error.message);
    }
  }
  return `the server answered ${failed.response.status} ${failed.response.statusText}`;
}

/** The URL of an asset's thumbnail or preview (cookie-authenticated, cached by the browser). */
export const derivativeUrl = (id: string, role: 'thumbnail' | 'preview') =>
  `/api/v1/assets/${encodeURIComponent(id)}/derivatives/${role}`;
