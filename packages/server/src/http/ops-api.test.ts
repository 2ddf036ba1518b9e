import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import { startTestServer, uploadBlob } from '../test-support/test-server.js';

const photo = new TextEncoder().encode('pretend these are the bytes of a HEIC photo');

describe('POST /api/v1/ops over HTTP', () => {
  it('applies an import once; the same batch sent three times logs it once', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    expect((await uploadBlob(t.api, alice.token, photo)).status).toBe(204);
    const batch = { ops: [importOpFor(alice.deviceId, photo, '2026/04/IMG_0001.HEIC')] };

    const replies = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.api('/api/v1/ops', { token: alice.token, body: batch });
      expect(response.status).toBe(200);
      replies.push(
        ((await response.json()) as { results: { status: string; seq: number }[] }).results[0],
      );
    }
    expect(replies.map((r) => r?.status)).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(replies.map((r) => r?.seq)).toEqual([1, 1, 1]);

    const feed = (await (
      await t.api('/api/v1/changes?since=0', { token: alice.token })
    ).json()) as {
      entries: { seq: number; outcome: { status: string } }[];
      head: number;
    };
    expect(feed.head).toBe(1);
    expect(feed.entries.map((e) => [e.seq, e.outcome.status])).toEqual([[1, 'applied']]);
  });

  it('asks for the blob first, logging nothing, when an op names bytes not uploaded', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const response = await t.api('/api/v1/ops', {
      token: alice.token,
      body: { ops: [importOpFor(alice.deviceId, photo, 'IMG_0001.HEIC')] },
    });
    const { results } = (await response.json()) as {
      results: { status: string; reason: string }[];
    };
    expect(results[0]).toMatchObject({ status: 'retry', reason: 'missing-blob' });
    const feed = (await (await t.api('/api/v1/changes', { token: alice.token })).json()) as {
      head: number;
    };
    expect(feed.head).toBe(0);
  });

  it.each([
    ['a path with ..', { path: '2026/../../etc/passwd' }, 'body.ops.0.payload.path'],
    ['an absolute path', { path: '/etc/passwd' }, 'body.ops.0.payload.path'],
    ['a NUL in the path', { path: 'IMG\u00000001.HEIC' }, 'body.ops.0.payload.path'],
    ['a bad asset id', { assetId: 'not-a-hash' }, 'body.ops.0.payload.assetId'],
  ])('refuses %s with a 400 naming the field', async (_name, change, field) => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const op = importOpFor(alice.deviceId, photo, 'IMG_0001.HEIC');
    const response = await t.api('/api/v1/ops', {
      token: alice.token,
      body: { ops: [{ ...op, payload: { ...op.payload, ...change } }] },
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('bad-request');
    expect(error.message).toContain(field);
  });

  it('refuses malformed JSON, an empty batch and an op posing as another device', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const malformed = await t.api('/api/v1/ops', { token: alice.token, body: '{"ops": [' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toMatch(
      /JSON/,
    );

    const empty = await t.api('/api/v1/ops', { token: alice.token, body: { ops: [] } });
    expect(empty.status).toBe(400);

    const posing = opFrom('dev-somebodyelse', {
      kind: 'setField',
      assetId: 'a'.repeat(64),
      field: 'favorite',
      value: true,
    });
    const impostor = await t.api('/api/v1/ops', { token: alice.token, body: { ops: [posing] } });
    expect(impostor.status).toBe(400);
    expect(((await impostor.json()) as { error: { message: string } }).error.message).toContain(
      'body.ops.0.device',
    );
  });

  it('refuses a body over the size limit with 413, and keeps serving', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const huge = JSON.stringify({ ops: [], padding: 'x'.repeat(9 * 1024 * 1024) });
    const response = await t.api('/api/v1/ops', { token: alice.token, body: huge });
    expect(response.status).toBe(413);
    expect((await t.api('/healthz')).status).toBe(200);
  });

  it('refuses an op stamped a day ahead with retry: clock-ahead', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const ahead = opFrom(
      alice.deviceId,
      { kind: 'setField', assetId: 'a'.repeat(64), field: 'favorite', value: true },
      Date.now() + 24 * 3600_000,
    );
    const response = await t.api('/api/v1/ops', { token: alice.token, body: { ops: [ahead] } });
    const { results } = (await response.json()) as {
      results: { status: string; reason: string }[];
    };
    expect(results[0]).toMatchObject({ status: 'retry', reason: 'clock-ahead' });
  });
});
