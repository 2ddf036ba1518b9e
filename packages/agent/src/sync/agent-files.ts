import { randomBytes } from 'node:crypto';
import { constants, linkSync, lstatSync, renameSync, rmSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { flush, flushFolder, makeFolders } from '@keepsake/durable-files';
import type { FileHasher } from '../scanner/file-hasher.js';
import { AGENT_DIR } from '../scanner/ignore-rules.js';
import { statAs, type FileStat } from '../scanner/walk-folder.js';
import { OwnChanges } from './own-changes.js';

/**
 * The agent's own places inside `<folder>/.keepsake/`, and the only ways it writes to the user's
 * folder: a file appears whole under its name (atomic rename), and a file leaves into the local
 * trash, never by a hard delete. Everything lives on the folder's own file system, so a rename
 * or a hard link between the two never copies bytes.
 */
export class AgentFiles {
  readonly root: string;
  readonly staging: string;
  readonly downloads: string;
  readonly trash: string;
  readonly #tmp: string;
  /** What this agent changes in the user's folder, for the watcher to tell from others' changes. */
  readonly ownChanges = new OwnChanges();

  constructor(readonly folder: string) {
    this.root = join(folder, AGENT_DIR);
    this.staging = join(this.root, 'staging');
    this.downloads = join(this.root, 'downloads');
    this.trash = join(this.root, 'trash');
    this.#tmp = join(this.root, 'tmp');
  }

  async prepare(): Promise<void> {
    for (const dir of [this.staging, this.downloads, this.trash, this.#tmp])
      await mkdir(dir, { recursive: true });
    // What a crash left half-written is of no use: every temp file is remade from its source.
    await rm(this.#tmp, { recursive: true, force: true });
    await mkdir(this.#tmp, { recursive: true });
  }

  stagedFile(hash: string): string {
    return join(this.staging, hash);
  }

  downloadedFile(hash: string): string {
    return join(this.downloads, hash);
  }

  /**
   * Keeps the bytes of a file for upload under its hash: a hard link, so a rename or delete by
   * the user before the upload loses nothing; a copy where links are not allowed.
   */
  async stage(relativePath: string, hash: string): Promise<void> {
    await linkOrCopy(join(this.folder, relativePath), this.stagedFile(hash));
  }

  /** The server has the blob: its staged bytes can go. */
  unstage(hash: string): void {
    rmSync(this.stagedFile(hash), { force: true });
  }

  /**
   * Puts a verified download at `relativePath`, whole or not at all: linked (or copied, see
   * `placeBytes`) to a temp file (the download was flushed before it got its name), then renamed
   * over the name. `stillExpected` is asked just before the rename, so a file the user touched
   * meanwhile wins (undefined is returned). Returns what the placed file is, as stat'ed before the rename: the user may
   * delete or change it the moment it appears, and what was placed must still be recorded, or
   * that change would go unnoticed. The rename is durable once `flushDirs` has flushed the
   * file's folder: placements are flushed a folder at a time, before they are recorded (a
   * folder made for one is flushed into its parent here).
   */
  async place(
    source: string,
    relativePath: string,
    stillExpected: () => boolean,
  ): Promise<FileStat | undefined> {
    const target = join(this.folder, relativePath);
    const temp = join(this.#tmp, randomBytes(8).toString('hex'));
    await placeBytes(source, temp);
    let renamed = false;
    try {
      const placed = statAs(relativePath, lstatSync(temp));
      if (!stillExpected()) return undefined;
      try {
        this.#renameOwn(temp, target, relativePath);
      } catch (error) {
        // Most files go into a folder that exists: it is made only when the rename says it is not.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw inTheWay(error, relativePath);
        await makeFolders(dirname(target)).catch((cause: unknown) => {
          throw inTheWay(cause, relativePath);
        });
        // The folder's flush let other work run: ask again.
        if (!stillExpected()) return undefined;
        this.#renameOwn(temp, target, relativePath);
      }
      renamed = true;
      return placed;
    } finally {
      if (!renamed) rmSync(temp, { force: true });
    }
  }

  /**
   * Renames `from` to `to`, the user's `relativePath` at one end, noted as the agent's own change.
   * Nothing is awaited between the two: the only event the note can take is the rename's.
   */
  #renameOwn(from: string, to: string, relativePath: string): void {
    this.ownChanges.note(relativePath);
    try {
      renameSync(from, to);
    } catch (error) {
      this.ownChanges.take(relativePath);
      throw error;
    }
  }

  /** Flushes the folders of the files placed at `relativePaths`, each once. */
  async flushDirs(relativePaths: Iterable<string>): Promise<void> {
    const dirs = new Set<string>();
    for (const path of relativePaths) dirs.add(dirname(join(this.folder, path)));
    // A folder another placement has just made may still be flushing into its parent.
    for (const dir of dirs) await flushFolder(dir);
  }

  /**
   * Moves a file out of the user's folder into `.keepsake/trash/<when>/<path>`, if it is still
   * what `stillExpected` looks for at the moment of the rename (nothing is awaited between the
   * two: a save by the user meanwhile wins); false when it was not. Durable when this resolves:
   * a move a power cut undid would bring back, unknown to the index, a photo trashed elsewhere.
   */
  async moveToTrash(
    relativePath: string,
    when: Date,
    stillExpected: () => boolean,
  ): Promise<boolean> {
    const stamp = when.toISOString().replace(/[:.]/g, '-');
    const source = join(this.folder, relativePath);
    const target = join(this.trash, stamp, relativePath);
    await makeFolders(dirname(target));
    if (!stillExpected()) return false;
    this.#renameOwn(source, target, relativePath);
    await flush(dirname(target));
    await flush(dirname(source));
    return true;
  }
}

/**
 * Copies to `target` the first of `paths` (files of the folder last seen holding `hash`) that
 * still holds those bytes, checked by hashing the copy, flushed before it gets its name.
 * False when none does any more.
 */
export async function copyHolding(
  folder: string,
  paths: readonly string[],
  hash: string,
  hasher: FileHasher,
  target: string,
): Promise<boolean> {
  const copy = `${target}.copy`;
  for (const path of paths) {
    try {
      await copyFile(join(folder, path), copy);
      if ((await hasher.hash(copy)).hash === hash) {
        await flush(copy);
        await rename(copy, target);
        return true;
      }
    } catch {
      // gone or unreadable since it was seen: try the next
    }
    await rm(copy, { force: true });
  }
  return false;
}

/**
 * The bytes of `source` (a verified download) at `target`: linked while no placement holds them
 * yet, else copied. Two placements must never share a file: an edit of one in place would
 * change the other, which the scan takes to keep its bytes.
 */
async function placeBytes(source: string, target: string): Promise<void> {
  if (lstatSync(source).nlink === 1) await linkOrCopy(source, target);
  else await copyFlushed(source, target);
}

/** A hard link (synchronous: see BlobTransfer's imports), or a copy where links are refused. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    linkSync(source, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
    await copyFlushed(source, target);
  }
}

/** A copy (a clone where the file system can), flushed: a link shares flushed bytes, a copy has its own. */
async function copyFlushed(source: string, target: string): Promise<void> {
  await copyFile(source, target, constants.COPYFILE_FICLONE);
  await flush(target);
}

/** A placement refused by what stands at its name or on the way to it, told as the user's to fix. */
function inTheWay(error: unknown, relativePath: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
    return new Error(
      `a file or folder stands in the way of ${relativePath} (a folder where the file goes, or a file where a folder is needed); rename or move it and ${relativePath} will sync`,
    );
  }
  return error as Error;
}
