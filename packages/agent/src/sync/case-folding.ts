import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  resolveAssetId,
  splitPath,
  type IndexEntry,
  type Library,
  type PlannedFile,
} from '@keepsake/core';
import { sameFile, type KnownFile } from '../scanner/file-facts.js';
import { statFile, type FileStat } from '../scanner/walk-folder.js';
import type { StateDb } from '../state/agent-state.js';
import type { ReconcileDeps } from './reconcile-folder.js';

// Names on a file system that folds them (exFAT, and APFS and NTFS as usually formatted): there
// a name finds a file listed under another spelling, so what the plan writes under one name
// may find a synced file in its way, and removing a name may take the file another name means.

/** A synced file the plan gives under its own folder and a base name that differs only in case. */
export interface CaseRename {
  readonly from: string;
  readonly to: string;
  readonly entry: IndexEntry;
  readonly seen: KnownFile;
  readonly group: string;
}

const folded = (path: string) => path.normalize('NFC').toLowerCase();
const dirOf = (path: string) => splitPath(path).dir;

/**
 * The synced files of a name group that the plan gives, as the same file of the same asset, a
 * name differing only in the letter case (or normalization) of its base name (a case-only
 * rename on another device), where the file system folds names (exFAT, and APFS and NTFS as
 * usually formatted). There the planned name finds the file itself: the write would find it in
 * its way, and its removal under the old name would take it. Such a file is renamed instead.
 * Where the file system tells the two names apart, the planned name finds nothing here, and
 * the plan's write and removal stand. Folders that differ only in case are not renamed (every
 * file under one would have to follow): such a group stays unsettled and says so.
 */
export function caseRenames(
  group: string,
  plan: ReadonlyMap<string, PlannedFile>,
  known: ReadonlyMap<string, IndexEntry>,
  view: Library,
  deps: ReconcileDeps,
): CaseRename[] {
  const renames: CaseRename[] = [];
  for (const [path, file] of plan) {
    if (known.has(path)) continue;
    for (const [old, entry] of known) {
      if (plan.has(old) || dirOf(old) !== dirOf(path) || folded(old) !== folded(path)) continue;
      if (!sameAssetFile(view, entry, file)) continue;
      const seen = deps.facts.get(old);
      const there = statFile(deps.files.folder, old);
      if (
        seen &&
        there &&
        sameFile(there, seen) &&
        listed(deps.files.folder, old) &&
        !listed(deps.files.folder, path) &&
        statFile(deps.files.folder, path) !== undefined
      ) {
        renames.push({ from: old, to: path, entry, seen, group });
      }
    }
  }
  return renames;
}

/**
 * How a group's planned writes stand against what the folder holds under their names. A write
 * over a file the last look saw is planned knowing it. Another file there is either one the
 * plan removes whose name the write takes but for letter case, on a file system that folds
 * names (two devices named two photos alike but for case, or the photo left): that removal
 * goes first (`removeFirst`), its bytes being on the server; or something the plan cannot
 * account for (a file made since the look, a folder renamed only in case): the group waits
 * (`stuck`), and no bytes are fetched for writes that could not land.
 */
export function writesInTheWay(
  changes: { readonly writes: readonly PlannedFile[]; readonly removals: readonly string[] },
  seen: ReadonlyMap<string, unknown>,
  folder: string,
): { readonly removeFirst: Set<string>; readonly stuck: boolean } {
  const removeFirst = new Set<string>();
  let stuck = false;
  for (const { path } of changes.writes) {
    if (seen.has(path) || statFile(folder, path) === undefined) continue;
    const taken = changes.removals.find(
      (removal) => dirOf(removal) === dirOf(path) && folded(removal) === folded(path),
    );
    if (taken !== undefined && !listed(folder, path)) removeFirst.add(taken);
    else stuck = true;
  }
  return { removeFirst, stuck };
}

/** Whether an index entry and a planned file are the same file of the same asset. */
const sameAssetFile = (view: Library, entry: IndexEntry, file: PlannedFile): boolean =>
  resolveAssetId(view, entry.assetId) === resolveAssetId(view, file.assetId) &&
  entry.role === file.role &&
  entry.conflictCopy === file.conflictCopy;

/**
 * Whether the folder lists an entry of exactly `path`'s name. On a file system that folds names
 * a path may find a file under another spelling (inode numbers cannot tell: through FUSE, each
 * spelling may get one of its own).
 */
