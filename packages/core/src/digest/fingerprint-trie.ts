// The digest's index: a 16-way trie over the hex digits of asset ids. Every node holds the count
// of the entries below it and the XOR of their leaf hashes, so a change is O(depth) and the
// fingerprint of any prefix is read, not computed. Buckets (leaves of the trie) hold up to
// SPLIT_ABOVE entries. The shape is only an index: every answer depends on the set of entries
// alone, never on the order they came in.
import { bulkLoad } from './bulk-load.js';
import { invalidEntry } from './digest-error.js';
import { HASH_HEX_LENGTH, isHex, nibbleAt } from './hex.js';
import { LEAF_WORDS, leafHashInto } from './leaf-hash.js';
import {
  FANOUT,
  FOLD_AT_OR_BELOW,
  INTERNAL,
  NO_NODE,
  NO_SLOT,
  ROOT,
  SPLIT_ABOVE,
  TrieStore,
} from './trie-store.js';

/** Where a prefix's entries are: all of `node`'s subtree (exact), or some of bucket `node`. */
interface Scope {
  readonly node: number;
  readonly exact: boolean;
}
const EMPTY_SCOPE: Scope = { node: -1, exact: true };

export class FingerprintTrie {
  private readonly store = new TrieStore();
  // Scratch space for one operation at a time (the trie is not re-entrant).
  private readonly scratch = new Uint32Array(LEAF_WORDS);
  private readonly path = new Int32Array(HASH_HEX_LENGTH + 1);

  /** A trie of `entries`; for a repeated id the last entry wins, as with repeated `set`. */
  static build(entries: Iterable<readonly [id: string, stateHash: string]>): FingerprintTrie {
    const trie = new FingerprintTrie();
    bulkLoad(trie.store, entries);
    return trie;
  }

  get size(): number {
    return this.store.entryCount;
  }

  stateOf(id: string): string | undefined {
    const slot = isHex(id, HASH_HEX_LENGTH) ? this.find(id) : NO_SLOT;
    return slot === NO_SLOT ? undefined : this.store.states[slot];
  }

  /** Adds or replaces an entry; throws if id or state hash is not 64-char lowercase hex. */
  set(id: string, stateHash: string): void {
    if (!leafHashInto(id, stateHash, this.scratch, 0)) throw invalidEntry(id, stateHash);
    const slot = this.find(id);
    if (slot === NO_SLOT) this.insert(id, stateHash);
    else this.replace(slot, stateHash);
  }

  delete(id: string): boolean {
    const slot = isHex(id, HASH_HEX_LENGTH) ? this.find(id) : NO_SLOT;
    if (slot === NO_SLOT) return false;
    const { store, path } = this;
    let node = ROOT;
    let depth = 0;
    let foldDepth = -1;
    for (;;) {
      path[depth] = node;
      store.account(node, slot, -1);
      if (store.heads[node] !== INTERNAL) break;
      if (foldDepth < 0 && this.countOf(node) <= FOLD_AT_OR_BELOW) foldDepth = depth;
      node = store.children[node * FANOUT + nibbleAt(id, depth++)] ?? NO_NODE;
    }
    this.unlink(node, slot);
    store.freeSlot(slot);
    if (foldDepth >= 0) this.fold(path[foldDepth] ?? ROOT);
    this.pruneEmpty(id, foldDepth >= 0 ? foldDepth : depth);
    return true;
  }

  /** Writes the XOR of the leaf hashes under `prefix` to `out[0..4)`; returns their count. */
  summarize(prefix: string, out: Uint32Array): number {
    out.fill(0);
    const scope = this.locate(prefix);
    if (scope.exact && scope.node >= 0) {
      const base = scope.node * LEAF_WORDS;
      out.set(this.store.fingerprints.subarray(base, base + LEAF_WORDS));
      return this.countOf(scope.node);
    }
    let count = 0;
    this.visit(scope, prefix, (slot) => {
      this.store.xorLeafInto(out, 0, slot);
      count++;
    });
    return count;
  }

