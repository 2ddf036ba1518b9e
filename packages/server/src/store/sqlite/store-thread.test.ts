import { asBlobHash, asDeviceId, asUserId, opSchema, sha256Hex } from '@keepsake/core';
import { serverLogOf } from '@keepsake/sim';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOpFor, registerBlobs } from '../../test-support/ops.js';
import { tempDir } from '../../test-support/temp-dir.js';
import { CursorError } from '../cursor.js';
import { QuotaExceededError } from '../metadata-store.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';
import { openStoreThread } from './store-thread.js';

const ALICE = asUserId('user-alice');
const ANY_TIME = { nowMs: Number.MAX_SAFE_INTEGER, maxDriftMs: 60_000 };

async function threadWithUser() {
  const file = join(tempDir(), 'meta.db');
  const store = await openStoreThread(file);
  await store.createUser(
    { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
    0,
  );
  return { store, file };
}

describe('the SQLite store in its own thread', () => {
  it('answers calls made together in order, commits waiting batches together, and tells listeners first', async () => {
    const { store, file } = await threadWithUser();
    const ops = serverLogOf(4).map((e) => e.op);
    await registerBlobs(store, ALICE, ops);
    const heard: number[] = [];
    store.onCommit((_library, { head }) => heard.push(head));
    // Sent without waiting: they queue in the thread and may share one transaction.
    const batches = [ops.slice(0, 30), ops.slice(30, 60), ops.slice(60, 90)];
    const replies = await Promise.all(
      batches.map(async (batch) => {
        const result = await store.submitOps(ALICE, batch, ANY_TIME);
        return { result, heardThen: [...heard] };
      }),
    );
    replies.forEach(({ result, heardThen }, i) => {
      expect(result).toHaveLength(30);
      // The batch's own commit was announced before its caller resumed.
      expect(heardThen).toContain(30 * (i + 1));
    });
    expect(heard).toEqual([30, 60, 90]);
    await store.close();

    // Everything is on disk in the order it was sent.
    const direct = new SqliteMetadataStore(file);
    const entries = JSON.parse((await direct.changesJson(ALICE, 0, 1000)).entries) as {
      op: unknown;
    }[];
    expect(entries.map((e) => e.op)).toEqual(ops.slice(0, 90));
    await direct.close();
  });

  it('tells who is calling without waiting for a batch in progress, and sees a revocation at once', async () => {
    const { store } = await threadWithUser();
    const ops = serverLogOf(4).map((e) => e.op);
    await registerBlobs(store, ALICE, ops);
    const device = await store.createDevice(
      { id: asDeviceId('device-phone'), userId: ALICE, name: 'phone' },
      'token-hash',
      0,
    );
    const settled: string[] = [];
    const submitted = store.submitOps(ALICE, ops, ANY_TIME).then(() => settled.push('batch'));
    const found = store.deviceByTokenHash('token-hash').then((d) => {
      settled.push('lookup');
      return d;
    });
    await Promise.all([submitted, found]);
    expect(settled).toEqual(['lookup', 'batch']);
    expect((await found)?.id).toBe(device.id);
    expect((await store.userById(ALICE))?.name).toBe('alice');

    expect(await store.revokeDevice(ALICE, device.id, 1)).toBe(true);
    expect(await store.deviceByTokenHash('token-hash')).toBeUndefined();
    await store.close();
  });

  it('answers other calls while a garbage collection scans the library', async () => {
    const { store } = await threadWithUser();
    // Enough assets for the scan to take many turns of the thread.
    const ops = Array.from({ length: 4000 }, (_, i) =>
      opSchema.parse(importOpFor('device-test-1', `photo ${i}`, `p${i}.JPG`)),
    );
    await registerBlobs(store, ALICE, ops);
    for (let i = 0; i < ops.length; i += 1000) {
      await store.submitOps(ALICE, ops.slice(i, i + 1000), ANY_TIME);
    }
    let done = false;
    const collected = store.collectGarbage(ALICE, 1).finally(() => {
      done = true;
    });
    const collecting = () => !done;
    // Calls made meanwhile are answered between the scan's chunks, not after it.
    let answeredMeanwhile = 0;
    while (collecting()) {
      await store.headSeq(ALICE);
      if (collecting()) answeredMeanwhile += 1;
    }
    await collected;
    expect(answeredMeanwhile).toBeGreaterThan(0);
    await store.close();
  });

  it('keeps serving after a call fails, and brings known errors back as their own class', async () => {
    const { store } = await threadWithUser();
    await expect(
      store.assets(ALICE, { filter: 'live', limit: 10, cursor: 'not-a-cursor' }),
    ).rejects.toBeInstanceOf(CursorError);
    const big = { hash: asBlobHash(sha256Hex('big')), size: 200 };
    const refused = store.addLibraryBlobs(ALICE, [big], 0, 100);
    await expect(refused).rejects.toBeInstanceOf(QuotaExceededError);
    await expect(refused).rejects.toThrow(/quota of 100 bytes/);
    await expect(store.headSeq(asUserId('user-nobody'))).rejects.toThrow(/no library user-nobody/);
    expect(await store.headSeq(ALICE)).toBe(0);
    await store.close();
  });

  it('refuses calls once closed, with a reason', async () => {
    const { store } = await threadWithUser();
    await store.close();
    await expect(store.headSeq(ALICE)).rejects.toThrow(/metadata store stopped/);
  });
});
