import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestError } from './digest-error.js';
import { LibraryDigest } from './library-digest.js';
import { ZERO_HASH, entriesArb, entriesFrom, hexOfLength, idArb, stateArb } from './test-kit.js';

const SEED = 20260424;

/** Everything a replica could be asked about a digest, for comparing two of them. */
function observe(digest: LibraryDigest, ids: readonly string[]) {
  const prefixes = new Set([
    '',
    ...ids.flatMap((id) => [0, 1, 2, 3, 20, 61, 64].map((n) => id.slice(0, n))),
  ]);
  const request = { v: 1 as const, prefixes: [...prefixes].sort() };
  return {
    size: digest.size,
    root: digest.root(),
    fine: digest.answer({ ...request, leafMax: 1 }),
    coarse: digest.answer({ ...request, leafMax: 32 }),
  };
}

function expectInvalidEntry(act: () => void): void {
  expect(act).toThrow(DigestError);
  expect(act).toThrow(expect.objectContaining({ kind: 'invalid-entry' }) as Error);
}

describe('LibraryDigest', () => {
  it('starts empty', () => {
    const digest = new LibraryDigest();
    expect(digest.size).toBe(0);
    expect(digest.root()).toBe(ZERO_HASH);
    expect(digest.answer({ v: 1, prefixes: [''] })).toEqual({
      v: 1,
      nodes: [{ prefix: '', count: 0, hash: ZERO_HASH, leaves: [] }],
    });
  });

  it('hashes a leaf as the first 128 bits of SHA-256(id ‖ stateHash)', () => {
    const property = fc.property(hexOfLength(64), hexOfLength(64), (id, state) => {
      const expected = bytesToHex(sha256(hexToBytes(id + state))).slice(0, 32);
      expect(LibraryDigest.build([[id, state]]).root()).toBe(expected);
    });
    fc.assert(property, { seed: SEED, numRuns: 300 });
  });

  it('sets, gets, replaces and deletes entries', () => {
    const [[a, stateA], [b, stateB]] = entriesFrom(2) as [[string, string], [string, string]];
    const digest = new LibraryDigest();
    digest.set(a, stateA);
    const rootWithA = digest.root();
    digest.set(b, stateB);
    expect(digest.size).toBe(2);
    expect(digest.get(b)).toBe(stateB);
    digest.set(b, stateA);
    expect(digest.get(b)).toBe(stateA);
    expect(digest.size).toBe(2);
    expect(digest.delete(b)).toBe(true);
    expect(digest.delete(b)).toBe(false);
    expect(digest.get(b)).toBeUndefined();
    expect(digest.root()).toBe(rootWithA);
  });

  it('rejects malformed ids and state hashes, and changes nothing', () => {
    const [[id, state]] = entriesFrom(1) as [[string, string]];
    const digest = LibraryDigest.build([[id, state]]);
    const root = digest.root();
    expectInvalidEntry(() => {
      digest.set(id.toUpperCase(), state);
    });
    expectInvalidEntry(() => {
      digest.set(id.slice(1), state);
    });
    expectInvalidEntry(() => {
      digest.set(id, `${state.slice(1)}g`);
    });
    expectInvalidEntry(() =>
      LibraryDigest.build([
        [id, state],
        ['x', state],
      ]),
    );
    expect(digest.root()).toBe(root);
    expect(digest.size).toBe(1);
    expect(digest.delete('not an id')).toBe(false);
    expect(digest.get(id.toUpperCase())).toBeUndefined();
    expect(() => digest.summary('G')).toThrow(
      expect.objectContaining({ kind: 'invalid-prefix' }) as Error,
    );
  });

  it('keeps the last entry of an id given twice to build, as set would', () => {
    const [[a, first], [, second]] = entriesFrom(2) as [[string, string], [string, string]];
    const built = LibraryDigest.build([
      [a, first],
      [a, second],
    ]);
    expect(built.size).toBe(1);
    expect(built.get(a)).toBe(second);
    expect(built.root()).toBe(LibraryDigest.build([[a, second]]).root());
  });

  it('gives the same digest incrementally as built from scratch', () => {
    const operation = fc.oneof(
      fc.record({ set: idArb, state: stateArb }),
      fc.record({ remove: fc.nat() }),
    );
    const property = fc.property(
      entriesArb(200),
      fc.array(operation, { maxLength: 300 }),
      (start, ops) => {
        const incremental = LibraryDigest.build(start);
        const expected = new Map(start);
        for (const op of ops) {
          if ('set' in op) {
            incremental.set(op.set, op.state);
            expected.set(op.set, op.state);
          } else {
            const ids = [...expected.keys()];
            const id = ids[op.remove % Math.max(1, ids.length)] ?? '';
            expect(incremental.delete(id)).toBe(expected.delete(id));
          }
        }
        const touched = ops.flatMap((op) => ('set' in op ? [op.set] : []));
        const ids = [...start.map(([id]) => id), ...touched];
        expect(observe(incremental, ids)).toEqual(observe(LibraryDigest.build(expected), ids));
      },
    );
    fc.assert(property, { seed: SEED, numRuns: 150 });
  });

  it('does not depend on the order entries come in', () => {
    const shuffled = entriesArb(300).chain((entries) =>
      fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length })),
    );
    const property = fc.property(shuffled, ([entries, reordered]) => {
      const oneByOne = new LibraryDigest();
      for (const [id, state] of reordered) oneByOne.set(id, state);
      const ids = entries.map(([id]) => id);
      const expected = observe(LibraryDigest.build(entries), ids);
      expect(observe(LibraryDigest.build(reordered), ids)).toEqual(expected);
      expect(observe(oneByOne, ids)).toEqual(expected);
    });
    fc.assert(property, { seed: SEED, numRuns: 100 });
  });

  it('grows and shrinks through many splits and folds back to empty', () => {
    const entries = entriesFrom(5000);
    const digest = new LibraryDigest();
    for (const [id, state] of entries) digest.set(id, state);
    expect(digest.root()).toBe(LibraryDigest.build(entries).root());
    const half = entries.filter((_, i) => i % 2 === 0);
    for (const [id] of entries.filter((_, i) => i % 2 === 1)) digest.delete(id);
    const ids = entries.slice(0, 300).map(([id]) => id);
    expect(observe(digest, ids)).toEqual(observe(LibraryDigest.build(half), ids));
    for (const [id] of half) digest.delete(id);
    expect(digest.size).toBe(0);
    expect(digest.root()).toBe(ZERO_HASH);
    // Nodes freed above are reused now: a dangling pointer to one would show up here.
    const again = entriesFrom(3000, 7);
    for (const [id, state] of again) digest.set(id, state);
    expect(observe(digest, ids)).toEqual(observe(LibraryDigest.build(again), ids));
  });

  it('reuses freed nodes without mixing prefixes up', () => {
    const entries = entriesFrom(2000);
    const digest = LibraryDigest.build(entries);
    const alive = new Map(entries);
    entries.forEach(([id], i) => {
      if (i % 3 === 0 && digest.delete(id)) alive.delete(id);
    });
    for (const [id, state] of entriesFrom(2000, 7)) {
      digest.set(id, state);
      alive.set(id, state);
    }
    const ids = [...alive.keys(), ...entries.map(([id]) => id)].slice(0, 1500);
    expect(observe(digest, ids)).toEqual(observe(LibraryDigest.build(alive), ids));
  });

  it('answers a prefix with its leaves when small and with its children when large', () => {
    const entries = entriesFrom(100);
    const digest = LibraryDigest.build(entries);
    const [root, one] = digest.answer({ v: 1, prefixes: ['', 'a'], leafMax: 10 }).nodes;
    expect(root).toMatchObject({ prefix: '', count: 100, hash: digest.root() });
    expect(root && 'children' in root && root.children).toHaveLength(16);
    const underA = entries
      .filter(([id]) => id.startsWith('a'))
      .map(([id]) => id)
      .sort();
    expect(one && 'leaves' in one && one.leaves.map(([id]) => id)).toEqual(underA);
  });
});
