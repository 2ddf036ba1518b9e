import { join } from 'node:path';
import { lstatSync, readdirSync, rmSync } from 'node:fs';
import {
  checkLibraryPath,
  groupKey,
  indexEntryFor,
  planFolderChanges,
  type BlobHash,
  type FileFacts as FolderFacts,
  type IndexEntry,
  type PlannedFile,
} from '@keepsake/core';
import type { FileFacts } from '../scanner/file-facts.js';
import type { FileHasher } from '../scanner/file-hasher.js';
import { syncedHere, type IgnoreRules } from '../scanner/ignore-rules.js';
import type { FolderScan } from '../scanner/scan-folder.js';
import { sameFile } from '../scanner/file-facts.js';
import { statFile, type FileStat } from '../scanner/walk-folder.js';
import type { StateDb } from '../state/agent-state.js';
import type { BlobTransfer } from '../transfer/blob-transfer.js';
import { copyHolding, type AgentFiles } from './agent-files.js';
import {
  caseRenames,
  renameToPlannedCase,
  writesInTheWay,
  type CaseRename,
} from './case-folding.js';
import type { IndexStore } from './index-store.js';
import type { Replica } from './replica.js';

export interface ReconcileDeps {
  readonly db: StateDb;
  readonly files: AgentFiles;
  readonly facts: FileFacts;
  readonly hasher: FileHasher;
  readonly index: IndexStore;
  readonly replica: Replica;
  readonly transfer: BlobTransfer;
  readonly onProgress?: (progress: {
    files: number;
    bytes: number;
    totalFiles: number;
    totalBytes: number;
  }) => void;
}

export interface ReconcileResult {
  readonly written: number;
  readonly removed: number;
  /** Groups left unsettled: a download failed, or the user touched a file meanwhile. */
  readonly left: number;
  /** Files not placed here: the folder's ignore rules leave them out, or a linked folder is on their way. */
  readonly notHere: number;
  readonly errors: string[];
}

/** Groups handled per pass: their plans and index slices are in memory together. */
const GROUPS_PER_PASS = 500;
/** Downloads in flight at once: enough to fill a link and hide each file's fsyncs. */
const PARALLEL_DOWNLOADS = 8;
/** Written files recorded per commit. */
const RECORD_BATCH = 64;

/**
 * Brings the folder to the library's plan in every unsettled name group. Runs only when the
 * outbox is empty and the replica caught up, right after a look at the folder found nothing
 * new, so every difference is the server's doing (core's `planFolderChanges`). A file the user
 * changed since that look is left alone: the next scan makes it an op.
 */
