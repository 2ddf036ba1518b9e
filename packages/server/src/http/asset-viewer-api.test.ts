import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import { sha256Of, startTestServer, uploadBlob } from '../test-support/test-server.js';

const bytes = (text: string) => new TextEncoder().encode(text);

async function libraryOf(photos: readonly (readonly [string, Record<string, string>])[]) {
  const t = await startTestServer();
  const alice = await t.userWithDevice('alice');
  const ops = [];
  for (const [name, meta] of photos) {
    const photo = bytes(name);
    await uploadBlob(t.api, alice.token, photo);
    const op = importOpFor(alice.deviceId, photo, name);
    ops.push({ ...op, payload: { ...op.payload, meta } });
  }
  const submitted = await t.api('/api/v1/ops', { token: alice.token, body: { ops } });
  expect(submitted.status).toBe(200);
  const get = (path: string, headers?: Record<string, string>) =>
    t.api(path, { token: alice.token, ...(headers && { headers }) });
  return { t, alice, ops, get, idOf: (name: string) => sha256Of(bytes(name)) };
}

describe('the asset viewer', () => {
  it('steps through the timeline in its order, newest taken first, and not from the trash', async () => {
    const { t, alice, ops, get, idOf } = await libraryOf([
      ['morning.jpg', { takenAt: '2024-05-01T08:00:00Z' }],
      ['noon.jpg', { takenAt: '2024-05-01T12:00:00Z' }],
      ['evening.jpg', { takenAt: '2024-05-01T20:00:00Z' }],
      ['undated.jpg', {}],
    ]);
    const neighbours = async (name: string) =>
      (await get(`/api/v1/assets/${idOf(name)}/neighbours`)).json();
    expect(await neighbours('evening.jpg')).toEqual({ older: idOf('noon.jpg') });
    expect(await neighbours('noon.jpg')).toEqual({
      newer: idOf('evening.jpg'),
      older: idOf('morning.jpg'),
    });
    expect(await neighbours('undated.jpg')).toEqual({ newer: idOf('morning.jpg') });

    const noon = ops[1];
    await t.api('/api/v1/ops', {
      token: alice.token,
      body: {
        ops: [
          opFrom(alice.deviceId, {
            kind: 'trash',
            assetId: idOf('noon.jpg'),
            context: [noon?.opId],
          }),
        ],
      },
    });
    expect(await neighbours('evening.jpg')).toEqual({ older: idOf('morning.jpg') });
    expect(await neighbours('noon.jpg')).toEqual({});

    const bob = await t.userWithDevice('bob');
    const theirs = await t.api(`/api/v1/assets/${idOf('noon.jpg')}/neighbours`, {
      token: bob.token,
    });
    expect(theirs.status).toBe(404);
  });

  it("plays a Live Photo's video half and a video, with Range, has no motion for a still, and downloads each part", async () => {
    const live = { contentId: 'E905E6C6', takenAt: '2021-04-10T11:44:00+01:00' };
    const { get, idOf } = await libraryOf([
      ['IMG_0001.JPG', live],
      ['IMG_0001.MOV', live],
      ['clip.mp4', {}],
      ['still.jpg', {}],
    ]);
    const motion = await get(`/api/v1/assets/${idOf('IMG_0001.JPG')}/motion`);
    expect(motion.status).toBe(200);
    expect(motion.headers.get('content-type')).toBe('video/quicktime');
    expect(await motion.text()).toBe('IMG_0001.MOV');

    const part = await get(`/api/v1/assets/${idOf('clip.mp4')}/motion`, { range: 'bytes=0-3' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect(await part.text()).toBe('clip');

    expect((await get(`/api/v1/assets/${idOf('still.jpg')}/motion`)).status).toBe(404);
    expect((await get('/api/v1/assets/not-an-id/motion')).status).toBe(400);

    // Each part downloads bit-exact under the photo's name with its own extension.
    const video = await get(`/api/v1/assets/${idOf('IMG_0001.JPG')}/parts/live`);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-disposition')).toContain('filename="IMG_0001.MOV"');
    expect(await video.text()).toBe('IMG_0001.MOV');
    expect((await get(`/api/v1/assets/${idOf('still.jpg')}/parts/raw`)).status).toBe(404);
    expect((await get(`/api/v1/assets/${idOf('still.jpg')}/parts/thumbnail`)).status).toBe(400);
  });
});
