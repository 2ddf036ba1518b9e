import { asDeviceId, asUserId, blobsOf, type DeviceId, type Op, type UserId } from '@keepsake/core';

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

/** POSTs a body already serialised as JSON and returns the answer's text. */
export async function postBody(
  url: string,
  path: string,
  json: string,
  token?: string,
): Promise<string> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
    body: json,
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.text();
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

/** The ops' blobs as the store records them, for stand-ins that have no bytes on disk. */
export const standInBlobs = (ops: readonly Op[]) =>
  ops.flatMap((op) => blobsOf(op).map((hash) => ({ hash, size: 1 })));