export async function reconcileFolder(
  look: FolderScan,
  deps: ReconcileDeps,
  /** Only these of the unsettled groups (those whose files were just renamed). */
  only?: ReadonlySet<string>,
): Promise<ReconcileResult> {
  const unsure = new Set([...look.changing, ...look.unreadable.map((u) => u.path)]);
  const result = { written: 0, removed: 0, left: 0, notHere: 0, errors: [] as string[] };
  const placeable = placeableHere(look.rules, deps.files.folder);
  const groups = deps.replica.unsettledGroups().filter((group) => only?.has(group) ?? true);
  const view = deps.replica.view();
  const caseOnly: CaseRename[] = [];
  for (let i = 0; i < groups.length; i += GROUPS_PER_PASS) {
    const pass = groups.slice(i, i + GROUPS_PER_PASS);
    const writes: PlannedWrite[] = [];
    const removals: { path: string; group: string }[] = [];
    const firstRemovals: { path: string; group: string }[] = [];
    const blocked = new Set<string>();
    deps.db.transaction(() => {
      for (const group of pass) {
        const plan = new Map(deps.replica.planGroup(group).map((f) => [f.path, f]));
        const known = deps.index.inGroup(group);
        const snapshot = new Map<string, FolderFacts>();
        let touchedByUser = false;
        for (const path of [...plan.keys(), ...known.keys()]) {
          if (unsure.has(path)) touchedByUser = true;
          const file = deps.facts.get(path);
          if (file) snapshot.set(path, { hash: file.hash as BlobHash, size: file.size });
        }
        if (touchedByUser) {
          blocked.add(group);
          continue;
        }
        const renames = caseRenames(group, plan, known, view, deps);
        if (renames.length > 0) {
          caseOnly.push(...renames);
          blocked.add(group);
          continue;
        }
        const changes = planFolderChanges(plan, snapshot, known);
        for (const file of changes.adopt) deps.index.put(file.path, indexEntryFor(view, file));
        for (const path of changes.forget) deps.index.drop(path);
        const here = changes.writes.filter((file) => placeable(file.path));
        const { removeFirst, stuck } = writesInTheWay(
          { writes: here, removals: changes.removals },
          snapshot,
          deps.files.folder,
        );
        if (stuck) {
          blocked.add(group);
          continue;
        }
        result.notHere += changes.writes.length - here.length;
        for (const file of here) writes.push({ file, entry: indexEntryFor(view, file), group });
        for (const path of changes.removals) {
          (removeFirst.has(path) ? firstRemovals : removals).push({ path, group });
        }
      }
    })();

    const remove = async ({ path, group }: { path: string; group: string }) => {
      if (blocked.has(group)) return;
      // A name can pass from one group to another (a conflict copy kept as a photo of its
      // own): the group it is planned in now keeps it.
      if (deps.replica.planGroup(groupKey(path)).some((file) => file.path === path)) return;
      try {
        if (await removeFile(path, deps)) result.removed += 1;
        else blocked.add(group);
      } catch (error) {
        blocked.add(group);
        result.errors.push(`${path}: ${(error as Error).message}`);
      }
    };
    // A file the plan removes whose name a planned file takes but for case goes first, where
    // the file system folds names: until it has, the planned file would find it in its way.
    for (const removal of firstRemovals) await remove(removal);

    // Bytes first (a move's new name may copy them from its old one), then removals. One
    // fetch per blob, however many names want it.
    const obtaining = new Map<BlobHash, Promise<string>>();
    const source = (hash: BlobHash) => {
      let pending = obtaining.get(hash);
      if (!pending) {
        pending = obtain(hash, deps);
        obtaining.set(hash, pending);
      }
      return pending;
    };
    const queue = writes.filter(({ group }) => !blocked.has(group));
    const written: Written[] = [];
    // A batch that cannot be recorded (its folder vanished, say) leaves its groups unsettled.
    const record = async (batch: readonly Written[]) => {
      try {
        await recordWritten(deps, batch);
      } catch (error) {
        for (const { group } of batch) blocked.add(group);
        result.errors.push(
          `recording ${String(batch.length)} placed file(s): ${(error as Error).message}`,
        );
      }
    };
    const progress = { files: 0, bytes: 0, totalFiles: writes.length, totalBytes: 0 };
    for (const { entry } of writes) progress.totalBytes += entry.size;
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          const done = await writeFile(next, await source(next.file.hash), deps);
          if (done) {
            written.push(done);
            if (written.length >= RECORD_BATCH) await record(written.splice(0));
            result.written += 1;
            progress.files += 1;
            progress.bytes += next.entry.size;
            deps.onProgress?.(progress);
          } else blocked.add(next.group);
        } catch (error) {
          blocked.add(next.group);
          result.errors.push(`${next.file.path}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_DOWNLOADS }, worker));
    await record(written);
    for (const removal of removals) await remove(removal);
    deps.db.transaction(() => {
      for (const group of pass) if (!blocked.has(group)) deps.replica.settle(group);
    })();
    result.left += blocked.size;
  }
  dropDownloads(deps.files);
  if (caseOnly.length === 0) return result;
  const renamed = await renameToPlannedCase(caseOnly, deps, result.errors);
  if (renamed.size === 0) return result;
  // Their groups are planned again, now that their files go by the names the plan gives.
  const again = await reconcileFolder(look, deps, renamed);
  return {
    written: result.written + again.written,
    removed: result.removed + again.removed,
    left: result.left - renamed.size + again.left,
    notHere: result.notHere + again.notHere,
    errors: [...result.errors, ...again.errors],
  };
}

/**
 * Whether a planned file may be written at its path: the walk looks there (a file it does not
 * see would be read back as deleted, and the deletion would reach every device), and no folder
 * on the way is a symbolic link (the walk does not follow one, and the file would land outside
 * the folder), and the path is a safe relative one. Folders are checked once per reconcile.
 */
export function placeableHere(rules: IgnoreRules, folder: string): (path: string) => boolean {
  const linked = new Map<string, boolean>();
  const throughLink = (dir: string): boolean => {
    if (dir === '') return false;
    let answer = linked.get(dir);
    if (answer === undefined) {
      const parent = dir.lastIndexOf('/');
      answer =
        throughLink(parent === -1 ? '' : dir.slice(0, parent)) ||
        lstatSync(join(folder, dir), { throwIfNoEntry: false })?.isSymbolicLink() === true;
      linked.set(dir, answer);
    }
    return answer;
  };
  // The server checks every path it logs; checked again here, a path from a faulty server
  // still cannot reach outside the folder.
  return (path) =>
    checkLibraryPath(path).ok &&
    syncedHere(path, rules) &&
    !throughLink(path.slice(0, Math.max(0, path.lastIndexOf('/'))));
}

/** Writes one planned file; false when the user changed its name's file meanwhile. */
async function writeFile(
  write: PlannedWrite,
  source: string,
  deps: ReconcileDeps,
): Promise<Written | undefined> {
  const { file } = write;
  // What the last look saw under the name (nothing, or the synced file being replaced) must
  // still be what is there at the moment of the rename.
  const seen = deps.facts.get(file.path);
  const stillExpected = () => {
    const now = statFile(deps.files.folder, file.path);
    if (!seen) return now === undefined;
    return now !== undefined && sameFile(now, seen);
  };
  const stat = await deps.files.place(source, file.path, stillExpected);
  return stat && { ...write, stat };
}

/**
 * Written files' facts and index entries, recorded a batch at a time: their folders flushed
 * once each, then one commit for many files. A crash before the commit loses nothing: the next
 * look finds each file holding its planned bytes and the plan adopts it. Recorded before its
 * folder was flushed, a placement a crash then lost would look like the user's deletion.
 */
async function recordWritten(deps: ReconcileDeps, written: readonly Written[]): Promise<void> {
  await deps.files.flushDirs(written.map(({ file }) => file.path));
  deps.db.transaction(() => {
    for (const { file, stat, entry } of written) {
      deps.facts.record([{ ...stat, hash: file.hash }], false);
      deps.index.put(file.path, entry);
    }
  })();
}

/** A file the plan writes: where, its index entry once written, and its name group. */
interface PlannedWrite {
  readonly file: PlannedFile;
  readonly entry: IndexEntry;
  readonly group: string;
}

/** A file placed, with what it was as placed. */
interface Written extends PlannedWrite {
  readonly stat: FileStat;
}

/**
 * A verified copy of a blob in `.keepsake/downloads/`: copied from a file of the folder that
 * held the bytes when last seen (hashed again: it may have changed since), else downloaded.
 */
async function obtain(hash: BlobHash, deps: ReconcileDeps): Promise<string> {
  const target = deps.files.downloadedFile(hash);
  // A download with other names was placed before a crash (or an earlier pass) kept it from
  // being dropped: the user may have edited it in place since, so it is no longer trusted.
  const kept = lstatSync(target, { throwIfNoEntry: false });
  if (kept?.nlink === 1) return target;
  if (kept) rmSync(target, { force: true });
  const paths = deps.facts.pathsWithHash(hash);
  if (await copyHolding(deps.files.folder, paths, hash, deps.hasher, target)) return target;
  await deps.transfer.download(hash, target);
  return target;
}

async function removeFile(path: string, deps: ReconcileDeps): Promise<boolean> {
  const seen = deps.facts.get(path);
  const now = statFile(deps.files.folder, path);
  if (!now) {
    deps.index.drop(path);
    return true;
  }
  if (!seen || !sameFile(now, seen)) return false;
  const unchanged = () => {
    const still = statFile(deps.files.folder, path);
    return still !== undefined && sameFile(still, seen);
  };
  if (!(await deps.files.moveToTrash(path, new Date(), unchanged))) return false;
  deps.db.transaction(() => {
    deps.index.drop(path);
    deps.facts.forgetFile(path);
  })();
  return true;
}

/**
 * Downloads are linked into place, so a finished one left over is not needed; a partial one is
 * kept for the next try to resume.
 */
function dropDownloads(files: AgentFiles): void {
  for (const name of readdirSync(files.downloads)) {
    if (!name.endsWith('.part')) rmSync(join(files.downloads, name), { force: true });
  }
}
