import type { OpId } from './ids.js';

/**
 * An add-wins (observed-remove) set. Every add is tagged with the op that made it and the
 * log seq it was applied at; a remove takes away only the tags its sender had seen, so an add
 * concurrent with a remove survives it.
 */
export type OrSet = Map<string, Map<OpId, number>>;

export function orSetAdd(set: OrSet, element: string, tag: OpId, seq: number): void {
  let tags = set.get(element);
  if (!tags) {
    tags = new Map();
    set.set(element, tags);
  }
  if (!tags.has(tag)) tags.set(tag, seq);
}

/** Removes the observed tags of `element`; returns whether the element is gone. */
export function orSetRemove(set: OrSet, element: string, observed: readonly OpId[]): boolean {
  const tags = set.get(element);
  if (!tags) return true;
  for (const tag of observed) tags.delete(tag);
  if (tags.size === 0) set.delete(element);
  return !set.has(element);
}

export function orSetTags(set: OrSet, element: string): OpId[] {
  return [...(set.get(element)?.keys() ?? [])];
}

/** The seq at which the element's oldest surviving add was applied. */
export function orSetFirstSeq(set: OrSet, element: string): number {
  let first = Number.POSITIVE_INFINITY;
  for (const seq of set.get(element)?.values() ?? []) first = Math.min(first, seq);
  return first;
}

export function orSetValues(set: OrSet): string[] {
  return [...set.keys()].sort();
}

export function orSetMerge(into: OrSet, from: OrSet): void {
  for (const [element, tags] of from) {
    for (const [tag, seq] of tags) orSetAdd(into, element, tag, seq);
  }
}
