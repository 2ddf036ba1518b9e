import {
  MAX_OPS_PER_BATCH,
  type BlobHash,
  type Op,
  type Reply,
  type RetryLater,
} from '@keepsake/core';
import type { WebDevice } from '../library/web-device.js';
import type { uploadBlob as UploadBlob } from './blob-upload.js';
import type { ChosenFile } from './chosen-files.js';
import { filesOfOp, importOps, type StoredFile } from './import-ops.js';
import { dayKey, distinctPathRuns, libraryPathOf } from './library-paths.js';
import { batches, blobMedia, importedAlready, presentBlobs } from './upload-api.js';

/** Files whose bytes go up at once: enough to fill the line, few enough to show steady progress. */
const UPLOADS_AT_ONCE = 3;

/**
 * Listeners hear of changes at most this often. Every file reports its hashing and uploading
 * progress many times: told each time, the panel of a 10,000-file folder drawn again with every
 * report froze the page.
 */
const TELL_EVERY_MS = 100;

export type UploadStep =
  | { readonly step: 'waiting' }
  | { readonly step: 'hashing'; readonly doneBytes: number }
  | { readonly step: 'uploading'; readonly doneBytes: number }
  | { readonly step: 'importing' }
  | { readonly step: 'imported' }
  | { readonly step: 'in-library' }
  | { readonly step: 'failed'; readonly reason: string };

/** One chosen file as the upload panel shows it. */
export interface UploadRow {
  readonly id: number;
  /** Where it goes in the library (its name, when that cannot be a library path). */
  readonly path: string;
  readonly size: number;
  readonly state: UploadStep;
  /** What the server could not read from its bytes: it is kept all the same, as a device keeps it. */
  readonly warning?: string;
}

export const isFinished = (state: UploadStep): boolean =>
  state.step === 'imported' || state.step === 'in-library' || state.step === 'failed';

interface Pending {
  readonly id: number;
  readonly file: File;
  readonly path: string;
}
type Hashed = Pending & { readonly hash: BlobHash };

/**
 * Hashing and tus, fetched with the first files chosen rather than with every page: most visits
 * upload nothing, and these are a fifth of the app's code.
 */
const transferCode = () => Promise.all([import('./hash-file.js'), import('./blob-upload.js')]);

export interface UploadQueueDeps {
  readonly device: WebDevice;
  /** The signed-in user: an interrupted upload is resumed only for them. */
  readonly owner: string;
  /** The library's head now: what this browser had seen when it makes its imports. */
  readonly head: () => number;
}

/**
 * Files chosen for upload, taken through what a device does with a new file: hash it, send the
 * bytes the library lacks (resumably), learn their metadata, import them through core's folder
 * scan. Uploads chosen one after another run one after another. Every file ends imported,
 * already in the library, or failed with the reason; one file's failure stops no other.
 */
export class UploadQueue {
  /** Changed in place: one file's progress costs the same in a queue of ten or of 100,000. */
  #rows: UploadRow[] = [];
  /** Where each row's id is in `#rows`. */
  #at = new Map<number, number>();
  /** What listeners were last told of: `#rows` as it was then. */
  #told: readonly UploadRow[] = [];
  #telling: ReturnType<typeof setTimeout> | undefined;
  readonly #listeners = new Set<() => void>();
  #work: Promise<void> = Promise.resolve();
  #nextId = 0;

  constructor(private readonly deps: UploadQueueDeps) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The rows as last told; a new array whenever listeners are told (for useSyncExternalStore). */
  readonly rows = (): readonly UploadRow[] => this.#told;