  /**
   * Summarizes each child of `prefix` (prefix + one hex digit): counts to `counts[0..16)`,
   * fingerprints to `out[4i..4i+4)`. `prefix` must be shorter than an id.
   */
  summarizeChildren(prefix: string, counts: Int32Array, out: Uint32Array): void {
    counts.fill(0);
    out.fill(0);
    const { store } = this;
    const scope = this.locate(prefix);
    if (scope.exact && scope.node >= 0 && store.heads[scope.node] === INTERNAL) {
      for (let i = 0; i < FANOUT; i++) {
        const child = store.children[scope.node * FANOUT + i] ?? NO_NODE;
        if (child === NO_NODE) continue;
        counts[i] = this.countOf(child);
        const base = child * LEAF_WORDS;
        out.set(store.fingerprints.subarray(base, base + LEAF_WORDS), i * LEAF_WORDS);
      }
      return;
    }
    this.visit(scope, prefix, (slot) => {
      const digit = nibbleAt(this.idAt(slot), prefix.length);
      counts[digit] = (counts[digit] ?? 0) + 1;
      store.xorLeafInto(out, digit * LEAF_WORDS, slot);
    });
  }

  /** Calls `fn` with each id under `prefix` and its leaf hash: words [offset, offset+4) of hashes. */
  forEachUnder(
    prefix: string,
    fn: (id: string, hashes: Uint32Array, offset: number) => void,
  ): void {
    this.visit(this.locate(prefix), prefix, (slot) => {
      fn(this.idAt(slot), this.store.leafHashes, slot * LEAF_WORDS);
    });
  }

  /** The slot holding `id`, or NO_SLOT. `id` must be valid hex: its digits index children. */
  private find(id: string): number {
    const { heads, children, next, ids } = this.store;
    let node = ROOT;
    for (let depth = 0; heads[node] === INTERNAL; depth++) {
      node = children[node * FANOUT + nibbleAt(id, depth)] ?? NO_NODE;
      if (node === NO_NODE) return NO_SLOT;
    }
    for (let slot = heads[node] ?? NO_SLOT; slot !== NO_SLOT; slot = next[slot] ?? NO_SLOT) {
      if (ids[slot] === id) return slot;
    }
    return NO_SLOT;
  }

  /** Adds a new entry whose leaf hash is in scratch. */
  private insert(id: string, stateHash: string): void {
    const { store } = this;
    const slot = store.allocSlot(id, stateHash, this.scratch, 0);
    let node = ROOT;
    let depth = 0;
    while (store.heads[node] === INTERNAL) {
      store.account(node, slot, 1);
      node = this.childFor(node, nibbleAt(id, depth++));
    }
    store.account(node, slot, 1);
    this.push(node, slot);
    if (this.countOf(node) > SPLIT_ABOVE) this.split(node, depth);
  }

  /** A changed state moves the leaf hash (in scratch): XOR old and new into the whole path. */
  private replace(slot: number, stateHash: string): void {
    const { store, scratch } = this;
    if (store.states[slot] === stateHash) return;
    store.states[slot] = stateHash;
    const base = slot * LEAF_WORDS;
    for (let w = 0; w < LEAF_WORDS; w++) {
      const fresh = scratch[w] ?? 0;
      scratch[w] = fresh ^ (store.leafHashes[base + w] ?? 0);
      store.leafHashes[base + w] = fresh;
    }
    const id = this.idAt(slot);
    let node = ROOT;
    for (let depth = 0; ; depth++) {
      for (let w = 0; w < LEAF_WORDS; w++) {
        const at = node * LEAF_WORDS + w;
        store.fingerprints[at] = (store.fingerprints[at] ?? 0) ^ (scratch[w] ?? 0);
      }
      if (store.heads[node] !== INTERNAL) return;
      node = store.children[node * FANOUT + nibbleAt(id, depth)] ?? NO_NODE;
    }
  }

