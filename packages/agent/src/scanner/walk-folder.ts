import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import type { IgnoreRules } from './ignore-rules.js';

/** A file as the file system describes it, before anyone reads its bytes. */
export interface FileStat {
  /** Relative to the synced folder, `/`-separated. */
  readonly path: string;
  readonly size: number;
  /** Modification time in nanoseconds: milliseconds miss a rewrite within the same one. */
  readonly mtimeNs: bigint;
  readonly inode: bigint;
}

/**
 * Every regular file under `folder` the rules do not ignore, one at a time, so that a million
 * files never sit in memory together. Symbolic links are not followed (one could lead out of the
 * folder, or in a circle), and neither are sockets, pipes or devices. A folder that vanishes
 * while being walked is skipped: the next scan sees what replaced it.
 */
export async function* walkFolder(folder: string, rules: IgnoreRules): AsyncGenerator<FileStat> {
  const pending = [''];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries;
    try {
      entries = await opendir(join(folder, dir));
    } catch (error) {
      if (dir !== '' && isGone(error)) continue;
      throw error;
    }
    for await (const entry of entries) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory()) {
        if (!rules.ignores(`${path}/`)) pending.push(`${path}/`);
      } else if (entry.isFile() && !rules.ignores(path)) {
        const stat = await lstat(join(folder, path), { bigint: true }).catch((error: unknown) => {
          if (isGone(error)) return undefined;
          throw error;
        });
        if (stat?.isFile()) {
          yield { path, size: Number(stat.size), mtimeNs: stat.mtimeNs, inode: stat.ino };
        }
      }
    }
  }
}

const isGone = (error: unknown) =>
  ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');
