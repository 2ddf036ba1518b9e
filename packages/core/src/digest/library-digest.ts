// A Merkle-style digest of one library (DESIGN §5 `GET digest`): for any id prefix it knows how
// many assets there are and the XOR of their leaf hashes, so two replicas can compare the whole
// library with one hash and narrow a difference down one hex digit per round trip.
import {
  DEFAULT_LEAF_MAX,
  DIGEST_PROTOCOL_VERSION,
  NODE_HASH_HEX_LENGTH,
  SHORT_HASH_HEX_LENGTH,
  type DigestNode,
  type DigestRequest,
  type DigestResponse,
} from './digest-protocol.js';
import { DigestError } from './digest-error.js';
import { FingerprintTrie } from './fingerprint-trie.js';
import { HASH_HEX_LENGTH, isHexPrefix, wordsToHex } from './hex.js';
import { LEAF_WORDS } from './leaf-hash.js';

const SHORT_WORDS = SHORT_HASH_HEX_LENGTH / 8;
const NODE_WORDS = NODE_HASH_HEX_LENGTH / 8;

/** An id prefix's size and fingerprint. */
export interface PrefixSummary {
  readonly count: number;
  /** 128-bit fingerprint, 32 hex chars; all zeros for an empty prefix. */
  readonly hash: string;
}

/** One asset as the digest lists it: its id and its leaf hash truncated to 64 bits. */
export type DigestLeaf = [id: string, shortHash: string];

export class LibraryDigest {
  private trie = new FingerprintTrie();
  private readonly summaryWords = new Uint32Array(LEAF_WORDS);
  private readonly childCounts = new Int32Array(16);
  private readonly childWords = new Uint32Array(16 * LEAF_WORDS);

  /**
   * A digest of `entries`: [asset id, hash of the asset's canonical state], both 64-char
   * lowercase hex; for a repeated id the last entry wins. `new LibraryDigest()` is empty.
   */
  static build(entries: Iterable<readonly [id: string, stateHash: string]>): LibraryDigest {
    const digest = new LibraryDigest();
    digest.trie = FingerprintTrie.build(entries); // bulk: far faster than a million `set`s
    return digest;
  }

  /** Number of assets. */
  get size(): number {
    return this.trie.size;
  }

  /** The state hash recorded for `id`, if any. */
  get(id: string): string | undefined {
    return this.trie.stateOf(id);
  }

  /**
   * Records an asset's current state hash (adds it, or replaces its previous state). Throws a
   * DigestError of kind 'invalid-entry' unless both are 64-char lowercase hex.
   */
  set(id: string, stateHash: string): void {
    this.trie.set(id, stateHash);
  }

  /** Forgets an asset; false if it was not there. */
  delete(id: string): boolean {
    return this.trie.delete(id);
  }

  /** Fingerprint of the whole library (32 hex chars): equal roots mean equal libraries. */
  root(): string {
    return this.summary('').hash;
  }

  /** Count and fingerprint of the assets whose id starts with `prefix`. */
  summary(prefix: string): PrefixSummary {
    assertPrefix(prefix);
    const count = this.trie.summarize(prefix, this.summaryWords);
    return { count, hash: wordsToHex(this.summaryWords, 0, NODE_WORDS) };
  }

  /** Short hash of each child prefix (prefix + 0..f), '' for an empty child. */
  childHashes(prefix: string): string[] {
    assertPrefix(prefix);
    if (prefix.length >= HASH_HEX_LENGTH) {
      throw new DigestError('invalid-prefix', 'a full asset id has no child prefixes');
    }
    this.trie.summarizeChildren(prefix, this.childCounts, this.childWords);
    return Array.from(this.childCounts, (count, i) =>
      count === 0 ? '' : wordsToHex(this.childWords, i * LEAF_WORDS, SHORT_WORDS),
    );
  }

  /** Every asset under `prefix` with its short leaf hash, sorted by id. */
  leaves(prefix: string): DigestLeaf[] {
    assertPrefix(prefix);
    const leaves: DigestLeaf[] = [];
    this.trie.forEachUnder(prefix, (id, hashes, offset) => {
      leaves.push([id, wordsToHex(hashes, offset, SHORT_WORDS)]);
    });
    return leaves.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The server side of `GET digest`. `request` must have passed `digestRequestSchema`, which
   * bounds the work: at most 1024 prefixes, each answered with ≤ 32 leaves or 16 hashes.
   */
  answer(request: DigestRequest): DigestResponse {
    const leafMax = request.leafMax ?? DEFAULT_LEAF_MAX;
    return {
      v: DIGEST_PROTOCOL_VERSION,
      nodes: request.prefixes.map((prefix) => this.describe(prefix, leafMax)),
    };
  }

  /** A prefix as the protocol shows it: its leaves if few (always for a full id), else children. */
  private describe(prefix: string, leafMax: number): DigestNode {
    const { count, hash } = this.summary(prefix);
    if (count <= leafMax) return { prefix, count, hash, leaves: this.leaves(prefix) };
    return { prefix, count, hash, children: this.childHashes(prefix) };
  }
}

function assertPrefix(prefix: string): void {
  if (!isHexPrefix(prefix)) {
    throw new DigestError(
      'invalid-prefix',
      `digest prefix must be at most 64 lowercase hex chars, got ${JSON.stringify(prefix.slice(0, 80))}`,
    );
  }
}
