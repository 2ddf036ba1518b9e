import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { blobRequest } from './http-request.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('blobRequest', () => {
  it('tells a device whose token is refused to register again', async () => {
    server = createServer((_request, response) => {
      response.statusCode = 401;
      response.end('{"error":{"code":"unauthorized","message":"sign in"}}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    const request = blobRequest(`${origin}/api/v1/blobs/${'ab'.repeat(32)}`, {
      method: 'GET',
      headers: { authorization: 'Bearer revoked' },
    });
    await expect(request).rejects.toThrow(
      `keepsake login --server ${origin} --user <your name> --force`,
    );
  });
});
