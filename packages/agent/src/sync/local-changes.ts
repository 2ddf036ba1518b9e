import { join } from 'node:path';
import {
  blobsOf,
  defaultRules,
  groupKey,
  scanFolder,
  type BlobHash,
  type FileFacts,
  type IndexEntry,
  type MediaMeta,
  type Op,
  type OpPayload,
} from '@keepsake/core';
import { readMediaMeta } from '@keepsake/media/metadata';
import type { FileFacts as KnownFiles } from '../scanner/file-facts.js';
import type { FolderScan } from '../scanner/scan-folder.js';
import type { StateDb } from '../state/agent-state.js';
import type { AgentFiles } from './agent-files.js';
import type { IndexStore } from './index-store.js';
import type { Outbox } from './outbox.js';
import type { Replica } from './replica.js';

export interface LocalChangesDeps {
  readonly db: StateDb;
  readonly facts: KnownFiles;
  readonly files: AgentFiles;
  readonly index: IndexStore;
  readonly outbox: Outbox;
  readonly replica: Replica;
  readonly stamp: (payload: OpPayload) => Op;
  /** Called inside the transaction that records the ops, to make the clock durable with them. */
  readonly onRecorded: () => void;
}

/** Files handed to one scan: its work and memory stay bounded on a first look at a big folder. */
const FILES_PER_SCAN = 5000;

/**
 * Turns what a look at the folder found into ops, through core's `scanFolder`, and records
 * them with the index that results in one transaction, with their blobs staged for upload.
 *
 * Only folders the look marked dirty are compared with the index, a few thousand files at a
 * time, and only those that differ go to the scan, with the index entries and files elsewhere
 * that hold the same bytes as one that appeared or vanished (a move or a copy between
 * folders): the work follows the changes, not the size of the library.
 */
export async function recordLocalChanges(look: FolderScan, deps: LocalChangesDeps): Promise<Op[]> {
  // Paths the look could not judge (still being written, unreadable) are left as they were.
  const unsure = new Set([...look.changing, ...look.unreadable.map((u) => u.path)]);
  const made: Op[] = [];
  let chunk: DirNow[] = [];
  let files = 0;
  const dirty = deps.facts.dirtyDirs();
  for (const [i, dir] of dirty.entries()) {
    const now = new Map<string, FileFacts>();
    for (const [name, file] of deps.facts.inDir(dir)) {
      now.set(`${dir}${name}`, { hash: file.hash as BlobHash, size: file.size });
    }
    chunk.push({ dir, now });
    files += now.size;
    if (files >= FILES_PER_SCAN || i === dirty.length - 1) {
      made.push(...(await recordDirs(chunk, unsure, deps)));
      chunk = [];
      files = 0;
    }
  }
  return made;
}

/** A dirty folder and what the look found in it, by path. */
interface DirNow {
  readonly dir: string;
  readonly now: ReadonlyMap<string, FileFacts>;
}

async function recordDirs(
  dirs: readonly DirNow[],
  unsure: ReadonlySet<string>,
  deps: LocalChangesDeps,
): Promise<Op[]> {
  const { index, facts } = deps;
  const scopeIndex = new Map<string, IndexEntry>();
  const snapshot = new Map<string, FileFacts>();
  for (const { dir, now } of dirs) {
    const known = index.inDir(dir);
    const differs =
      [...known].some(([path, entry]) => !unsure.has(path) && now.get(path)?.hash !== entry.hash) ||
      [...now.keys()].some((path) => !known.has(path));
    if (!differs) continue;
    for (const [path, entry] of known) scopeIndex.set(path, entry);
    for (const [path, file] of now) snapshot.set(path, file);
  }
  // Bytes that appeared here and vanished elsewhere, or the other way round: a move between
  // folders, which the scan sees only with both ends.
  const added = [...snapshot.keys()].filter((path) => !scopeIndex.has(path));
  for (const path of added) {
    const hash = snapshot.get(path)?.hash;
    if (hash === undefined) continue;
    for (const [other, entry] of index.withHash(hash)) {
      scopeIndex.set(other, entry);
      const there = facts.get(other);
      if (there) snapshot.set(other, { hash: there.hash as BlobHash, size: there.size });
    }
  }
  for (const [path, entry] of [...scopeIndex]) {
    if (snapshot.has(path) || unsure.has(path)) continue;
    for (const other of facts.pathsWithHash(entry.hash)) {
      if (index.get(other) || unsure.has(other)) continue;
      snapshot.set(other, { hash: entry.hash, size: entry.size });
      added.push(other);
    }
  }
  for (const path of unsure) {
    const entry = scopeIndex.get(path);
    if (entry) snapshot.set(path, entry); // as last synced: neither removed nor changed yet
  }
  if (scopeIndex.size === 0 && snapshot.size === 0) {
    deps.db.transaction(() => {
      for (const { dir } of dirs) facts.clean(dir);
    })();
    return [];
  }

  const metas = await readMetas(deps.files.folder, added);
  // One transaction for the op counter each stamp advances: a commit per op costs an fsync.
  const { ops, index: after } = deps.db.transaction(() =>
    scanFolder({
      folder: snapshot,
      index: scopeIndex,
      replica: deps.replica.view(),
      rules: defaultRules,
      stamp: deps.stamp,
      metaOf: (path) => metas.get(path) ?? {},
    }),
  )();

  // Every blob an op needs, from the file that holds it now (linked before the ops are durable).
  const sources = new Map<BlobHash, string>();
  for (const [path, file] of snapshot) sources.set(file.hash, path);
  const staged: [BlobHash, number][] = [];
  for (const op of ops) {
    for (const hash of blobsOf(op)) {
      const source = sources.get(hash);
      if (source === undefined) continue; // already on the server: a version this device synced
      await deps.files.stage(source, hash);
      staged.push([hash, snapshot.get(source)?.size ?? 0]);
    }
  }
  const touched = new Set<string>();
  deps.db.transaction(() => {
    for (const [path, entry] of scopeIndex) {
      touched.add(groupKey(entry.placement));
      if (!after.has(path)) index.drop(path);
    }
    for (const [path, entry] of after) {
      touched.add(groupKey(entry.placement));
      if (scopeIndex.get(path) !== entry) index.put(path, entry);
    }
    for (const op of ops) deps.outbox.add(op);
    for (const [hash, size] of staged) deps.outbox.stage(hash, size);
    deps.replica.unsettle(touched);
    for (const { dir } of dirs) facts.clean(dir);
    deps.onRecorded();
  })();
  return ops;
}

async function readMetas(
  folder: string,
  paths: readonly string[],
): Promise<Map<string, MediaMeta>> {
  const metas = new Map<string, MediaMeta>();
  for (const path of paths) {
    const reading = await readMediaMeta(join(folder, path));
    if (reading.ok) metas.set(path, reading.meta);
  }
  return metas;
}
