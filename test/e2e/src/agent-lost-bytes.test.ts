import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from '@keepsake/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDevice } from './agent-process.js';
import { FaultProxy } from './fault-proxy.js';
import { put, serverForFile } from './households.js';

// A file rewritten in place after the agent staged its bytes and before it could upload them
// (the upload refused meanwhile): the staged bytes are gone, since the staging shares the file's
// inode. Whatever the file holds now must reach every device, as one photo, never two.

const { household, server } = serverForFile();
let proxy: FaultProxy;
beforeAll(async () => {
  proxy = await FaultProxy.start(new URL(server().url), new Prng(11));
  proxy.faulty = false;
});
afterAll(async () => {
  await proxy.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A sync that records what changed but cannot upload it, then gives up. */
async function syncWithUploadsRefused(device: AgentDevice): Promise<void> {
  proxy.refuse = 'POST /api/v1/uploads';
  try {
    const run = await device.run(['sync', device.folder, '--once', '--timeout', '3']);
    expect(run.code).toBe(1);
  } finally {
    proxy.refuse = undefined;
  }
}

describe('bytes rewritten in place before their upload', () => {
  it('a new photo: its current content is imported, once', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('lost-new', ['a', 'b'], proxy.url);
    await a.syncOnce();
    put(a, 'jpeg/door-knocker.jpg', 'door.jpg');
    await syncWithUploadsRefused(a);
    writeFileSync(join(a.folder, 'door.jpg'), 'the photo, rewritten smaller in place');
    await a.syncOnce();
    await b.syncOnce();
    const now = sha256('the photo, rewritten smaller in place');
    expect(Object.fromEntries(a.files())).toEqual({ 'door.jpg': now });
    expect(b.files()).toEqual(a.files());
    const assets = await library.assets();
    expect(assets.map((asset) => asset.versions[0]?.resources.original.hash)).toEqual([now]);
  });

  it('an edit of a synced photo: it becomes the edit of that photo, not a second photo', async () => {
    const {
      library,
      devices: [a, b],
    } = await household('lost-edit', ['a', 'b'], proxy.url);
    put(a, 'jpeg/door-knocker.jpg', 'door.jpg');
    await a.syncOnce();
    await b.syncOnce();
    const original = a.files().get('door.jpg');
    writeFileSync(join(a.folder, 'door.jpg'), 'a first edit, never uploaded');
    await syncWithUploadsRefused(a);
    writeFileSync(join(a.folder, 'door.jpg'), 'the second edit');
    await a.syncOnce();
    await b.syncOnce();
    expect(Object.fromEntries(b.files())).toEqual({ 'door.jpg': sha256('the second edit') });
    expect(a.files()).toEqual(b.files());
    const assets = await library.assets();
    expect(assets).toHaveLength(1);
    expect(assets[0]?.versions[0]?.resources.original.hash).toBe(original);
    expect(assets[0]?.versions[0]?.resources.render?.hash).toBe(sha256('the second edit'));
  });
});
