import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Asset, AssetFields } from './asset.js';
import { assetStateHash, canonicalAssetState } from './asset-state.js';
import { sha256Hex } from './hash.js';
import { asAssetId, asBlobHash, asDeviceId, asOpId, type OpId, type VersionId } from './ids.js';
import type { OrSet } from './or-set.js';

const SEED = 20_260_401;
const PHONE = asDeviceId('phone-01');
const id = asAssetId(sha256Hex('photo'));
const t = (n: number): OpId => asOpId(`tag-${String(n).padStart(4, '0')}`);
const v = (n: number): VersionId => t(n) as string as VersionId;

type Entry = readonly [element: string, tag: number, seq: number];

function orSet(entries: readonly Entry[]): OrSet {
  const set: OrSet = new Map();
  for (const [element, tag, seq] of entries) {
    const tags = set.get(element) ?? new Map<OpId, number>();
    tags.set(t(tag), seq);
    set.set(element, tags);
  }
  return set;
}

interface Parts {
  paths: readonly Entry[];
  keywords: readonly Entry[];
  superseded: readonly number[];
  fields: AssetFields;
}

function assetFrom({ paths, keywords, superseded, fields }: Parts): Asset {
  return {
    id,
    versions: [
      {
        id: v(1),
        resources: { original: { hash: asBlobHash(sha256Hex('photo')), size: 5, ext: 'HEIC' } },
        meta: { width: 10, height: 20 },
        device: PHONE,
        seq: 1,
      },
    ],
    superseded: new Set(superseded.map(v)),
    fields,
    paths: orSet(paths),
    keywords: orSet(keywords),
    lifecycle: { state: 'live' },
  };
}

const hlc = { ms: 5, counter: 0, node: PHONE };
const parts: Parts = {
  paths: [
    ['2026/IMG_1.HEIC', 1, 1],
    ['2026/IMG_1.HEIC', 7, 7],
    ['Best/IMG_1.HEIC', 3, 3],
  ],
  keywords: [
    ['sea', 4, 4],
    ['beach', 5, 5],
  ],
  superseded: [9, 2, 5],
  fields: {
    favorite: { value: true, hlc, opId: t(20) },
    caption: { value: 'sunset', hlc, opId: t(21) },
  },
};

describe('canonicalAssetState', () => {
  it('does not depend on the order things were inserted in', () => {
    const reordered: Parts = {
      paths: [...parts.paths].reverse(),
      keywords: [...parts.keywords].reverse(),
      superseded: [...parts.superseded].reverse(),
      fields: { caption: parts.fields.caption, favorite: parts.fields.favorite } as AssetFields,
    };
    const a = assetFrom(parts);
    const b = assetFrom(reordered);
    expect([...a.paths.keys()]).not.toEqual([...b.paths.keys()]);
    expect(canonicalAssetState(b)).toBe(canonicalAssetState(a));
    expect(assetStateHash(b)).toBe(assetStateHash(a));
    expect(assetStateHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on insertion order for any sets of entries (property)', () => {
    const entry = fc.tuple(
      fc.constantFrom('a', 'b', 'c', 'd'),
      fc.integer({ min: 0, max: 30 }),
      fc.nat(100),
    );
    // One seq per tag, as in a real library: the seq an add was applied at.
    const entries = fc
      .uniqueArray(entry, { selector: ([e, tag]) => `${e}/${tag}`, maxLength: 10 })
      .chain((list) =>
        fc.tuple(
          fc.constant(list),
          fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }),
        ),
      );
    fc.assert(
      fc.property(entries, entries, ([paths, pathsShuffled], [keywords, keywordsShuffled]) => {
        const a = assetFrom({ ...parts, paths, keywords });
        const b = assetFrom({ ...parts, paths: pathsShuffled, keywords: keywordsShuffled });
        expect(canonicalAssetState(b)).toBe(canonicalAssetState(a));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it.each<[string, (asset: Asset) => void]>([
    ['a placement tag', (a) => a.paths.get('Best/IMG_1.HEIC')?.set(t(8), 8)],
    ['a keyword', (a) => a.keywords.delete('sea')],
    ['a field value', (a) => (a.fields.favorite = { value: false, hlc, opId: t(20) })],
    [
      'a field stamp',
      (a) => (a.fields.caption = { value: 'sunset', hlc: { ...hlc, counter: 1 }, opId: t(21) }),
    ],
    ['the lifecycle', (a) => (a.lifecycle = { state: 'trashed', seq: 3, by: PHONE, hlc })],
    ['a superseded version', (a) => a.superseded.add(v(11))],
    ['the versions', (a) => (a.versions = [])],
  ])('changes when %s changes', (_what, change) => {
    const a = assetFrom(parts);
    const before = canonicalAssetState(a);
    change(a);
    expect(canonicalAssetState(a)).not.toBe(before);
  });

  it('is stable JSON with sorted keys', () => {
    const state = JSON.parse(canonicalAssetState(assetFrom(parts))) as Record<string, unknown>;
    expect(Object.keys(state)).toEqual([
      'fields',
      'id',
      'keywords',
      'lifecycle',
      'paths',
      'superseded',
      'versions',
    ]);
    expect(state.keywords).toEqual([
      ['beach', [[t(5), 5]]],
      ['sea', [[t(4), 4]]],
    ]);
    expect(state.superseded).toEqual([v(2), v(5), v(9)]);
  });
});
