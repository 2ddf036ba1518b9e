import { join } from 'node:path';
import {
  blobsOf,
  defaultRules,
  groupKey,
  scanFolder,
  splitPath,
  type BlobHash,
  type FileFacts,
  type IndexEntry,
  type MediaMeta,
  type Op,
  type OpPayload,
} from '@keepsake/core';
import { readMediaMeta } from '@keepsake/media';
import type { FolderScan } from '../scanner/scan-folder.js';
import type { StateDb } from '../state/agent-state.js';
import type { AgentFiles } from './agent-files.js';
import type { IndexStore } from './index-store.js';
import type { Outbox } from './outbox.js';
import type { Replica } from './replica.js';

export interface LocalChangesDeps {
  readonly db: StateDb;
  readonly files: AgentFiles;
  readonly index: IndexStore;
  readonly outbox: Outbox;
  readonly replica: Replica;
  readonly stamp: (payload: OpPayload) => Op;
  /** Called inside the transaction that records the ops, to make the clock durable with them. */
  readonly onRecorded: () => void;
}

/**
 * Turns what a look at the folder found into ops, through core's `scanFolder`, and records
 * them with the index that results in one transaction, with their blobs staged for upload.
 *
 * Only folders where something changed are handed to the scan, with their index entries and
 * the entries anywhere else that hold the bytes of a file that appeared (a move or a copy from
 * another folder): the work follows the changes, not the size of the library.
 */
export async function recordLocalChanges(look: FolderScan, deps: LocalChangesDeps): Promise<Op[]> {
  const { index } = deps;
  // Paths the look could not judge (still being written, unreadable) are left as they were.
  const unsure = new Set([...look.changing, ...look.unreadable.map((u) => u.path)]);
  const dirs = new Set<string>();
  const indexed = new Set<string>();
  for (const [path, hash] of index.hashes()) {
    indexed.add(path);
    if (unsure.has(path)) continue;
    if (look.files.get(path)?.hash !== hash) dirs.add(splitPath(path).dir);
  }
  const added: string[] = [];
  for (const path of look.files.keys()) {
    if (!indexed.has(path)) {
      dirs.add(splitPath(path).dir);
      added.push(path);
    }
  }
  if (dirs.size === 0) return [];

  const scopeIndex = new Map<string, IndexEntry>();
  for (const dir of dirs) for (const [path, entry] of index.inDir(dir)) scopeIndex.set(path, entry);
  for (const path of added) {
    const hash = look.files.get(path)?.hash;
    if (hash !== undefined) for (const [p, entry] of index.withHash(hash)) scopeIndex.set(p, entry);
  }
  const snapshot = new Map<string, FileFacts>();
  for (const [path, file] of look.files) {
    if (dirs.has(splitPath(path).dir) || scopeIndex.has(path)) {
      snapshot.set(path, file as FileFacts);
    }
  }
  for (const path of unsure) {
    const entry = scopeIndex.get(path);
    if (entry) snapshot.set(path, entry); // as last synced: neither removed nor changed yet
  }

  const metas = await readMetas(deps.files.folder, added, look);
  const { ops, index: after } = scanFolder({
    folder: snapshot,
    index: scopeIndex,
    replica: deps.replica.view(),
    rules: defaultRules,
    stamp: deps.stamp,
    metaOf: (path) => metas.get(path) ?? {},
  });
  if (ops.length === 0 && sameIndex(scopeIndex, after)) return [];

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
      index.put(path, entry);
    }
    for (const op of ops) deps.outbox.add(op);
    for (const [hash, size] of staged) deps.outbox.stage(hash, size);
    deps.replica.unsettle(touched);
    deps.onRecorded();
  })();
  return ops;
}

async function readMetas(
  folder: string,
  paths: readonly string[],
  look: FolderScan,
): Promise<Map<string, MediaMeta>> {
  const metas = new Map<string, MediaMeta>();
  for (const path of paths) {
    if (!look.files.has(path)) continue;
    const reading = await readMediaMeta(join(folder, path));
    if (reading.ok) metas.set(path, reading.meta);
  }
  return metas;
}

function sameIndex(a: ReadonlyMap<string, IndexEntry>, b: ReadonlyMap<string, IndexEntry>) {
  if (a.size !== b.size) return false;
  for (const [path, entry] of a) if (b.get(path) !== entry) return false;
  return true;
}
