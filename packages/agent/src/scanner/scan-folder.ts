import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { sameFile, type FileFacts } from './file-facts.js';
import type { FileHasher } from './file-hasher.js';
import { IGNORE_FILE, loadIgnoreRules, type IgnoreRules } from './ignore-rules.js';
import { walkFolder, type FileStat } from './walk-folder.js';

/**
 * What a look found. What it saw of each file is recorded in `file_facts` (the look's durable
 * form), with the folders where anything changed marked dirty: nothing here grows with the
 * size of the folder, so a million files cost what one folder of them does.
 */
export interface FolderScan {
  /** Files the rules do not ignore. */
  readonly seen: number;
  /** The folders walked (relative, ending in `/`; '' is the top): what a watcher follows. */
  readonly folders: readonly string[];
  /** How many files had to be read (new, or changed since the last scan). */
  readonly hashed: number;
  /**
   * Files still being written (modified within the settle time, or changed while they were
   * read): left for the next scan.
   */
  readonly changing: string[];
  /**
   * New or changed files this look left unread, past its reading budget: the next look reads
   * them (known ones count as they were last seen until then).
   */
  readonly unread: number;
  /**
   * When the next look has files to read (ms since the epoch), if any: the first file still
   * settling will have settled, or, with files left unread, now.
   */
  readonly settlesAt: number | undefined;
  /** Files that could not be read (permissions, say), with the reason. */
  readonly unreadable: { readonly path: string; readonly reason: string }[];
  /** The ignore rules the look went by: nothing is placed where it would not look. */
  readonly rules: IgnoreRules;
}

export interface ScanProgress {
  readonly seen: number;
  readonly hashed: number;
  readonly hashedBytes: number;
}

/** Files read at a time: enough to keep every hashing thread busy, no more in memory. */
const IN_FLIGHT = 64;
/** Newly hashed files recorded per transaction. */
const RECORD_BATCH = 1000;

/**
 * Bytes one look reads at most, by the number of files walked so far: a big import is synced
 * a slice at a time, its first photos uploading (and reaching other devices) while the rest
 * wait for the next look, instead of after all of it is read. At 64 KiB a file the walk each
 * look repeats stays under a tenth of its reading, at any size of folder (a walk costs about
 * 5 µs a file, reading 64 KiB about 50).
 */
export const defaultReadBudget = (walked: number): number =>
  Math.max(256 * 1024 * 1024, walked * 64 * 1024);

/**
 * Scans one synced folder, again and again over the agent's life. It keeps the ignore rules
 * between scans (they remember what they decided for each path) and reloads them only when
 * `.keepsakeignore` changes.
 */
export class FolderScanner {
  #rules: IgnoreRules | undefined;
  #rulesStamp = '';

  constructor(
    readonly folder: string,
    private readonly facts: FileFacts,
    private readonly hasher: FileHasher,
    /**
     * A new or changed file modified less than this long ago is still being written (a camera
     * import, a slow copy): it is left for the next scan rather than read half-made.
     */
    private readonly settleMs = 0,
    /** Bytes a look may start reading, given how many files it has walked. */
    private readonly readBudget: (walked: number) => number = defaultReadBudget,
  ) {}

  /**
   * What is in the folder now. Only files whose size, modification time or inode changed
   * since the last scan are read, and a file found under a new path with a known inode, size
   * and time is a move, not read either. Hashes are recorded as they come, so an interrupted
   * scan of a big folder does not start over. What is gone since the last scan is forgotten at
   * the end (not before: a file moved into a folder walked later is still found by its inode).
   */
  async scan(
    onProgress: (progress: ScanProgress) => void = () => undefined,
    /** Read every new or changed file, whatever the budget (a first match, a verification). */
    whole = false,
  ): Promise<FolderScan> {
    return scanWith(
      this.folder,
      await this.#currentRules(),
      this.facts,
      this.hasher,
      this.settleMs,
      whole ? () => Infinity : this.readBudget,
      onProgress,
    );
  }

  async #currentRules(): Promise<IgnoreRules> {
    const stat = lstatSync(join(this.folder, IGNORE_FILE), { throwIfNoEntry: false });
    const stamp = stat ? `${String(stat.size)}/${String(stat.mtimeMs)}/${String(stat.ino)}` : '';
    if (!this.#rules || stamp !== this.#rulesStamp) {
      this.#rules = await loadIgnoreRules(this.folder);
      this.#rulesStamp = stamp;
    }
    return this.#rules;
  }
}

