import { describe, expect, it } from 'vitest';
import {
  MAX_PREFIXES_PER_REQUEST,
  digestRequestSchema,
  digestResponseSchema,
} from './digest-protocol.js';
import { LibraryDigest } from './library-digest.js';
import { entriesFrom } from './test-kit.js';

describe('digestRequestSchema', () => {
  it('accepts prefixes from the root to a full id', () => {
    const request = { v: 1, prefixes: ['', '0', 'abc', 'f'.repeat(64)], leafMax: 8 };
    expect(digestRequestSchema.parse(request)).toEqual(request);
    expect(digestRequestSchema.parse({ v: 1, prefixes: [''] })).toEqual({ v: 1, prefixes: [''] });
  });

  it.each([
    ['no prefixes', { v: 1, prefixes: [] }],
    [
      'too many prefixes',
      { v: 1, prefixes: Array<string>(MAX_PREFIXES_PER_REQUEST + 1).fill('a') },
    ],
    ['an upper-case prefix', { v: 1, prefixes: ['A'] }],
    ['a prefix longer than an id', { v: 1, prefixes: ['0'.repeat(65)] }],
    ['a prefix that is not a string', { v: 1, prefixes: [7] }],
    ['leafMax 0', { v: 1, prefixes: [''], leafMax: 0 }],
    ['leafMax above the cap', { v: 1, prefixes: [''], leafMax: 33 }],
    ['a fractional leafMax', { v: 1, prefixes: [''], leafMax: 1.5 }],
    ['another protocol version', { v: 2, prefixes: [''] }],
  ])('rejects %s', (_, request) => {
    expect(digestRequestSchema.safeParse(request).success).toBe(false);
  });
});

describe('digestResponseSchema', () => {
  const digest = LibraryDigest.build(entriesFrom(500));

  it('accepts what a digest answers, after a trip through JSON', () => {
    const response = digest.answer({ v: 1, prefixes: ['', '1', '2f', '2f3'], leafMax: 4 });
    const received: unknown = JSON.parse(JSON.stringify(response));
    expect(digestResponseSchema.parse(received)).toEqual(response);
  });

  it.each([
    [
      '15 children',
      { prefix: '', count: 99, hash: '0'.repeat(32), children: Array<string>(15).fill('') },
    ],
    [
      'a short child hash of the wrong length',
      { prefix: '', count: 99, hash: '0'.repeat(32), children: Array<string>(16).fill('abc') },
    ],
    [
      'a leaf without its hash',
      { prefix: '', count: 1, hash: '0'.repeat(32), leaves: [['0'.repeat(64)]] },
    ],
    ['a negative count', { prefix: '', count: -1, hash: '0'.repeat(32), leaves: [] }],
    ['neither leaves nor children', { prefix: '', count: 0, hash: '0'.repeat(32) }],
  ])('rejects a node with %s', (_, node) => {
    expect(digestResponseSchema.safeParse({ v: 1, nodes: [node] }).success).toBe(false);
  });
});
