import type { Upload } from '@tus/utils';
import { HashingFileStore } from './hashing-file-store.js';

/** What one owner's unfinished tus uploads hold: how many, and the bytes they declared. */
export interface InProgress {
  readonly uploads: number;
  readonly bytes: number;
}

/**
 * The hashing file store, also keeping count of each owner's unfinished uploads, so that a
 * quota holds against bytes still on their way and no one can open uploads without end. The
 * count is built from the upload records on first use (they outlive a restart) and kept up to
 * date by every creation and removal through this store; a removal that fails drops it, to be
 * built again from the records.
 */
export class CountedFileStore extends HashingFileStore {
  #tally: Promise<Tally> | undefined;

  override async create(upload: Upload): Promise<Upload> {
    const created = await super.create(upload);
    (await this.#loaded()).add(upload);
    return created;
  }

  override async remove(id: string): Promise<void> {
    try {
      await super.remove(id);
    } catch (error) {
      this.#tally = undefined;
      throw error;
    }
    (await this.#loaded()).delete(id);
  }

  async inProgress(owner: string): Promise<InProgress> {
    return (await this.#loaded()).of(owner);
  }

  /** Drops the record of an upload whose file is gone already, and its count. */
  async dropRecord(id: string): Promise<void> {
    await this.configstore.delete(id);
    (await this.#loaded()).delete(id);
  }

  /** The tally, counted from the records if need be; a count that failed is tried again. */
  #loaded(): Promise<Tally> {
    this.#tally ??= Tally.of(this).catch((error: unknown) => {
      this.#tally = undefined;
      throw error;
    });
    return this.#tally;
  }
}

/** Uploads by id, and each owner's totals. */
class Tally {
  readonly #uploads = new Map<string, { owner: string; size: number }>();
  readonly #owners = new Map<string, InProgress>();

  static async of(store: HashingFileStore): Promise<Tally> {
    const tally = new Tally();
    for (const id of (await store.configstore.list?.()) ?? []) {
      const upload = await store.configstore.get(id).catch(() => undefined);
      if (upload) tally.add(upload);
    }
    return tally;
  }

  add(upload: Upload): void {
    this.delete(upload.id);
    const entry = { owner: upload.metadata?.owner ?? '', size: upload.size ?? 0 };
    this.#uploads.set(upload.id, entry);
    this.#change(entry.owner, 1, entry.size);
  }

  delete(id: string): void {
    const entry = this.#uploads.get(id);
    if (!entry) return;
    this.#uploads.delete(id);
    this.#change(entry.owner, -1, -entry.size);
  }

  of(owner: string): InProgress {
    return this.#owners.get(owner) ?? { uploads: 0, bytes: 0 };
  }

  #change(owner: string, uploads: number, bytes: number): void {
    const now = this.of(owner);
    const next = { uploads: now.uploads + uploads, bytes: now.bytes + bytes };
    if (next.uploads === 0) this.#owners.delete(owner);
    else this.#owners.set(owner, next);
  }
}
