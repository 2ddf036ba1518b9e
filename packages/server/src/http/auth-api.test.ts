import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../test-support/test-server.js';

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe('authentication and devices over HTTP', () => {
  it('answers 401 without a token and with a wrong one', async () => {
    const t = await startTestServer();
    expect((await t.api('/api/v1/changes')).status).toBe(401);
    const wrong = await t.api('/api/v1/changes', { token: 'not-a-real-token' });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).message).toContain('Authorization: Bearer');
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const t = await startTestServer();
    const unknown = await t.api('/api/v1/session', {
      body: { user: 'nobody', password: 'whatever1' },
    });
    const wrong = await t.api('/api/v1/session', {
      body: { user: 'admin', password: 'whatever1' },
    });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(await errorOf(unknown)).toEqual(await errorOf(wrong));
  });

  it('throttles repeated failed sign-ins for a user name', async () => {
    const t = await startTestServer();
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      const r = await t.api('/api/v1/session', { body: { user: 'admin', password: `guess-${i}` } });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // Even the right password waits out the window now.
    const right = await t.api('/api/v1/session', {
      body: { user: 'admin', password: ADMIN_PASSWORD },
    });
    expect(right.status).toBe(429);
  });

  it('counts failed sign-ins per client behind a trusted proxy, and ignores X-Forwarded-For from others', async () => {
    const fromClient = (t: TestServer, client: string) =>
      t.api('/api/v1/session', {
        body: { user: 'admin', password: 'a-wrong-guess' },
        headers: { 'x-forwarded-for': client },
      });
    const tenFailuresThenTwo = async (t: TestServer) => {
      for (let i = 0; i < 10; i++) expect((await fromClient(t, '203.0.113.7')).status).toBe(401);
      return [
        (await fromClient(t, '203.0.113.7')).status,
        (await fromClient(t, '198.51.100.2')).status,
      ];
    };
    // Behind the proxy, the second client is not held to the first one's failures.
    expect(
      await tenFailuresThenTwo(await startTestServer({ trustedProxies: ['127.0.0.1'] })),
    ).toEqual([429, 401]);
    // Not trusted, the header is anyone's to forge: both count as the one address they come from.
    expect(await tenFailuresThenTwo(await startTestServer())).toEqual([429, 429]);
  });

  it('refuses a flood of sign-ins beyond what it can check, and still serves', async () => {
    const t = await startTestServer();
    const attempts = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        t.api('/api/v1/session', { body: { user: `made-up-${i}`, password: 'guess-123' } }),
      ),
    );
    const busy = attempts.filter((r) => r.status === 503);
    expect(attempts.every((r) => r.status === 401 || r.status === 503)).toBe(true);
    // Two are checked at once and 32 wait: the rest are refused straight away.
    expect(busy.length).toBeGreaterThanOrEqual(120 - 34);
    const [first] = busy;
    expect(first?.headers.get('retry-after')).toBe('5');
    expect(first && (await errorOf(first))).toEqual({
      code: 'busy',
      message: 'the server is checking too many passwords at once; try again in a few seconds',
    });
    const right = await t.api('/api/v1/session', {
      body: { user: 'admin', password: ADMIN_PASSWORD },
    });
    expect(right.status).toBe(200);
  });

  it('stores device tokens only as hashes, and a revoked device is refused on its next request', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    expect((await t.api('/api/v1/changes', { token: alice.token })).status).toBe(200);

    const database = readFileSync(join(t.dataDir, 'keepsake.db'));
    expect(database.includes(Buffer.from(alice.token))).toBe(false);

    const revoke = await t.api(`/api/v1/devices/${alice.deviceId}`, {
      method: 'DELETE',
      token: alice.session,
    });
    expect(revoke.status).toBe(200);
    expect((await t.api('/api/v1/changes', { token: alice.token })).status).toBe(401);
  });

  it('registers a device only for a signed-in session, so a revoked device cannot mint a new token', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const minted = await t.api('/api/v1/devices', {
      token: alice.token,
      body: { name: 'thief' },
    });
    expect(minted.status).toBe(401);
    expect(await errorOf(minted)).toEqual({
      code: 'unauthorized',
      message: 'this call needs a signed-in session, not a device token: sign in first',
    });
    const listed = await t.api('/api/v1/devices', { token: alice.session });
    const { devices } = (await listed.json()) as { devices: unknown[] };
    expect(devices).toHaveLength(1);
    // The agent's sign-in registers with a password session as a bearer token; that still works.
    const ok = await t.api('/api/v1/devices', { token: alice.session, body: { name: 'phone' } });
    expect(ok.status).toBe(201);
  });

  it("answers 404 for another user's device, exactly as for a device that does not exist", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const other = await t.api(`/api/v1/devices/${alice.deviceId}`, {
      method: 'DELETE',
      token: bob.session,
    });
    const none = await t.api('/api/v1/devices/dev-doesnotexist', {
      method: 'DELETE',
      token: bob.session,
    });
    expect([other.status, none.status]).toEqual([404, 404]);
    expect(await errorOf(other)).toEqual(await errorOf(none));
    expect((await t.api('/api/v1/changes', { token: alice.token })).status).toBe(200);
  });

  it('keeps what a device reports of itself, shows it on the devices list, and refuses bad reports', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const report = (token: string, body: unknown) =>
      t.api('/api/v1/devices/status', { method: 'PUT', token, body });
    const listed = async () => {
      const response = await t.api('/api/v1/devices', { token: alice.session });
      const { devices } = (await response.json()) as { devices: { status?: unknown }[] };
      return devices[0]?.status;
    };
    expect(await listed()).toBeUndefined();
    const stuck = { pendingOps: 3, lastError: 'cannot reach the server (ECONNREFUSED)' };
    expect((await report(alice.token, stuck)).status).toBe(200);
    expect(await listed()).toEqual({ ...stuck, reportedAt: expect.any(String) as string });
    expect((await report(alice.token, { pendingOps: 0, lastError: null })).status).toBe(200);
    expect(await listed()).toMatchObject({ pendingOps: 0, lastError: null });

    // Only a device reports, and only numbers and a message of a sane length.
    const bySession = await report(alice.session, { pendingOps: 0, lastError: null });
    expect([bySession.status, (await errorOf(bySession)).message]).toEqual([
      400,
      'only a device reports its status: call this with a device token',
    ]);
    expect((await report(alice.token, { pendingOps: -1, lastError: null })).status).toBe(400);
    expect((await report(alice.token, { pendingOps: 0, lastError: 'x'.repeat(1001) })).status).toBe(
      400,
    );
  });

  it('lets only administrators create users', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const attempt = await t.api('/api/v1/users', {
      token: alice.session,
      body: { name: 'mallory', password: 'long-enough-1' },
    });
    expect(attempt.status).toBe(403);
  });

  it('ends a session on sign-out', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    expect((await t.api('/api/v1/me', { token: alice.session })).status).toBe(200);
    expect(
      (await t.api('/api/v1/session', { method: 'DELETE', token: alice.session })).status,
    ).toBe(200);
    expect((await t.api('/api/v1/me', { token: alice.session })).status).toBe(401);
  });

  it('treats a malformed session cookie as no session: 401, not 500', async () => {
    const t = await startTestServer();
    const response = await t.api('/api/v1/me', {
      headers: { cookie: 'keepsake_session=%E0%A4%A' },
    });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('unauthorized');
  });
});
