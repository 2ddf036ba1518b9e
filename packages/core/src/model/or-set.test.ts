import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asOpId, type OpId } from './ids.js';
import {
  orSetAdd,
  orSetFirstSeq,
  orSetMerge,
  orSetRemove,
  orSetTags,
  orSetValues,
  type OrSet,
} from './or-set.js';

const SEED = 20_260_401;
const t = (n: number): OpId => asOpId(`tag-${String(n).padStart(4, '0')}`);

describe('OrSet', () => {
  it('adds an element under a tag with the seq it was applied at', () => {
    const set: OrSet = new Map();
    orSetAdd(set, 'beach', t(1), 4);
    orSetAdd(set, 'beach', t(2), 9);
    expect(orSetTags(set, 'beach')).toEqual([t(1), t(2)]);
    expect(orSetFirstSeq(set, 'beach')).toBe(4);
    expect(orSetValues(set)).toEqual(['beach']);
  });

  it('keeps the first seq when the same tag is added again', () => {
    const set: OrSet = new Map();
    orSetAdd(set, 'x', t(1), 3);
    orSetAdd(set, 'x', t(1), 8);
    expect(set.get('x')).toEqual(new Map([[t(1), 3]]));
  });

  it('removes only the observed tags: an unseen add survives', () => {
    const set: OrSet = new Map();
    orSetAdd(set, 'x', t(1), 1);
    orSetAdd(set, 'x', t(2), 2);
    expect(orSetRemove(set, 'x', [t(1)])).toBe(false);
    expect(orSetTags(set, 'x')).toEqual([t(2)]);
    expect(orSetRemove(set, 'x', [t(2)])).toBe(true);
    expect(set.has('x')).toBe(false);
    expect(orSetTags(set, 'x')).toEqual([]);
  });

  it('treats removing an absent element as done', () => {
    const set: OrSet = new Map();
    orSetAdd(set, 'y', t(1), 1);
    expect(orSetRemove(set, 'x', [t(1)])).toBe(true);
    expect(orSetValues(set)).toEqual(['y']);
  });

  it('has no first seq for an absent element', () => {
    expect(orSetFirstSeq(new Map(), 'x')).toBe(Number.POSITIVE_INFINITY);
  });

  it('lists values sorted', () => {
    const set: OrSet = new Map();
    for (const [i, v] of ['sea', 'beach', 'Zoo', 'apple'].entries()) orSetAdd(set, v, t(i), i);
    expect(orSetValues(set)).toEqual(['Zoo', 'apple', 'beach', 'sea']);
  });

  it('merges the tags of another set in', () => {
    const a: OrSet = new Map();
    const b: OrSet = new Map();
    orSetAdd(a, 'x', t(1), 1);
    orSetAdd(b, 'x', t(2), 2);
    orSetAdd(b, 'y', t(3), 3);
    orSetMerge(a, b);
    expect(a).toEqual(
      new Map([
        [
          'x',
          new Map([
            [t(1), 1],
            [t(2), 2],
          ]),
        ],
        ['y', new Map([[t(3), 3]])],
      ]),
    );
  });

  it('commutes: fresh adds and removes of observed tags give the same set in any order (property)', () => {
    // A start state, then ops that all saw only the start: adds with fresh tags, removes of
    // some start tags. Any interleaving must give the same elements and tags.
    type Step = { add: string; tag: number } | { remove: string; observed: number[] };
    const element = fc.constantFrom('a', 'b', 'c');
    const startTags = [0, 1, 2, 3];
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ add: element, tag: fc.integer({ min: 100, max: 199 }) }),
      fc.record({ remove: element, observed: fc.subarray(startTags) }),
    );
    const stepsInTwoOrders = fc
      .array(step, { maxLength: 8 })
      .chain((steps) =>
        fc.tuple(
          fc.constant(steps),
          fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }),
        ),
      );
    const run = (order: Step[]) => {
      const set: OrSet = new Map();
      for (const i of startTags) orSetAdd(set, ['a', 'b', 'c'][i % 3] ?? 'a', t(i), i + 1);
      for (const s of order) {
        if ('add' in s) orSetAdd(set, s.add, t(s.tag), 10);
        else orSetRemove(set, s.remove, s.observed.map(t));
      }
      return [...set.keys()].sort().map((k) => [k, orSetTags(set, k).sort()]);
    };
    fc.assert(
      fc.property(stepsInTwoOrders, ([steps, shuffled]) => {
        expect(run(shuffled)).toEqual(run(steps));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('lets an add win over a concurrent remove (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1 }), (tags) => {
        const [fresh, ...seen] = tags as [number, ...number[]];
        const set: OrSet = new Map();
        for (const tag of seen) orSetAdd(set, 'x', t(tag), tag);
        orSetAdd(set, 'x', t(fresh), 99);
        orSetRemove(set, 'x', seen.map(t));
        expect(orSetTags(set, 'x')).toEqual([t(fresh)]);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
