import {
  blobsOf,
  createLibrary,
  defaultRules,
  groupKey,
  scanFolder,
  type BlobHash,
  type MediaMeta,
  type Op,
  type OpPayload,
} from '@keepsake/core';

/** A file whose bytes the server holds, at its place in the library. */
export interface StoredFile {
  readonly path: string;
  readonly hash: BlobHash;
  readonly size: number;
  /** What the server read from its bytes; empty when it could read nothing. */
  readonly meta: MediaMeta;
}

/**
 * The ops that import uploaded files, made by the agent's own code: core's scan of a folder, as
 * if these files had just appeared in a device folder that held nothing yet. So an upload
 * groups a photo with its companions as a synced folder does (a RAW beside its JPEG, a sidecar,
 * the video of a Live Photo when the pairing rule says so), and the server does the rest as for
 * any device: bytes it has seen are the same asset, and Live Photo halves that arrive apart are
 * paired.
 */
export function importOps(files: readonly StoredFile[], stamp: (payload: OpPayload) => Op): Op[] {
  const metas = new Map(files.map((file) => [file.path, file.meta]));
  return scanFolder({
    folder: new Map(files.map((file) => [file.path, { hash: file.hash, size: file.size }])),
    index: new Map(),
    replica: createLibrary(),
    rules: defaultRules,
    stamp,
    metaOf: (path) => metas.get(path) ?? {},
  }).ops;
}

/**
 * The files an op of `importOps` stands for: the one at its path, and the companions beside it
 * (same folder and base name) whose bytes it carries.
 */
export function filesOfOp<F extends Pick<StoredFile, 'path' | 'hash'>>(
  op: Op,
  files: readonly F[],
): F[] {
  if (!('path' in op.payload)) return [];
  const { path } = op.payload;
  const carried = new Set(blobsOf(op));
  return files.filter(
    (file) =>
      file.path === path || (groupKey(file.path) === groupKey(path) && carried.has(file.hash)),
  );
}
