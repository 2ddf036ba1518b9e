import { asBlobHash, sha256Hex } from '@keepsake/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BlobGate } from './blob-gate.js';

const A = asBlobHash(sha256Hex('a'));
const B = asBlobHash(sha256Hex('b'));

describe('BlobGate', () => {
  it("runs one blob's sections one at a time, in the order they came, whatever each ends in", async () => {
    const gate = new BlobGate();
    const events: string[] = [];
    const section =
      (name: string, ms: number, fails = false) =>
      async () => {
        events.push(`${name} in`);
        await sleep(ms);
        events.push(`${name} out`);
        if (fails) throw new Error(`${name} failed`);
        return name;
      };
    const results = await Promise.allSettled([
      gate.run(A, section('first', 20, true)),
      gate.run(A, section('second', 5)),
      gate.run(A, section('third', 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events).toEqual([
      'first in',
      'first out',
      'second in',
      'second out',
      'third in',
      'third out',
    ]);
  });

  it('lets different blobs go at once', async () => {
    const gate = new BlobGate();
    const events: string[] = [];
    await Promise.all([
      gate.run(A, async () => {
        events.push('a in');
        await sleep(20);
        events.push('a out');
      }),
      gate.run(B, async () => {
        events.push('b in');
        await sleep(1);
        events.push('b out');
      }),
    ]);
    expect(events).toEqual(['a in', 'b in', 'b out', 'a out']);
  });

  it('holds several blobs at once, and two sections wanting the same ones never wait on each other', async () => {
    const gate = new BlobGate();
    const events: string[] = [];
    const section = (name: string) => async () => {
      events.push(`${name} in`);
      await sleep(10);
      events.push(`${name} out`);
    };
    // Taken in the order given, these would each hold one blob and wait for the other forever.
    await Promise.all([
      gate.runAll([A, B], section('a and b')),
      gate.runAll([B, A], section('b and a')),
      gate.run(B, section('b alone')),
    ]);
    expect(events).toHaveLength(6);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i + 1]).toBe(events[i]?.replace(' in', ' out'));
    }
  });
});
