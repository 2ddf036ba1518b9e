import { describe, expect, it } from 'vitest';
import { opFrom } from '../test-support/ops.js';
import { ADMIN_PASSWORD, startTestServer } from '../test-support/test-server.js';

describe('health, metrics and the API description', () => {
  it('answers /healthz without authentication', async () => {
    const t = await startTestServer();
    const response = await t.api('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('serves Prometheus metrics to administrators: requests, op outcomes, feed lag per device', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const op = opFrom(alice.deviceId, {
      kind: 'createAlbum',
      albumId: 'album-metrics1',
      owner: alice.userId,
      name: 'M',
    });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [op] } });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [op] } });

    expect((await t.api('/metrics')).status).toBe(401);
    expect((await t.api('/metrics', { token: alice.session })).status).toBe(403);
    const session = (await (
      await t.api('/api/v1/session', { body: { user: 'admin', password: ADMIN_PASSWORD } })
    ).json()) as { token: string };
    const text = await (await t.api('/metrics', { token: session.token })).text();
    expect(text).toContain('keepsake_op_outcomes_total{status="applied"} 1');
    expect(text).toContain('keepsake_op_outcomes_total{status="duplicate"} 1');
    expect(text).toMatch(
      /keepsake_http_requests_total\{method="POST",route="\/api\/v1\/ops",status="200"\} 2/,
    );
    expect(text).toContain(
      `keepsake_feed_lag_ops{device="${alice.deviceId}",user="${alice.userId}"} 1`,
    );
  });

  it('describes the API as an OpenAPI document', async () => {
    const t = await startTestServer();
    const doc = (await (await t.api('/api/docs')).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/v1/ops',
      '/api/v1/changes',
      '/api/v1/assets/{id}/history',
      '/api/v1/devices',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
