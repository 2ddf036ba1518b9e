// Building a digest from a whole library at once: hash every entry in one pass, radix-sort by
// id, then lay out buckets and nodes in id order. Inserting a million random ids one by one
// costs a cache miss or two per trie level; this costs a few sequential passes.
import { invalidEntry } from './digest-error.js';
import { leadingWord, nibbleAt } from './hex.js';
import { LEAF_WORDS, leafHashInto } from './leaf-hash.js';
import { FANOUT, INTERNAL, NO_SLOT, ROOT, SPLIT_ABOVE, type TrieStore } from './trie-store.js';

/** Loads `entries` into an empty store; for a repeated id the last entry wins. */
export function bulkLoad(
  store: TrieStore,
  entries: Iterable<readonly [id: string, stateHash: string]>,
): void {
  if (store.entryCount > 0) throw new Error('bulkLoad needs an empty store: slots must be 1..n');
  // Entry i goes to slot i + 1 (slot 0 is unused), in input order; buckets link them by id.
  for (const entry of entries) {
    store.ids.push(entry[0]); // not `const [id, state] of`: destructuring runs an iterator
    store.states.push(entry[1]);
  }
  const slots = store.ids.length - 1;
  store.reserve(slots, Math.ceil(slots / 2));
  const keys = new Uint32Array(slots + 1); // first 32 bits of each id, by slot
  for (let slot = 1; slot <= slots; slot++) {
    const id = store.ids[slot] ?? '';
    const stateHash = store.states[slot] ?? '';
    if (!leafHashInto(id, stateHash, store.leafHashes, slot * LEAF_WORDS)) {
      throw invalidEntry(id, stateHash);
    }
    keys[slot] = leadingWord(id);
  }
  store.entryCount = slots;
  const order = sortByKey(keys);
  const unique = dropRepeatedIds(store, order, keys);
  layOut(store, order, keys, ROOT, 0, unique, 0);
}

/** Slots 1..n ordered by key, stably (LSD radix sort, two 16-bit passes). */
function sortByKey(keys: Uint32Array): Uint32Array {
  const n = keys.length - 1;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  for (let i = 0; i < n; i++) from[i] = i + 1;
  for (const shift of [0, 16]) {
    const starts = new Uint32Array(0x10001);
    for (let slot = 1; slot <= n; slot++) {
      const digit = ((keys[slot] ?? 0) >>> shift) & 0xffff;
      starts[digit + 1] = (starts[digit + 1] ?? 0) + 1;
    }
    for (let d = 1; d <= 0x10000; d++) starts[d] = (starts[d] ?? 0) + (starts[d - 1] ?? 0);
    for (let i = 0; i < n; i++) {
      const slot = from[i] ?? 0;
      const digit = ((keys[slot] ?? 0) >>> shift) & 0xffff;
      const at = starts[digit] ?? 0;
      to[at] = slot;
      starts[digit] = at + 1;
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * Orders each run of equal keys (ids sharing 32 leading bits: rare) by full id, and frees all
 * but the last input entry of each id. Compacts `order` in place; returns its new length.
 */
function dropRepeatedIds(store: TrieStore, order: Uint32Array, keys: Uint32Array): number {
  let kept = 0;
  for (let start = 0; start < order.length;) {
    const key = keys[order[start] ?? 0];
    let end = start + 1;
    while (end < order.length && keys[order[end] ?? 0] === key) end++;
    if (end === start + 1) {
      order[kept++] = order[start] ?? 0;
      start = end;
      continue;
    }
    const idOf = (slot: number) => store.ids[slot] ?? '';
    const run = Array.from(order.subarray(start, end));
    run.sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0)); // stable
    run.forEach((slot, i) => {
      const following = run[i + 1];
      if (following !== undefined && idOf(following) === idOf(slot)) store.freeSlot(slot);
      else order[kept++] = slot;
    });
    start = end;
  }
  return kept;
}

/** Makes `node` hold the slots order[lo..hi) (sorted by id, sharing `depth` leading digits). */
function layOut(
  store: TrieStore,
  order: Uint32Array,
  keys: Uint32Array,
  node: number,
  lo: number,
  hi: number,
  depth: number,
): void {
  store.counts[node] = hi - lo;
  if (hi - lo <= SPLIT_ABOVE) {
    store.heads[node] = NO_SLOT;
    for (let i = lo; i < hi; i++) {
      const slot = order[i] ?? NO_SLOT;
      store.next[slot] = store.heads[node] ?? NO_SLOT;
      store.heads[node] = slot;
      store.xorLeafInto(store.fingerprints, node * LEAF_WORDS, slot);
    }
    return;
  }
  store.heads[node] = INTERNAL;
  for (let start = lo; start < hi;) {
    const digit = digitOf(store, keys, order[start] ?? NO_SLOT, depth);
    let end = start + 1;
    while (end < hi && digitOf(store, keys, order[end] ?? NO_SLOT, depth) === digit) end++;
    const child = store.allocNode();
    store.children[node * FANOUT + digit] = child;
    layOut(store, order, keys, child, start, end, depth + 1);
    for (let w = 0; w < LEAF_WORDS; w++) {
      const at = node * LEAF_WORDS + w;
      store.fingerprints[at] =
        (store.fingerprints[at] ?? 0) ^ (store.fingerprints[child * LEAF_WORDS + w] ?? 0);
    }
    start = end;
  }
}

/** Hex digit `depth` of the id in `slot`, from its key while the key has that many digits. */
function digitOf(store: TrieStore, keys: Uint32Array, slot: number, depth: number): number {
  if (depth < 8) return ((keys[slot] ?? 0) >>> (28 - 4 * depth)) & 15;
  return nibbleAt(store.ids[slot] ?? '', depth);
}