  add(chosen: readonly ChosenFile[]): void {
    const day = dayKey(new Date());
    const pending: Pending[] = [];
    const rows: UploadRow[] = [];
    for (const { file, ...name } of chosen) {
      const id = (this.#nextId += 1);
      const check = libraryPathOf(name, day);
      if (check.ok) pending.push({ id, file, path: check.path });
      const state: UploadStep = check.ok
        ? { step: 'waiting' }
        : {
            step: 'failed',
            reason: `its name cannot be a library path: the path ${check.problem}`,
          };
      rows.push({ id, path: check.ok ? check.path : name.name, size: file.size, state });
    }
    for (const row of rows) this.#at.set(row.id, this.#rows.push(row) - 1);
    this.#changed(true);
    this.#work = this.#work.then(() => this.#upload(pending));
  }

  /** Forgets the rows of files that are done with. */
  clearFinished(): void {
    this.#rows = this.#rows.filter((row) => !isFinished(row.state));
    this.#at = new Map(this.#rows.map((row, at) => [row.id, at]));
    this.#changed(true);
  }

  async #upload(pending: readonly Pending[]): Promise<void> {
    const code = await transferCode().catch((error: unknown) => {
      const reason = `the uploader could not be loaded (${text(error)}); reload the page and try again`;
      this.#set(pending, { step: 'failed', reason });
    });
    if (!code) return;
    const [{ hashFile }, { uploadBlob }] = code;
    const hashed: Hashed[] = [];
    for (const entry of pending) {
      try {
        const hash = await hashFile(entry.file, (doneBytes) => {
          this.#set([entry], { step: 'hashing', doneBytes });
        });
        hashed.push({ ...entry, hash });
        this.#set([entry], { step: 'waiting' });
      } catch (error) {
        this.#set([entry], { step: 'failed', reason: `could not read the file: ${text(error)}` });
      }
    }
    try {
      const heldBefore = await presentBlobs([...new Set(hashed.map((entry) => entry.hash))]);
      const stored = await this.#sendMissing(hashed, heldBefore, uploadBlob);
      await this.#import(stored, heldBefore);
    } catch (error) {
      // A step for all the files failed (the server could not be asked): each still going says why.
      const going = new Set(
        this.#rows.filter((row) => !isFinished(row.state)).map((row) => row.id),
      );
      this.#set(
        hashed.filter((entry) => going.has(entry.id)),
        { step: 'failed', reason: text(error) },
      );
    }
  }

  /** Sends the bytes the library lacks, once per content; answers the files whose bytes it holds. */
  async #sendMissing(
    hashed: readonly Hashed[],
    heldBefore: ReadonlySet<string>,
    uploadBlob: typeof UploadBlob,
  ): Promise<Hashed[]> {
    const byHash = new Map<BlobHash, Hashed[]>();
    for (const entry of hashed) byHash.set(entry.hash, [...(byHash.get(entry.hash) ?? []), entry]);
    const missing = [...byHash.values()].filter(([first]) => first && !heldBefore.has(first.hash));
    const stored = hashed.filter((entry) => heldBefore.has(entry.hash));
    const sendNext = async (): Promise<void> => {
      const same = missing.shift();
      const first = same?.[0];
      if (!same || !first) return;
      try {
        this.#set(same, { step: 'uploading', doneBytes: 0 });
        await uploadBlob(first.file, first.hash, this.deps.owner, (doneBytes) => {
          this.#set(same, { step: 'uploading', doneBytes });
        });
        stored.push(...same);
      } catch (error) {
        this.#set(same, { step: 'failed', reason: text(error) });
      }
      await sendNext();
    };
    await Promise.all(Array.from({ length: UPLOADS_AT_ONCE }, sendNext));
    return stored;
  }

  /** Imports the stored files as core's folder scan does, and records each one's outcome. */
  async #import(hashed: readonly Hashed[], heldBefore: ReadonlySet<string>): Promise<void> {
    this.#set(hashed, { step: 'importing' });
    const media = await blobMedia([...new Set(hashed.map((entry) => entry.hash))]);
    const files = hashed.map((entry) => ({
      ...entry,
      size: entry.file.size,
      meta: media.get(entry.hash)?.meta ?? {},
    }));
    for (const entry of hashed) {
      const warning = media.get(entry.hash)?.error;
      if (warning) this.#update(entry.id, (row) => ({ ...row, warning }));
    }
    this.#changed();
    for (const run of distinctPathRuns<StoredFile & Hashed>(files)) {
      const next = await this.deps.device.stamper(this.deps.head());
      const ops: Op[] = [];
      for (const op of importOps(run, (payload) => ({ ...next(), payload }))) {
        if (await importedAlready(op, heldBefore))
          this.#set(filesOfOp(op, run), { step: 'in-library' });
        else ops.push(op);
      }
      for (const batch of batches(ops, MAX_OPS_PER_BATCH)) {
        const replies = await this.deps.device.send(batch);
        for (const [i, op] of batch.entries())
          this.#set(filesOfOp(op, run), outcomeStep(replies[i]));
      }
    }
  }

  #set(entries: readonly { readonly id: number }[], state: UploadStep): void {
    for (const { id } of entries) this.#update(id, (row) => ({ ...row, state }));
    this.#changed();
  }

  /** A new row in the place of row `id`, unless it was cleared meanwhile. */
  #update(id: number, make: (row: UploadRow) => UploadRow): void {
    const at = this.#at.get(id);
    const row = at === undefined ? undefined : this.#rows[at];
    if (at !== undefined && row) this.#rows[at] = make(row);
  }

  /**
   * Tells listeners soon: the changes of the next moment are told together. What the user did
   * (`now`) is told at once, so the panel never shows the rows from before their click.
   */
  #changed(now = false): void {
    if (now) {
      clearTimeout(this.#telling);
      this.#tell();
    } else {
      this.#telling ??= setTimeout(() => {
        this.#tell();
      }, TELL_EVERY_MS);
    }
  }

  #tell(): void {
    this.#telling = undefined;
    this.#told = [...this.#rows];
    for (const listener of this.#listeners) listener();
  }
}

/** What the server's reply to an import makes of its files. */
function outcomeStep(reply: Reply | RetryLater | undefined): UploadStep {
  if (!reply) return { step: 'failed', reason: 'the server answered without an outcome' };
  const outcome = reply.status === 'duplicate' ? reply.first : reply;
  switch (outcome.status) {
    case 'retry':
    case 'rejected':
      return { step: 'failed', reason: outcome.message };
    case 'applied':
    case 'merged':
      // The server's word for bytes it knew: the asset gained at most a placement.
      return outcome.note?.startsWith('already in the library')
        ? { step: 'in-library' }
        : { step: 'imported' };
  }
}

const text = (error: unknown) => (error instanceof Error ? error.message : String(error));
