import { lstatSync, renameSync, type Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { IgnoreRules } from './ignore-rules.js';

/** A file as the file system describes it, before anyone reads its bytes. */
export interface FileStat {
  /** Relative to the synced folder, `/`-separated. */
  readonly path: string;
  /** The folder it is in, relative, ending in `/` ('' at the top). */
  readonly dir: string;
  readonly name: string;
  readonly size: number;
  /**
   * Modification time in milliseconds, with the fraction the file system keeps: as a double
   * near today it resolves about a quarter of a microsecond, so a rewrite within the same
   * millisecond still shows.
   */
  readonly mtimeMs: number;
  readonly inode: number;
}

/** One folder's files, as the walk found them. */
export interface WalkedDir {
  readonly dir: string;
  readonly files: FileStat[];
  /**
   * Files that cannot be synced under their names, so they are reported, never passed over in
   * silence: a name that is not valid UTF-8 (a Latin-1 name from an old camera or archive), which
   * Node cannot name back to the file system; two names that differ only in Unicode
   * normalization, which are one name to the library.
   */
  readonly misnamed: Misnamed[];
}

export interface Misnamed {
  readonly path: string;
  readonly reason: string;
}

/**
 * Every regular file under `folder` the rules do not ignore, a folder at a time, so that a
 * million files never sit in memory together. Symbolic links are not followed (one could lead
 * out of the folder, or in a circle), and neither are sockets, pipes or devices. A folder or
 * file that vanishes while being walked is skipped: the next scan sees what replaced it.
 *
 * Each folder is listed with one asynchronous call, and its files are stat'ed synchronously:
 * lstat answers from the inode cache in microseconds, less than a trip through libuv's thread
 * pool would cost, and a folder at a time keeps the event loop's pauses short.
 */
export async function* walkFolder(folder: string, rules: IgnoreRules): AsyncGenerator<WalkedDir> {
  // Paths below are clean by construction: joined by hand, not normalised per file.
  const top = `${resolve(folder)}/`;
  const pending = [''];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries;
    try {
      entries = await readdir(join(folder, dir), { withFileTypes: true });
    } catch (error) {
      if (dir !== '' && isGone(error)) continue;
      throw error;
    }
    const files: FileStat[] = [];
    const misnamed: Misnamed[] = [];
    for (const entry of entries) {
      const name = libraryName(top + dir, entry.name);
      if (name === undefined) {
        misnamed.push({
          path: `${dir}${entry.name}`,
          reason: `another name in this folder differs from it only in Unicode normalization (${entry.name.normalize('NFC')}); rename one of the two to sync both`,
        });
        continue;
      }
      const path = `${dir}${name}`;
      if (entry.isDirectory()) {
        if (!rules.ignores(`${path}/`)) pending.push(`${path}/`);
      } else if (entry.isFile() && !rules.ignores(path)) {
        // Numbers, not BigInts: a BigInt stat costs allocations a million-file rescan feels.
        const stat = lstatSync(top + path, { throwIfNoEntry: false });
        if (!stat && entry.name.includes('\uFFFD')) {
          misnamed.push({
            path,
            reason: 'its name is not valid UTF-8; rename the file to sync it',
          });
        }
        if (stat?.isFile()) files.push(fileStat(path, dir, name, stat));
      }
    }
    yield { dir, files, misnamed };
  }
}

/**
 * The name an entry goes by in the library: NFC, as the server stores every path. A name in
 * another normalization (the NFD macOS writes) is the same name to the user. A file system that
 * folds normalization (APFS, HFS+) already answers to the NFC form; on one that does not (ext4),
 * the entry is renamed to it, so every device and the server agree on one name. Undefined when
 * an entry of the NFC name is there too: two names only normalization tells apart.
 */
function libraryName(parent: string, name: string): string | undefined {
  const nfc = name.normalize('NFC');
  if (nfc === name) return name;
  const asNfc = lstatSync(parent + nfc, { throwIfNoEntry: false });
  if (asNfc) {
    const asIs = lstatSync(parent + name, { throwIfNoEntry: false });
    return asIs?.ino === asNfc.ino ? nfc : undefined;
  }
  try {
    renameSync(parent + name, parent + nfc);
    return nfc;
  } catch {
    return undefined;
  }
}

/** What the file system says of one file of the folder now; undefined if it is not a file. */
export function statFile(folder: string, path: string): FileStat | undefined {
  const stat = lstatSync(join(folder, path), { throwIfNoEntry: false });
  return stat?.isFile() ? statAs(path, stat) : undefined;
}

/** What `stats` says of a file, as the file at `path` (relative to the synced folder). */
export function statAs(path: string, stats: Stats): FileStat {
  const slash = path.lastIndexOf('/') + 1;
  return fileStat(path, path.slice(0, slash), path.slice(slash), stats);
}

function fileStat(path: string, dir: string, name: string, stat: Stats): FileStat {
  return {
    path,
    dir,
    name,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    inode: stat.ino,
  };
}

const isGone = (error: unknown) =>
  ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
