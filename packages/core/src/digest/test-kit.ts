// Shared by the digest's tests: entry generators and an in-process "server" over JSON.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { digestRequestSchema } from './digest-protocol.js';
import type { DigestRemote } from './find-differences.js';
import type { LibraryDigest } from './library-digest.js';

export const ZERO_HASH = '0'.repeat(32);
const HEX_DIGITS = Array.from({ length: 16 }, (_, i) => i.toString(16));

export function hexOfLength(length: number): fc.Arbitrary<string> {
  return fc.string({
    unit: fc.constantFrom(...HEX_DIGITS),
    minLength: length,
    maxLength: length,
  });
}

/** Ids that often share long prefixes, so that small libraries still make deep tries. */
export const idArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '', '7', 'c0', 'fff', 'abcdef0123456789abcd', 'e'.repeat(62)),
    hexOfLength(64),
  )
  .map(([prefix, tail]) => (prefix + tail).slice(0, 64));

/** State hashes from a small pool, so that "changed" and "changed back" both happen. */
export const stateArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('1'.repeat(64), '2'.repeat(64)),
  hexOfLength(64),
);

export const entriesArb = (maxLength: number): fc.Arbitrary<[string, string][]> =>
  fc.uniqueArray(fc.tuple(idArb, stateArb), { selector: ([id]) => id, maxLength });

/** A deterministic 64-char hex value, like an asset id or a state hash. */
export function hexFrom(counter: number, salt = 0): string {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, counter);
  view.setUint32(4, salt);
  return bytesToHex(sha256(bytes));
}

export function entriesFrom(count: number, salt = 0): [string, string][] {
  return Array.from({ length: count }, (_, i) => [hexFrom(i, salt), hexFrom(i, salt + 1)]);
}

/** `digest` as a server would answer over HTTP: requests and responses go through JSON. */
export function overJson(digest: LibraryDigest): DigestRemote {
  return (request) => {
    const received = digestRequestSchema.parse(JSON.parse(JSON.stringify(request)) as unknown);
    return Promise.resolve(JSON.parse(JSON.stringify(digest.answer(received))) as unknown);
  };
}

/** Ids whose state differs between two maps of id → state, sorted. */
export function symmetricDifference(a: Map<string, string>, b: Map<string, string>): string[] {
  const ids = new Set([...a.keys(), ...b.keys()]);
  return [...ids].filter((id) => a.get(id) !== b.get(id)).sort();
}
