import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';

// A write, a rename or a new folder is on the disk only once the file or the folder that holds
// the new entry is flushed (fsync): until then a power cut may undo it, whatever the process
// was told. Opening and closing do not wait on the disk and are synchronous; the fsync, which
// does, runs on libuv's thread pool.

/** fsync of an open file: its bytes are on the disk when this resolves. */
export const flushFd: (fd: number) => Promise<void> = promisify(fsync);

/** fsync of a file or folder by path: its bytes (or its entries) are on the disk when this resolves. */
export async function flush(path: string): Promise<void> {
  const fd = openSync(path, 'r');
  try {
    await flushFd(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * fsync of a folder after a file was renamed into it, and a wait for the folders on its way
 * that another call made and is still flushing into their parents: the file is stored once
 * this resolves, whoever made its folder.
 */
export async function flushFolder(dir: string): Promise<void> {
  await flush(dir);
  await foldersFlushed(dir);
}

/** Folders made by `makeFolders` whose entries are being flushed into their parents. */
const flushing = new Map<string, Promise<void>>();

/**
 * Makes `dir` and any missing folders above it, each made one flushed into its parent: a new
 * folder's entry lives in its parent, and flushing the new folder (which a caller does after
 * renaming a file into it) says nothing of that entry. Folders that exist cost one mkdir, and
 * a wait for any of them another call made and is still flushing.
 */
export async function makeFolders(dir: string): Promise<void> {
  const target = resolve(dir);
  const first = mkdirSync(target, { recursive: true });
  if (first !== undefined) {
    // mkdir answers with the topmost folder it made; every folder from there down is new.
    const made = [target];
    for (let folder = target; folder !== first && dirname(folder) !== folder;) {
      folder = dirname(folder);
      made.push(folder);
    }
    const flushed = (async () => {
      for (const folder of made) await flush(dirname(folder));
    })();
    for (const folder of made) flushing.set(folder, flushed);
    try {
      await flushed;
    } finally {
      for (const folder of made) if (flushing.get(folder) === flushed) flushing.delete(folder);
    }
  }
  await foldersFlushed(target);
}

/** Resolves once `dir` and the folders above it are in their parents, as far as this process made them. */
export async function foldersFlushed(dir: string): Promise<void> {
  if (flushing.size === 0) return;
  for (let folder = resolve(dir); ; folder = dirname(folder)) {
    await flushing.get(folder);
    if (dirname(folder) === folder) return;
  }
}
