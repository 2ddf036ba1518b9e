import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import { sha256Of, startTestServer, uploadBlob } from '../test-support/test-server.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Alice's library: a favorite from a Canon and a captioned photo from a phone, a day apart. */
async function aliceWithTwoPhotos() {
  const t = await startTestServer();
  const alice = await t.userWithDevice('alice');
  const photos = [
    ['DSC_0001.JPG', '2024-05-01T10:00:00Z', 'Canon EOS R5'],
    ['IMG_0002.HEIC', '2024-05-02T10:00:00Z', 'Apple iPhone 15 Pro'],
  ] as const;
  const ops = [];
  for (const [name, takenAt, camera] of photos) {
    const photo = bytes(name);
    await uploadBlob(t.api, alice.token, photo);
    const op = importOpFor(alice.deviceId, photo, `2024/${name}`);
    ops.push({ ...op, payload: { ...op.payload, meta: { takenAt, camera } } });
  }
  const on = (name: string, payload: Record<string, unknown>) =>
    opFrom(alice.deviceId, { ...payload, assetId: sha256Of(bytes(name)) });
  ops.push(
    on('DSC_0001.JPG', { kind: 'setField', field: 'favorite', value: true }),
    on('IMG_0002.HEIC', { kind: 'setField', field: 'caption', value: 'Picnic in the park' }),
  );
  await t.api('/api/v1/ops', { token: alice.token, body: { ops } });
  const get = async (path: string) => {
    const response = await t.api(path, { token: alice.token });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const names = async (query: string) => {
    const { body } = await get(`/api/v1/assets?${query}`);
    return (body.assets as { paths: string[] }[]).map((a) => a.paths[0]);
  };
  return { get, names };
}

describe('searching the timeline over HTTP', () => {
  it('narrows the listing and the day counts with the same parameters', async () => {
    const { get, names } = await aliceWithTwoPhotos();
    expect(await names('kind=favorites')).toEqual(['2024/DSC_0001.JPG']);
    expect(await names('q=picnic')).toEqual(['2024/IMG_0002.HEIC']);
    expect(await names(`q=${encodeURIComponent('IMG_0002')}`)).toEqual(['2024/IMG_0002.HEIC']);
    expect(await names('camera=canon')).toEqual(['2024/DSC_0001.JPG']);
    expect(await names('from=2024-05-02&to=2024-05-02')).toEqual(['2024/IMG_0002.HEIC']);
    expect(await names('q=iphone&kind=favorites')).toEqual([]);
    expect((await get('/api/v1/timeline?camera=iphone')).body).toMatchObject({
      days: [{ day: '2024-05-02', count: 1 }],
    });
    expect((await get('/api/v1/timeline?kind=favorites&from=2024-05-02')).body).toMatchObject({
      days: [],
    });
  });

  it('refuses bad search parameters with a 400 naming the parameter, on both routes', async () => {
    const { get } = await aliceWithTwoPhotos();
    const cases = [
      ['kind=selfies', 'kind'],
      ['q=', 'q'],
      ['q=%20!!%20', 'q'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['camera=-', 'camera'],
      ['from=yesterday', 'from'],
      ['to=2024-13-01', 'to'],
      ['from=2024-05-02&to=2024-05-01', 'from'],
    ];
    for (const [query, field] of cases) {
      for (const path of ['/api/v1/assets', '/api/v1/timeline']) {
        const { status, body } = await get(`${path}?${query}`);
        expect({ path, query, status }).toEqual({ path, query, status: 400 });
        // Schema checks say "querystring", the route's own "query": both name the parameter.
        expect((body.error as { message: string }).message).toMatch(
          new RegExp(`^query(string)?\\.${field}: `),
        );
      }
    }
    const both = await get('/api/v1/assets?filter=conflicts&kind=favorites');
    expect(both.status).toBe(400);
    expect((both.body.error as { message: string }).message).toMatch(/^query\.kind: /);
  });
});
