import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import { sha256Of, startTestServer, uploadBlob } from '../test-support/test-server.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('asset listings', () => {
  it('lists conflicts and the trash apart from the timeline', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const [calm, contested, binned, editA, editB] = [
      'calm',
      'contested',
      'binned',
      'edit A',
      'edit B',
    ].map(bytes);
    for (const b of [calm, contested, binned, editA, editB])
      await uploadBlob(t.api, alice.token, b ?? bytes(''));
    const imports = [calm, contested, binned].map((b, i) =>
      importOpFor(alice.deviceId, b ?? bytes(''), `IMG_${i}.JPG`),
    );
    const [, contestedImport, binnedImport] = imports;
    const original = { hash: sha256Of(contested ?? ''), size: contested?.length, ext: 'JPG' };
    const edit = (render: Uint8Array) =>
      opFrom(alice.deviceId, {
        kind: 'edit',
        assetId: sha256Of(contested ?? ''),
        resources: {
          original,
          render: { hash: sha256Of(render), size: render.length, ext: 'JPG' },
        },
        meta: {},
        context: [contestedImport?.opId],
      });
    const ops = [
      ...imports,
      edit(editA ?? bytes('')),
      edit(editB ?? bytes('')),
      opFrom(alice.deviceId, {
        kind: 'trash',
        assetId: sha256Of(binned ?? ''),
        context: [binnedImport?.opId],
      }),
    ];
    const { results } = (await (
      await t.api('/api/v1/ops', { token: alice.token, body: { ops } })
    ).json()) as {
      results: { status: string }[];
    };
    expect(results.map((r) => r.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'merged',
      'applied',
    ]);

    const list = async (filter: string) =>
      (
        (await (await t.api(`/api/v1/assets?filter=${filter}`, { token: alice.token })).json()) as {
          assets: { id: string; inConflict: boolean }[];
        }
      ).assets
        .map((a) => a.id)
        .sort();
    expect(await list('conflicts')).toEqual([sha256Of(contested ?? '')]);
    expect(await list('trashed')).toEqual([sha256Of(binned ?? '')]);
    expect(await list('live')).toEqual([sha256Of(calm ?? ''), sha256Of(contested ?? '')].sort());
    expect((await t.api('/api/v1/assets?filter=everything', { token: alice.token })).status).toBe(
      400,
    );
  });

  it('lays out the timeline by day and starts a listing at any day', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    // Each on the day it was taken where it was taken: two on 1 May (23:30 at -05:00 is 2 May
    // in UTC), two on 3 May (01:00 at +09:00 is 2 May in UTC), one with no capture time.
    const photos = [
      ['may-1-morning', '2024-05-01T08:00:00Z'],
      ['may-1-late-west', '2024-05-01T23:30:00-05:00'],
      ['may-3-early-east', '2024-05-03T01:00:00+09:00'],
      ['may-3', '2024-05-03T12:00:00'],
      ['undated', undefined],
    ] as const;
    const ops = [];
    for (const [name, takenAt] of photos) {
      const photo = bytes(name);
      await uploadBlob(t.api, alice.token, photo);
      const op = importOpFor(alice.deviceId, photo, `${name}.JPG`);
      ops.push({ ...op, payload: { ...op.payload, meta: takenAt ? { takenAt } : {} } });
    }
    await t.api('/api/v1/ops', { token: alice.token, body: { ops } });
    const get = async <T>(path: string) =>
      (await (await t.api(path, { token: alice.token })).json()) as T;

    // Counted at the head of the five imports: a page that has seen it need not ask again.
    expect(await get('/api/v1/timeline')).toEqual({
      days: [
        { day: '2024-05-03', count: 2 },
        { day: '2024-05-01', count: 2 },
        { day: null, count: 1 },
      ],
      head: 5,
    });
    const from = async (day: string) =>
      (await get<{ assets: { paths: string[] }[] }>(`/api/v1/assets?day=${day}`)).assets.map(
        (a) => a.paths[0],
      );
    // A day's photos newest first, then the days before it.
    expect(await from('2024-05-03')).toEqual([
      'may-3.JPG',
      'may-3-early-east.JPG',
      'may-1-late-west.JPG',
      'may-1-morning.JPG',
      'undated.JPG',
    ]);
    expect(await from('2024-05-02')).toEqual([
      'may-1-late-west.JPG',
      'may-1-morning.JPG',
      'undated.JPG',
    ]);
    expect(await from('2024-04-30')).toEqual(['undated.JPG']);
    expect(await from('unknown')).toEqual(['undated.JPG']);
    const both = await t.api('/api/v1/assets?day=2024-05-02&cursor=abc', { token: alice.token });
    expect(both.status).toBe(400);
    expect((await t.api('/api/v1/assets?day=May', { token: alice.token })).status).toBe(400);
  });

  it('downloads an original bit-exact under its own name, safely encoded (RFC 6266)', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const photo = bytes('golden hour');
    await uploadBlob(t.api, alice.token, photo);
    await t.api('/api/v1/ops', {
      token: alice.token,
      body: { ops: [importOpFor(alice.deviceId, photo, 'Été/fin de journée "1".jpg')] },
    });
    const response = await t.api(`/api/v1/assets/${sha256Of(photo)}/original`, {
      token: alice.token,
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(photo));
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="fin de journ_e _1_.jpg"; filename*=UTF-8''fin%20de%20journ%C3%A9e%20%221%22.jpg`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
  });
});
