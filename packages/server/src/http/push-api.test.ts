import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { fixture } from '@keepsake/media/test-support';
import { opFrom } from '../test-support/ops.js';
import { startTestServer, uploadBlob, type TestServer } from '../test-support/test-server.js';

/** Collects a socket's JSON messages; `next()` waits for the next one. */
function messagesOf(socket: WebSocket) {
  const queue: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  socket.on('message', (data: Buffer) => {
    const message: unknown = JSON.parse(data.toString('utf8'));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  return {
    next: () =>
      new Promise<unknown>((resolve) => {
        if (queue.length > 0) resolve(queue.shift());
        else waiting.push(resolve);
      }),
  };
}

const pushSocket = (t: TestServer, token?: string) =>
  new WebSocket(`${t.server.url.replace('http', 'ws')}/api/v1/push`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });

/** A user's device creates an album: one committed op in their library. */
const createAlbum = (
  t: TestServer,
  user: { deviceId: string; userId: string; token: string },
  albumId: string,
) =>
  t.api('/api/v1/ops', {
    token: user.token,
    body: {
      ops: [
        opFrom(user.deviceId, { kind: 'createAlbum', albumId, owner: user.userId, name: albumId }),
      ],
    },
  });

describe('the push channel', () => {
  it('says hello with the head, then "changed" with the new head after a commit', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const socket = pushSocket(t, alice.token);
    const messages = messagesOf(socket);
    expect(await messages.next()).toEqual({ type: 'hello', head: 0 });
    await createAlbum(t, alice, 'album-trip-2026');
    expect(await messages.next()).toEqual({ type: 'changed', head: 1 });
    socket.close();
  });

  it("tells nobody else about a user's changes, and refuses a socket without a token", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const bobSocket = pushSocket(t, bob.token);
    const bobMessages = messagesOf(bobSocket);
    expect(await bobMessages.next()).toEqual({ type: 'hello', head: 0 });
    await createAlbum(t, alice, 'album-alices-only');
    // Bob's next message is the one his own change causes, not Alice's.
    await createAlbum(t, bob, 'album-bobs-only');
    expect(await bobMessages.next()).toEqual({ type: 'changed', head: 1 });
    bobSocket.close();

    const anonymous = pushSocket(t);
    const status = await new Promise<number | undefined>((resolve) => {
      anonymous.on('unexpected-response', (_request, response) => {
        resolve(response.statusCode);
      });
      anonymous.on('open', () => {
        resolve(undefined);
      });
    });
    expect(status).toBe(401);
  });

  it("says 'media' to the library whose photo got its thumbnails, and to no one else", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const aliceMessages = messagesOf(pushSocket(t, alice.token));
    const bobSocket = pushSocket(t, bob.token);
    const bobMessages = messagesOf(bobSocket);
    expect(await aliceMessages.next()).toEqual({ type: 'hello', head: 0 });
    expect(await bobMessages.next()).toEqual({ type: 'hello', head: 0 });

    const uploaded = await uploadBlob(
      t.api,
      alice.token,
      readFileSync(fixture('jpeg/door-knocker.jpg')),
    );
    expect(uploaded.status).toBe(204);
    // No op was sent: the head stays; the message says only that thumbnails were made.
    expect(await aliceMessages.next()).toEqual({ type: 'media' });
    await createAlbum(t, bob, 'album-after-alices-upload');
    expect(await bobMessages.next()).toEqual({ type: 'changed', head: 1 });
    bobSocket.close();
  });
});