function listed(folder: string, path: string): boolean {
  const slash = path.lastIndexOf('/');
  try {
    return readdirSync(join(folder, path.slice(0, Math.max(0, slash)))).includes(
      path.slice(slash + 1),
    );
  } catch (error) {
    // The folder is gone or is a file now: nothing is listed in it.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/**
 * Renames files to the names the plan gives them, each only if it is still the file last seen
 * under exactly its old name, and records them under their new names, as they were before the
 * rename, once the renames are durable. Each rename is journaled first: a crash between the
 * rename and its record would otherwise leave a file the next look reads as the user's move
 * (and a record made before the rename, one it reads as a move back). Returns the groups of
 * the files renamed.
 */
export async function renameToPlannedCase(
  renames: readonly CaseRename[],
  deps: CaseDeps,
  errors: string[],
): Promise<Set<string>> {
  const journal = journalOf(deps.db);
  const done: CaseRename[] = [];
  for (const rename of renames) {
    const folder = deps.files.folder;
    const now = statFile(folder, rename.from);
    if (!now || !sameFile(now, rename.seen)) continue;
    if (!listed(folder, rename.from) || listed(folder, rename.to)) continue;
    journal.begin(rename, now);
    try {
      renameCaseOnly(folder, rename.from, rename.to);
      done.push(rename);
    } catch (error) {
      errors.push(`renaming ${rename.from} to ${rename.to}: ${(error as Error).message}`);
      // Left under the temporary name, it would look deleted: put back under its own.
      if (putBack(folder, rename)) journal.settle([rename.from]);
    }
  }
  await deps.files.flushDirs(done.map(({ to }) => to));
  recordRenamed(
    journal,
    done.map(({ from }) => from),
    deps,
  );
  return new Set(done.map(({ group }) => group));
}

/**
 * Settles case renames a crash interrupted, before a look could misread them: one the folder
 * shows done is flushed and recorded; one it does not show is forgotten (the look sees the file
 * where it is).
 */
export async function settleInterruptedCaseRenames(deps: CaseDeps): Promise<void> {
  const journal = journalOf(deps.db);
  const pending = journal.pending();
  if (pending.length === 0) return;
  const folder = deps.files.folder;
  const done = pending.filter((rename) => {
    const temp = join(folder, caseTemp(rename.to));
    // Stopped between the two renames through the temporary name: the second is made now.
    if (existsSync(temp)) renameSync(temp, join(folder, rename.to));
    const there = statFile(folder, rename.to);
    // The renamed file itself: by its size and time (through FUSE its inode may change with its
    // spelling), not another saved under the new name since.
    return (
      listed(folder, rename.to) &&
      !listed(folder, rename.from) &&
      there?.size === rename.stat.size &&
      there.mtimeMs === rename.stat.mtimeMs
    );
  });
  await deps.files.flushDirs(done.map(({ to }) => to));
  recordRenamed(
    journal,
    done.map(({ from }) => from),
    deps,
  );
  journal.settle(pending.map(({ from }) => from));
}

/** Records journaled renames (by old name) under their new names, and settles them. */
function recordRenamed(journal: CaseRenameJournal, froms: readonly string[], deps: CaseDeps) {
  deps.db.transaction(() => {
    for (const { from, to, entry, stat, hash } of journal.pending(froms)) {
      deps.facts.forgetFile(from);
      deps.facts.record([{ ...stat, path: to, dir: dirOf(to), name: baseName(to), hash }], false);
      deps.index.drop(from);
      deps.index.put(to, entry);
    }
    journal.settle(froms);
  })();
}

/** Each state's journal, its statements prepared once: it is read before every look. */
const journals = new WeakMap<StateDb, CaseRenameJournal>();
function journalOf(db: StateDb): CaseRenameJournal {
  let journal = journals.get(db);
  if (!journal) {
    journal = new CaseRenameJournal(db);
    journals.set(db, journal);
  }
  return journal;
}

/** Case renames begun and not yet recorded (`case_renames`), with what each file was. */
class CaseRenameJournal {
  readonly #q;

  constructor(db: StateDb) {
    this.#q = {
      begin: db.prepare(
        'INSERT OR REPLACE INTO case_renames (from_path, to_path, entry, stat, hash) VALUES (?, ?, ?, ?, ?)',
      ),
      all: db.prepare('SELECT from_path, to_path, entry, stat, hash FROM case_renames').raw(),
      settle: db.prepare('DELETE FROM case_renames WHERE from_path = ?'),
    };
  }

  /** Committed (durable) before the rename it announces. */
  begin(rename: CaseRename, stat: FileStat): void {
    const { from, to, entry, seen } = rename;
    this.#q.begin.run(from, to, JSON.stringify(entry), JSON.stringify(stat), seen.hash);
  }

  pending(froms?: readonly string[]): JournaledRename[] {
    const rows = (this.#q.all.all() as [string, string, string, string, string][]).map(
      ([from, to, entry, stat, hash]) => ({
        from,
        to,
        entry: JSON.parse(entry) as IndexEntry,
        stat: JSON.parse(stat) as FileStat,
        hash,
      }),
    );
    return froms === undefined ? rows : rows.filter(({ from }) => froms.includes(from));
  }

  settle(froms: readonly string[]): void {
    for (const from of froms) this.#q.settle.run(from);
  }
}

interface JournaledRename {
  readonly from: string;
  readonly to: string;
  readonly entry: IndexEntry;
  /** The file as it was just before the rename. */
  readonly stat: FileStat;
  readonly hash: string;
}

/** What the case renames need of reconcile's dependencies. */
export type CaseDeps = Pick<ReconcileDeps, 'db' | 'files' | 'facts' | 'index'>;

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * A rename between two spellings of one name. Some file systems (FAT through some drivers)
 * answer a case-only rename with success and change nothing: then it goes through a temporary
 * name, one the walk leaves out.
 */
function renameCaseOnly(folder: string, from: string, to: string): void {
  renameSync(join(folder, from), join(folder, to));
  if (listed(folder, to)) return;
  const temp = join(folder, caseTemp(to));
  renameSync(join(folder, from), temp);
  renameSync(temp, join(folder, to));
  if (!listed(folder, to)) throw new Error('the file system keeps the old letter case');
}

/** The temporary name of a case rename made in two steps (ignored by the walk: `.tmp`). */
const caseTemp = (to: string) => `${to}.keepsake-case.tmp`;

/** Puts a file a failed case rename left under its temporary name back; false if it cannot. */
function putBack(folder: string, { from, to }: CaseRename): boolean {
  const temp = join(folder, caseTemp(to));
  if (!existsSync(temp)) return true;
  try {
    renameSync(temp, join(folder, from));
    return true;
  } catch {
    // Kept journaled: the next look's settling finishes the rename.
    return false;
  }
}
