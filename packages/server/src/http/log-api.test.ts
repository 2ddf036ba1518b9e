import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import { sha256Of, startTestServer, uploadBlob, type Api } from '../test-support/test-server.js';

// GET /api/v1/log: the change log newest first, for the sync inspector.

interface LogPage {
  entries: {
    seq: number;
    op: { device: string; payload: { kind: string; assetId?: string } };
    outcome: { status: string; reason?: string };
  }[];
  more: boolean;
  head: number;
}

const bytes = (n: number) => new TextEncoder().encode(`the bytes of photo number ${String(n)}`);

/** Submits one op as a device; answers its reply's status. */
async function submit(api: Api, token: string, op: unknown): Promise<string> {
  const response = await api('/api/v1/ops', { token, body: { ops: [op] } });
  const { results } = (await response.json()) as { results: { status: string }[] };
  return results[0]?.status ?? 'none';
}

/** Uploads a photo's bytes and imports it; answers its asset id. */
async function importPhoto(api: Api, token: string, device: string, n: number): Promise<string> {
  expect((await uploadBlob(api, token, bytes(n))).status).toBe(204);
  expect(await submit(api, token, importOpFor(device, bytes(n), `IMG_${String(n)}.JPG`))).toBe(
    'applied',
  );
  return sha256Of(bytes(n));
}

const favorite = (device: string, assetId: string) =>
  opFrom(device, { kind: 'setField', assetId, field: 'favorite', value: true });

