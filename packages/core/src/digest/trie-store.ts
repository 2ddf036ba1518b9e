// The memory of the digest's trie: entries by slot and nodes by index, in typed arrays that
// grow by doubling, so a million assets cost a few hundred thousand array slots instead of
// millions of objects. This file only allocates and frees; fingerprint-trie.ts keeps the tree.
import { LEAF_WORDS } from './leaf-hash.js';

/** Children per node: one per hex digit. */
export const FANOUT = 16;
export const ROOT = 0;
/** `heads[node]` of an internal node; a bucket's head is its first entry slot, or NO_SLOT. */
export const INTERNAL = -1;
/** Slot 0 is never used, so 0 ends a bucket's list. */
export const NO_SLOT = 0;
/** The root is never a child, so 0 marks a missing child. */
export const NO_NODE = 0;
/** A bucket splits into children when it would hold more entries than this... */
export const SPLIT_ABOVE = 16;
/** ...and a subtree folds back into one bucket at this size: the gap stops split/fold flapping. */
export const FOLD_AT_OR_BELOW = 8;

export class TrieStore {
  // Entries, by slot: id, state hash, leaf hash (LEAF_WORDS words) and the next slot in its bucket.
  readonly ids: string[] = [''];
  readonly states: string[] = [''];
  leafHashes: Uint32Array = new Uint32Array(LEAF_WORDS * 64);
  next: Int32Array = new Int32Array(64);
  entryCount = 0;
  private readonly freeSlots: number[] = [];
  // Nodes, by index: children (FANOUT each), bucket head or INTERNAL, entry count, and the XOR
  // of the leaf hashes below (LEAF_WORDS words). Free nodes are all zero.
  children: Int32Array = new Int32Array(FANOUT * 16);
  heads: Int32Array = new Int32Array(16);
  counts: Int32Array = new Int32Array(16);
  fingerprints: Uint32Array = new Uint32Array(LEAF_WORDS * 16);
  private nodeCount = 1;
  private readonly freeNodes: number[] = [];

  /** Makes room for `slots` entries and `nodes` nodes at once (a bulk load) instead of doubling. */
  reserve(slots: number, nodes: number): void {
    this.next = growInt32(this.next, slots + 1);
    this.leafHashes = growUint32(this.leafHashes, (slots + 1) * LEAF_WORDS);
    this.children = growInt32(this.children, nodes * FANOUT);
    this.heads = growInt32(this.heads, nodes);
    this.counts = growInt32(this.counts, nodes);
    this.fingerprints = growUint32(this.fingerprints, nodes * LEAF_WORDS);
  }

  /** Stores an entry whose leaf hash is `hashes[offset..offset+LEAF_WORDS)`; not yet in a bucket. */
  allocSlot(id: string, stateHash: string, hashes: Uint32Array, offset: number): number {
    const slot = this.freeSlots.pop() ?? this.ids.length;
    this.ids[slot] = id;
    this.states[slot] = stateHash;
    if (slot >= this.next.length) {
      this.next = growInt32(this.next, slot + 1);
      this.leafHashes = growUint32(this.leafHashes, (slot + 1) * LEAF_WORDS);
    }
    for (let w = 0; w < LEAF_WORDS; w++) {
      this.leafHashes[slot * LEAF_WORDS + w] = hashes[offset + w] ?? 0;
    }
    this.next[slot] = NO_SLOT;
    this.entryCount++;
    return slot;
  }

  freeSlot(slot: number): void {
    this.ids[slot] = '';
    this.states[slot] = '';
    this.freeSlots.push(slot);
    this.entryCount--;
  }

  /** A zeroed node: an empty bucket with no children. */
  allocNode(): number {
    const node = this.freeNodes.pop() ?? this.nodeCount++;
    if (node >= this.heads.length) {
      this.children = growInt32(this.children, (node + 1) * FANOUT);
      this.heads = growInt32(this.heads, node + 1);
      this.counts = growInt32(this.counts, node + 1);
      this.fingerprints = growUint32(this.fingerprints, (node + 1) * LEAF_WORDS);
    }
    return node;
  }

  /** Returns a node to the pool; its child pointers must already be clear. */
  freeNode(node: number): void {
    this.heads[node] = NO_SLOT;
    this.counts[node] = 0;
    this.fingerprints.fill(0, node * LEAF_WORDS, (node + 1) * LEAF_WORDS);
    this.freeNodes.push(node);
  }

  /** XORs an entry's leaf hash into `out[offset..offset+LEAF_WORDS)`. */
  xorLeafInto(out: Uint32Array, offset: number, slot: number): void {
    const base = slot * LEAF_WORDS;
    for (let w = 0; w < LEAF_WORDS; w++) {
      out[offset + w] = (out[offset + w] ?? 0) ^ (this.leafHashes[base + w] ?? 0);
    }
  }

  /** Adds an entry (sign 1) to a node's count and fingerprint, or removes it (sign -1). */
  account(node: number, slot: number, sign: 1 | -1): void {
    this.counts[node] = (this.counts[node] ?? 0) + sign;
    this.xorLeafInto(this.fingerprints, node * LEAF_WORDS, slot);
  }
}

function growInt32(array: Int32Array, minLength: number): Int32Array {
  if (array.length >= minLength) return array;
  const grown = new Int32Array(Math.max(minLength, array.length * 2));
  grown.set(array);
  return grown;
}

function growUint32(array: Uint32Array, minLength: number): Uint32Array {
  if (array.length >= minLength) return array;
  const grown = new Uint32Array(Math.max(minLength, array.length * 2));
  grown.set(array);
  return grown;
}
