import { Agent, request as httpRequest } from 'node:http';
import { asDeviceId, asUserId, type DeviceId, type UserId } from '@keepsake/core';

// What the server benchmarks do as a client: JSON requests, and a device to send ops as.

export const BENCH_PASSWORD = 'bench-password';

/** POSTs JSON; any status but 2xx is an error that says which request failed and why. */
export async function postJson<T>(
  url: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<T> {
  return JSON.parse(await postBody(url, path, JSON.stringify(body), token)) as T;
}

/** Kept-alive connections, as an agent keeps them: no connection setup inside a timed run. */
const agent = new Agent({ keepAlive: true });

/**
 * POSTs a body already serialised as JSON (as bytes, it is not encoded again on every send) and
 * returns the answer's text. Plain node:http: the
 * client shares the machine with the server it measures, so it should cost as little as it can.
 */
export function postBody(
  url: string,
  path: string,
  json: string | Buffer,
  token?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(json),
          ...(token !== undefined && { authorization: `Bearer ${token}` }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(new Error(`${path}: ${status} ${text}`));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(json);
  });
}

/** Signs in as the administrator (started with BENCH_PASSWORD) and registers a device. */
export async function benchDevice(
  url: string,
): Promise<{ library: UserId; device: DeviceId; token: string }> {
  const session = await postJson<{ token: string; user: { id: string } }>(url, '/api/v1/session', {
    user: 'admin',
    password: BENCH_PASSWORD,
  });
  const registered = await postJson<{ device: { id: string }; token: string }>(
    url,
    '/api/v1/devices',
    { name: 'bench' },
    session.token,
  );
  return {
    library: asUserId(session.user.id),
    device: asDeviceId(registered.device.id),
    token: registered.token,
  };
}