async function readLog(api: Api, token: string, query = ''): Promise<LogPage> {
  const response = await api(`/api/v1/log${query}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as LogPage;
}

const seqs = (page: LogPage) => page.entries.map((e) => e.seq);

describe('GET /api/v1/log', () => {
  it('reads the newest entries first, older ones before a seq, newer ones after one', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    for (let n = 1; n <= 5; n++) await importPhoto(t.api, alice.token, alice.deviceId, n);

    const newest = await readLog(t.api, alice.token, '?limit=2');
    expect(seqs(newest)).toEqual([5, 4]);
    expect(newest).toMatchObject({ more: true, head: 5 });
    const older = await readLog(t.api, alice.token, '?limit=2&before=4');
    expect(seqs(older)).toEqual([3, 2]);
    expect(older.more).toBe(true);
    const oldest = await readLog(t.api, alice.token, '?limit=2&before=2');
    expect(seqs(oldest)).toEqual([1]);
    expect(oldest.more).toBe(false);

    await importPhoto(t.api, alice.token, alice.deviceId, 6);
    const since = await readLog(t.api, alice.token, `?after=${String(newest.head)}`);
    expect(seqs(since)).toEqual([6]);
    expect(since).toMatchObject({ more: false, head: 6 });
  });

  it("moves no device's feed position, unlike the feed", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    await importPhoto(t.api, alice.token, alice.deviceId, 1);
    await readLog(t.api, alice.token);
    const acked = async () => {
      const response = await t.api('/api/v1/devices', { token: alice.session });
      const { devices } = (await response.json()) as { devices: { ackedSeq: number }[] };
      return devices[0]?.ackedSeq;
    };
    expect(await acked()).toBe(0);
    // The feed, read from since=1, acknowledges seq 1: the position the inspector must not move.
    await t.api('/api/v1/changes?since=1', { token: alice.token });
    expect(await acked()).toBe(1);
    // A position past the head acknowledges only the head: the device is not shown ahead of the
    // library, nor held there once the library grows.
    await t.api('/api/v1/changes?since=16', { token: alice.token });
    expect(await acked()).toBe(1);
  });

  it("narrows to one device's ops, and answers none for another user's device", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const registered = await t.api('/api/v1/devices', {
      token: alice.session,
      body: { name: 'phone' },
    });
    const phone = (await registered.json()) as { device: { id: string }; token: string };
    const first = await importPhoto(t.api, alice.token, alice.deviceId, 1);
    await importPhoto(t.api, phone.token, phone.device.id, 2);
    expect(await submit(t.api, phone.token, favorite(phone.device.id, first))).toBe('applied');
    await importPhoto(t.api, bob.token, bob.deviceId, 3);

    const byPhone = await readLog(t.api, alice.token, `?device=${phone.device.id}`);
    expect(seqs(byPhone)).toEqual([3, 2]);
    expect(byPhone.entries.every((e) => e.op.device === phone.device.id)).toBe(true);
    const byLaptop = await readLog(t.api, alice.token, `?device=${alice.deviceId}&limit=1`);
    expect(seqs(byLaptop)).toEqual([1]);
    expect(byLaptop.more).toBe(false);

    // Bob's device has ops, in Bob's library only: Alice learns nothing of them.
    expect(seqs(await readLog(t.api, bob.token, `?device=${bob.deviceId}`))).toEqual([1]);
    const leaked = await readLog(t.api, alice.token, `?device=${bob.deviceId}`);
    expect(leaked).toEqual({ entries: [], more: false, head: 3 });
  });

  it("narrows to one asset's ops, with the device too, and answers none for another's asset", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const first = await importPhoto(t.api, alice.token, alice.deviceId, 1);
    const second = await importPhoto(t.api, alice.token, alice.deviceId, 2);
    expect(await submit(t.api, alice.token, favorite(alice.deviceId, first))).toBe('applied');
    expect(await submit(t.api, alice.token, favorite(alice.deviceId, second))).toBe('applied');
    const bobs = await importPhoto(t.api, bob.token, bob.deviceId, 3);

    const ofFirst = await readLog(t.api, alice.token, `?asset=${first}`);
    expect(seqs(ofFirst)).toEqual([3, 1]);
    expect(ofFirst.entries.map((e) => e.op.payload.kind)).toEqual(['setField', 'import']);
    expect(seqs(await readLog(t.api, alice.token, `?asset=${first}&before=3`))).toEqual([1]);
    const page = await readLog(t.api, alice.token, `?asset=${first}&limit=1`);
    expect(page).toMatchObject({ more: true });
    expect(seqs(page)).toEqual([3]);
    expect(
      seqs(await readLog(t.api, alice.token, `?asset=${first}&device=${alice.deviceId}`)),
    ).toEqual([3, 1]);
    expect(
      seqs(await readLog(t.api, alice.token, `?asset=${first}&device=${bob.deviceId}`)),
    ).toEqual([]);

    // The same bytes are another asset in Bob's library; Alice has no such asset.
    expect(seqs(await readLog(t.api, alice.token, `?asset=${bobs}`))).toEqual([]);
  });

  it('shows a rejected op with its reason', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const id = await importPhoto(t.api, alice.token, alice.deviceId, 1);
    // A trash that has not seen the photo's version: new work is never thrown away.
    const unseeing = opFrom(alice.deviceId, {
      kind: 'trash',
      assetId: id,
      context: ['version-nobody-made'],
    });
    expect(await submit(t.api, alice.token, unseeing)).toBe('rejected');
    const [entry] = (await readLog(t.api, alice.token, `?asset=${id}`)).entries;
    expect(entry?.outcome).toMatchObject({ status: 'rejected', reason: 'concurrent-edit' });
  });

  it.each([
    ['a device id too short', 'device=dev', 'querystring.device'],
    ['a device id with a slash', 'device=dev-aaaa/bbbbbbb', 'querystring.device'],
    ['an asset id that is no hash', 'asset=IMG_0001', 'querystring.asset'],
    ['a negative seq', 'before=-1', 'querystring.before'],
    ['too big a page', 'limit=100000', 'querystring.limit'],
  ])('refuses %s with a 400 naming the parameter', async (_name, query, field) => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const response = await t.api(`/api/v1/log?${query}`, { token: alice.token });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toContain(field);
  });

  it('needs a signed-in caller', async () => {
    const t = await startTestServer();
    expect((await t.api('/api/v1/log')).status).toBe(401);
  });
});