  /** Turns an overfull bucket into an internal node, recursively while children overflow. */
  private split(node: number, depth: number): void {
    const { store } = this;
    let slot = store.heads[node] ?? NO_SLOT;
    store.heads[node] = INTERNAL;
    while (slot !== NO_SLOT) {
      const following = store.next[slot] ?? NO_SLOT;
      const child = this.childFor(node, nibbleAt(this.idAt(slot), depth));
      store.account(child, slot, 1);
      this.push(child, slot);
      slot = following;
    }
    for (let i = 0; i < FANOUT; i++) {
      const child = store.children[node * FANOUT + i] ?? NO_NODE;
      if (child !== NO_NODE && this.countOf(child) > SPLIT_ABOVE) this.split(child, depth + 1);
    }
  }

  /** Turns a small internal node back into one bucket; its count and fingerprint stay. */
  private fold(node: number): void {
    const slots: number[] = [];
    this.visit({ node, exact: true }, '', (slot) => slots.push(slot));
    this.freeDescendants(node);
    this.store.heads[node] = NO_SLOT;
    for (const slot of slots) this.push(node, slot);
  }

  /** Frees the emptied nodes at the bottom of the path a delete just walked. */
  private pruneEmpty(id: string, bottom: number): void {
    for (let depth = bottom; depth > 0; depth--) {
      const node = this.path[depth] ?? ROOT;
      if (this.countOf(node) > 0) return;
      this.store.freeNode(node); // a bucket: only fold makes small nodes, and it makes buckets
      const parent = this.path[depth - 1] ?? ROOT;
      this.store.children[parent * FANOUT + nibbleAt(id, depth - 1)] = NO_NODE;
    }
  }

  private locate(prefix: string): Scope {
    const { heads, children } = this.store;
    let node = ROOT;
    let depth = 0;
    while (depth < prefix.length && heads[node] === INTERNAL) {
      node = children[node * FANOUT + nibbleAt(prefix, depth++)] ?? NO_NODE;
      if (node === NO_NODE) return EMPTY_SCOPE;
    }
    return { node, exact: depth === prefix.length };
  }

  /** Visits the entry slots of a scope; a bucket above the prefix is filtered by it. */
  private visit(scope: Scope, prefix: string, fn: (slot: number) => void): void {
    if (scope.node < 0) return;
    const { heads, children, next } = this.store;
    const stack = [scope.node];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      if (heads[node] === INTERNAL) {
        for (let i = FANOUT - 1; i >= 0; i--) {
          const child = children[node * FANOUT + i] ?? NO_NODE;
          if (child !== NO_NODE) stack.push(child);
        }
        continue;
      }
      for (let slot = heads[node] ?? NO_SLOT; slot !== NO_SLOT; slot = next[slot] ?? NO_SLOT) {
        if (scope.exact || this.idAt(slot).startsWith(prefix)) fn(slot);
      }
    }
  }

  private childFor(node: number, digit: number): number {
    const at = node * FANOUT + digit;
    const existing = this.store.children[at] ?? NO_NODE;
    if (existing !== NO_NODE) return existing;
    const child = this.store.allocNode();
    this.store.children[at] = child; // after allocNode, which may have replaced the array
    return child;
  }

  private push(node: number, slot: number): void {
    this.store.next[slot] = this.store.heads[node] ?? NO_SLOT;
    this.store.heads[node] = slot;
  }

  private unlink(node: number, slot: number): void {
    const { heads, next } = this.store;
    let previous = NO_SLOT;
    for (let at = heads[node] ?? NO_SLOT; at !== NO_SLOT; at = next[at] ?? NO_SLOT) {
      if (at === slot) {
        if (previous === NO_SLOT) heads[node] = next[at] ?? NO_SLOT;
        else next[previous] = next[at] ?? NO_SLOT;
        return;
      }
      previous = at;
    }
  }

  /** Frees every node below `node` and clears its child pointers. */
  private freeDescendants(node: number): void {
    const { store } = this;
    for (let i = 0; i < FANOUT; i++) {
      const at = node * FANOUT + i;
      const child = store.children[at] ?? NO_NODE;
      if (child === NO_NODE) continue;
      store.children[at] = NO_NODE;
      if (store.heads[child] === INTERNAL) this.freeDescendants(child);
      store.freeNode(child);
    }
  }

  private idAt(slot: number): string {
    return this.store.ids[slot] ?? '';
  }

  private countOf(node: number): number {
    return this.store.counts[node] ?? 0;
  }
}
