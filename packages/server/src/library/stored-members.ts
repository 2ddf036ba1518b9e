import type { OpId } from '@keepsake/core';

type Tags = Map<OpId, number>;

/**
 * An album's members as the merge rules see them: a Map that reads a member's tags from the
 * database on first touch, so adding one photo to an album of fifty thousand reads and writes
 * one row, not the album. The rules only look members up by id (never iterate), which is what
 * makes loading on demand exact.
 */
export class StoredMembers extends Map<string, Tags> {
  readonly #load: (member: string) => string | undefined;
  readonly #loaded = new Set<string>();
  /** Members handed out or changed: the rules change tags in place, so each may differ now. */
  readonly touched = new Set<string>();

  constructor(load: (member: string) => string | undefined) {
    super();
    this.#load = load;
  }

  override get(member: string): Tags | undefined {
    this.#ensure(member);
    this.touched.add(member);
    return super.get(member);
  }

  override has(member: string): boolean {
    this.#ensure(member);
    return super.has(member);
  }

  override set(member: string, tags: Tags): this {
    this.#loaded.add(member);
    this.touched.add(member);
    return super.set(member, tags);
  }

  override delete(member: string): boolean {
    this.#ensure(member);
    this.touched.add(member);
    return super.delete(member);
  }

  /** The member's tags as a stored row, or undefined once it has none (its row goes). */
  encoded(member: string): string | undefined {
    const tags = super.get(member);
    return tags && tags.size > 0 ? JSON.stringify([...tags]) : undefined;
  }

  #ensure(member: string): void {
    if (this.#loaded.has(member)) return;
    this.#loaded.add(member);
    const row = this.#load(member);
    if (row !== undefined) super.set(member, new Map(JSON.parse(row) as [OpId, number][]));
  }
}
