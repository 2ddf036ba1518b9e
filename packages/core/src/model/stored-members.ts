import type { OpId } from './ids.js';

type Tags = Map<OpId, number>;

/**
 * An album's members as the merge rules see them: a Map that reads a member's tags from the
 * database on first touch, so adding one photo to an album of fifty thousand reads and writes
 * one row, not the album. The rules only look members up by id (never iterate), which is what
 * makes loading on demand exact.
 */
export class StoredMembers extends Map<string, Tags> {
  readonly #load: (member: string) => string | undefined;
  /** Each member read so far, with its row as stored (undefined: no row). */
  readonly #stored = new Map<string, string | undefined>();

  constructor(load: (member: string) => string | undefined) {
    super();
    this.#load = load;
  }

  override get(member: string): Tags | undefined {
    this.#ensure(member);
    return super.get(member);
  }

  override has(member: string): boolean {
    this.#ensure(member);
    return super.has(member);
  }

  override set(member: string, tags: Tags): this {
    this.#ensure(member);
    return super.set(member, tags);
  }

  override delete(member: string): boolean {
    this.#ensure(member);
    return super.delete(member);
  }

  /**
   * The members whose rows differ from what is stored, with their new row (undefined: the row
   * goes). Rules change tags in place, so every member read is compared, not just those set.
   */
  *changedRows(): Iterable<readonly [string, string | undefined]> {
    for (const [member, stored] of this.#stored) {
      const tags = super.get(member);
      const row = tags && tags.size > 0 ? JSON.stringify([...tags]) : undefined;
      if (row !== stored) yield [member, row];
    }
  }

  #ensure(member: string): void {
    if (this.#stored.has(member)) return;
    const row = this.#load(member);
    this.#stored.set(member, row);
    if (row !== undefined) super.set(member, new Map(JSON.parse(row) as [OpId, number][]));
  }
}
