import { describe, expect, it } from 'vitest';
import { opFrom } from '../test-support/ops.js';
import { startTestServer } from '../test-support/test-server.js';
import { SqliteMetadataStore } from '../store/sqlite/sqlite-metadata-store.js';
import { dataPaths } from '../start-server.js';
import { asUserId } from '@keepsake/core';

describe('stopping the server', () => {
  it('finishes a batch already in flight, commits it and answers it, before it stops', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const ops = Array.from({ length: 500 }, (_, i) =>
      opFrom(alice.deviceId, {
        kind: 'createAlbum',
        albumId: `album-stop-${i}`,
        owner: alice.userId,
        name: `A${i}`,
      }),
    );
    const body = new TextEncoder().encode(JSON.stringify({ ops }));
    const half = Math.floor(body.length / 2);
    let sendRest: () => void = () => undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(body.subarray(0, half));
        sendRest = () => {
          controller.enqueue(body.subarray(half));
          controller.close();
        };
      },
    });
    const reply = fetch(`${t.server.url}/api/v1/ops`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    });
    // Half the body is in; the stop begins; then the rest arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopped = t.server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    sendRest();
    const response = await reply;
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { status: string }[] };
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(500);
    await stopped;

    const store = new SqliteMetadataStore(dataPaths(t.dataDir).database);
    expect(await store.headSeq(asUserId(alice.userId))).toBe(500);
    await store.close();
  });
});
