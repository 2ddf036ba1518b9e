import { join } from 'node:path';
import type { FileFacts as HashedFacts } from './file-facts.js';
import type { FileHasher } from './file-hasher.js';
import type { IgnoreRules } from './ignore-rules.js';
import { walkFolder, type FileStat } from './walk-folder.js';

/** A file as the sync model sees it: its bytes' SHA-256 and size. */
export interface FolderFile {
  readonly hash: string;
  readonly size: number;
}

export interface FolderScan {
  /** Every file the rules do not ignore, by relative path. */
  readonly files: Map<string, FolderFile>;
  /** How many files had to be read (new, or changed since the last scan). */
  readonly hashed: number;
  /** Files that changed while they were read (still being written): left for the next scan. */
  readonly changing: string[];
  /** Files that could not be read (permissions, say), with the reason. */
  readonly unreadable: { readonly path: string; readonly reason: string }[];
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
 * What is in `folder` now. Only files whose size, modification time or inode changed since the
 * last scan are read; their hashes are recorded in `facts` as they come, so an interrupted scan
 * of a big folder does not start over. Files gone since the last scan are forgotten.
 */
export async function scanFolder(
  folder: string,
  { rules, facts, hasher }: { rules: IgnoreRules; facts: HashedFacts; hasher: FileHasher },
  onProgress: (progress: ScanProgress) => void = () => undefined,
): Promise<FolderScan> {
  const files = new Map<string, FolderFile>();
  const changing: string[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const progress = { seen: 0, hashed: 0, hashedBytes: 0 };
  let toRecord: (FileStat & { hash: string })[] = [];
  const flush = () => {
    facts.record(toRecord);
    toRecord = [];
  };
  const reading = new Set<Promise<void>>();

  const read = async (stat: FileStat) => {
    try {
      const hashed = await hasher.hash(join(folder, stat.path));
      if (!hashed.steady || hashed.size !== stat.size || hashed.mtimeNs !== stat.mtimeNs) {
        changing.push(stat.path);
        return;
      }
      files.set(stat.path, { hash: hashed.hash, size: hashed.size });
      toRecord.push({ ...stat, hash: hashed.hash });
      if (toRecord.length >= RECORD_BATCH) flush();
      progress.hashed += 1;
      progress.hashedBytes += hashed.size;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      // Deleted between the walk and the read: it is simply not there.
      if (code !== 'ENOENT') unreadable.push({ path: stat.path, reason: code ?? message });
    }
  };

  for await (const stat of walkFolder(folder, rules)) {
    progress.seen += 1;
    const known = facts.unchanged(stat);
    if (known) {
      files.set(stat.path, { hash: known.hash, size: stat.size });
      // Moved: recorded at its new path, as its old one is forgotten at the end.
      if (known.movedFrom !== undefined) toRecord.push({ ...stat, hash: known.hash });
    } else {
      const job = read(stat).finally(() => reading.delete(job));
      reading.add(job);
      if (reading.size >= IN_FLIGHT) await Promise.race(reading);
    }
    if (progress.seen % 1000 === 0) onProgress(progress);
  }
  await Promise.all(reading);
  flush();
  facts.forgetAllBut((path) => files.has(path));
  onProgress(progress);
  return { files, hashed: progress.hashed, changing, unreadable };
}