async function scanWith(
  folder: string,
  rules: IgnoreRules,
  facts: FileFacts,
  hasher: FileHasher,
  settleMs: number,
  readBudget: (walked: number) => number,
  onProgress: (progress: ScanProgress) => void,
): Promise<FolderScan> {
  const now = Date.now();
  // A time in the future (a camera's wrong clock, kept by a copy) says nothing of settling:
  // such a file is read, and the read's own steadiness check guards it.
  const settling = (mtimeMs: number) => mtimeMs <= now && now - mtimeMs < settleMs;
  let settlesAt: number | undefined;
  const changing: string[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const progress = { seen: 0, hashed: 0, hashedBytes: 0 };
  // Bytes of the reads started, less those that failed: what counts against the budget.
  let readingBytes = 0;
  let unread = 0;
  const gone: { dir: string; name: string }[] = [];
  const folders = new Set<string>();
  let toRecord: (FileStat & { hash: string })[] = [];
  const flush = () => {
    facts.record(toRecord);
    toRecord = [];
  };
  const reading = new Set<Promise<void>>();

  /**
   * Whether the look has read its budget. Decided on reads that succeeded: at the budget, the
   * reads under way are waited for, and a failed one (unreadable, still changing) gives its
   * share back. So a look that leaves files for the next one has read at least its budget,
   * and no run of failing files can keep the rest unread look after look.
   */
  const overBudget = async () => {
    if (readingBytes < readBudget(progress.seen)) return false;
    await Promise.all(reading);
    return readingBytes >= readBudget(progress.seen);
  };

  const read = async (stat: FileStat) => {
    let ok = false;
    try {
      const hashed = await hasher.hash(join(folder, stat.path));
      if (!hashed.steady || hashed.size !== stat.size || hashed.mtimeMs !== stat.mtimeMs) {
        changing.push(stat.path);
        return;
      }
      ok = true;
      toRecord.push({ ...stat, hash: hashed.hash });
      if (toRecord.length >= RECORD_BATCH) flush();
      progress.hashed += 1;
      progress.hashedBytes += hashed.size;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      // Deleted between the walk and the read: it is simply not there.
      if (code !== 'ENOENT') unreadable.push({ path: stat.path, reason: code ?? message });
    } finally {
      if (!ok) readingBytes -= stat.size;
    }
  };

  for await (const { dir, files: found, misnamed } of walkFolder(folder, rules)) {
    folders.add(dir);
    unreadable.push(...misnamed);
    const seen = facts.inDir(dir);
    for (const stat of found) {
      progress.seen += 1;
      const before = seen.get(stat.name);
      seen.delete(stat.name);
      if (before && sameFile(stat, before)) continue;
      if (settling(stat.mtimeMs)) {
        changing.push(stat.path);
        settlesAt = Math.min(settlesAt ?? Infinity, stat.mtimeMs + settleMs);
        continue;
      }
      const moved = facts.movedFrom(stat);
      if (moved) {
        toRecord.push({ ...stat, hash: moved.hash });
        continue;
      }
      if (await overBudget()) {
        unread += 1;
        settlesAt = now;
        continue;
      }
      readingBytes += stat.size;
      const job = read(stat).finally(() => reading.delete(job));
      reading.add(job);
      if (reading.size >= IN_FLIGHT) await Promise.race(reading);
    }
    for (const name of seen.keys()) gone.push({ dir, name });
    rules.release();
    onProgress(progress);
  }
  await Promise.all(reading);
  flush();
  // Files that changed while read, or could not be read, are not known any more either.
  const unsure: { dir: string; name: string }[] = [];
  for (const path of [...changing, ...unreadable.map((u) => u.path)]) {
    const slash = path.lastIndexOf('/') + 1;
    unsure.push({ dir: path.slice(0, slash), name: path.slice(slash) });
  }
  // With files left unread, what vanished stays known until a look has read everything: a
  // vanished file may be one of them under a new name (a move that made a new inode), which
  // would otherwise be told apart as a deletion and a new photo.
  if (unread > 0) facts.forget(unsure);
  else facts.forget([...gone, ...unsure], folders);
  return {
    seen: progress.seen,
    folders: [...folders],
    hashed: progress.hashed,
    changing,
    unread,
    settlesAt,
    unreadable,
    rules,
  };
}
