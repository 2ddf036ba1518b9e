import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestNode, DigestRequest, DigestResponse } from './digest-protocol.js';
import { findDifferences, type DigestRemote } from './find-differences.js';
import { LibraryDigest } from './library-digest.js';
import {
  entriesArb,
  entriesFrom,
  hexFrom,
  idArb,
  overJson,
  stateArb,
  symmetricDifference,
} from './test-kit.js';

const SEED = 42_2026;

/** A remote that rewrites each answer, to play a confused or unlucky server. */
function tampered(digest: LibraryDigest, edit: (node: DigestNode) => DigestNode): DigestRemote {
  return (request: DigestRequest) => {
    const response = digest.answer(request);
    return Promise.resolve<DigestResponse>({ ...response, nodes: response.nodes.map(edit) });
  };
}

describe('findDifferences', () => {
  it.each([0, 1, 3000])('proves %i equal assets equal in one exchange', async (count) => {
    const entries = entriesFrom(count);
    const report = await findDifferences(
      LibraryDigest.build(entries),
      overJson(LibraryDigest.build(entries)),
    );
    expect(report).toMatchObject({ differing: [], exchanges: 1 });
    expect(report.bytes).toBeLessThan(600);
  });

  it('finds exactly the ids whose state differs, whatever each side did', async () => {
    const edits = fc.array(fc.oneof(fc.tuple(idArb, stateArb), fc.nat()), { maxLength: 40 });
    const scenario = fc.record({
      base: entriesArb(400),
      localEdits: edits,
      remoteEdits: edits,
      leafMax: fc.integer({ min: 1, max: 32 }),
      maxPrefixesPerRequest: fc.integer({ min: 1, max: 1024 }),
    });
    const property = fc.asyncProperty(
      scenario,
      async ({ base, localEdits, remoteEdits, ...options }) => {
        const local = new Map(base);
        const remote = new Map(base);
        applyEdits(local, localEdits);
        applyEdits(remote, remoteEdits);
        const remoteDigest = new LibraryDigest(); // built one by one, the local one in bulk
        for (const [id, state] of remote) remoteDigest.set(id, state);
        const report = await findDifferences(
          LibraryDigest.build(local),
          overJson(remoteDigest),
          options,
        );
        expect(report.differing).toEqual(symmetricDifference(local, remote));
        if (report.differing.length === 0) expect(report.exchanges).toBe(1);
      },
    );
    await fc.assert(property, { seed: SEED, numRuns: 200 });
  });

  it('narrows d differences among n assets in about log16(n) exchanges', async () => {
    const entries = entriesFrom(20_000);
    const remote = LibraryDigest.build(entries);
    for (let i = 0; i < 10; i++) remote.set(hexFrom(i, 99), hexFrom(i, 98)); // added
    remote.delete(entries[5]?.[0] ?? ''); // removed
    remote.set(entries[6]?.[0] ?? '', hexFrom(6, 97)); // changed
    const report = await findDifferences(LibraryDigest.build(entries), overJson(remote));
    expect(report.differing).toHaveLength(12);
    expect(report.exchanges).toBeLessThanOrEqual(6);
  });

  it('lists everything when one side is empty', async () => {
    const entries = entriesFrom(1000);
    const ids = entries.map(([id]) => id).sort();
    const fromEmpty = await findDifferences(
      new LibraryDigest(),
      overJson(LibraryDigest.build(entries)),
    );
    expect(fromEmpty.differing).toEqual(ids);
    const toEmpty = await findDifferences(
      LibraryDigest.build(entries),
      overJson(new LibraryDigest()),
    );
    expect(toEmpty).toEqual({ differing: ids, exchanges: 1, bytes: expect.any(Number) as number });
  });

  it('splits a level into several requests when it has too many prefixes', async () => {
    const entries = entriesFrom(500);
    const changed = entries.map(([id], i): [string, string] => [id, hexFrom(i, 5)]);
    const requests: number[] = [];
    const remote = overJson(LibraryDigest.build(changed));
    const counting: DigestRemote = (request) => {
      requests.push(request.prefixes.length);
      return remote(request);
    };
    const report = await findDifferences(LibraryDigest.build(entries), counting, {
      maxPrefixesPerRequest: 5,
    });
    expect(report.differing).toHaveLength(500);
    expect(Math.max(...requests)).toBe(5);
    expect(report.exchanges).toBe(requests.length);
  });

  it.each([
    { maxPrefixesPerRequest: 0 },
    { maxPrefixesPerRequest: 1025 },
    { leafMax: 0 },
    { leafMax: 2.5 },
  ])('refuses options out of range: %o', async (options) => {
    const digest = new LibraryDigest();
    await expect(findDifferences(digest, overJson(digest), options)).rejects.toThrow(RangeError);
  });

  it('still finds a difference that equal short child hashes hide', async () => {
    const entries = entriesFrom(3000);
    const local = LibraryDigest.build(entries);
    const remote = LibraryDigest.build(entries);
    const changed = entries[7]?.[0] ?? '';
    remote.set(changed, hexFrom(7, 55));
    const liar = tampered(remote, (node) =>
      'children' in node ? { ...node, children: local.childHashes(node.prefix) } : node,
    );
    expect((await findDifferences(local, liar)).differing).toEqual([changed]);
  });

  it('reports a whole small prefix rather than miss a difference equal short leaf hashes hide', async () => {
    const entries = entriesFrom(3000);
    const local = LibraryDigest.build(entries);
    const remote = LibraryDigest.build(entries);
    const changed = entries[7]?.[0] ?? '';
    remote.set(changed, hexFrom(7, 55));
    const liar = tampered(remote, (node) =>
      'leaves' in node ? { ...node, leaves: local.leaves(node.prefix) } : node,
    );
    const { differing } = await findDifferences(local, liar);
    expect(differing).toContain(changed);
    expect(differing.length).toBeLessThanOrEqual(8);
  });

  it.each<[string, (node: DigestNode) => DigestNode]>([
    ['an answer for another prefix', (node) => ({ ...node, prefix: `${node.prefix}0` })],
    ['a leaf count that does not add up', (node) => ({ ...node, count: node.count + 1 })],
    [
      'children for a small prefix',
      (node) => ({ ...node, count: 0, children: Array<string>(16).fill('') }),
    ],
    ['a malformed hash', (node) => ({ ...node, hash: 'not hex' })],
  ])('rejects a remote that sends %s', async (_, edit) => {
    const entries = entriesFrom(5);
    const remote = tampered(LibraryDigest.build(entries.slice(1)), edit);
    await expect(findDifferences(LibraryDigest.build(entries), remote)).rejects.toMatchObject({
      kind: 'protocol-violation',
    });
  });
});

/** Applies edits: [id, state] sets an entry; a number deletes an existing one. */
function applyEdits(
  entries: Map<string, string>,
  edits: readonly ([string, string] | number)[],
): void {
  for (const edit of edits) {
    if (typeof edit !== 'number') entries.set(...edit);
    else entries.delete([...entries.keys()][edit % Math.max(1, entries.size)] ?? '');
  }
}
