import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { opFrom } from '../test-support/ops.js';
import { startTestServer } from '../test-support/test-server.js';

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

describe('the push channel', () => {
  it('says hello with the head, then "changed" with the new head after a commit', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const socket = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/v1/push`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    const messages = messagesOf(socket);
    expect(await messages.next()).toEqual({ type: 'hello', head: 0 });

    const favorite = opFrom(alice.deviceId, {
      kind: 'createAlbum',
      albumId: 'album-trip-2026',
      owner: alice.userId,
      name: 'Trip',
    });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [favorite] } });
    expect(await messages.next()).toEqual({ type: 'changed', head: 1 });
    socket.close();
  });

  it("tells nobody else about a user's changes, and refuses a socket without a token", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const bobSocket = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/v1/push`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    const bobMessages = messagesOf(bobSocket);
    expect(await bobMessages.next()).toEqual({ type: 'hello', head: 0 });
    const op = opFrom(alice.deviceId, {
      kind: 'createAlbum',
      albumId: 'album-alices-only',
      owner: alice.userId,
      name: 'Mine',
    });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [op] } });
    // Bob's next message is the one his own change causes, not Alice's.
    const bobsOp = opFrom(bob.deviceId, {
      kind: 'createAlbum',
      albumId: 'album-bobs-only',
      owner: bob.userId,
      name: 'His',
    });
    await t.api('/api/v1/ops', { token: bob.token, body: { ops: [bobsOp] } });
    expect(await bobMessages.next()).toEqual({ type: 'changed', head: 1 });
    bobSocket.close();

    const anonymous = new WebSocket(`${t.server.url.replace('http', 'ws')}/api/v1/push`);
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
});
