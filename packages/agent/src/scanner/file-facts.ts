import type { StateDb } from '../state/agent-state.js';
import type { FileStat } from './walk-folder.js';

/** What the last scan saw of a file, with the hash its bytes had then. */
export interface KnownFile {
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly inode: bigint;
  readonly hash: string;
}

interface Row {
  dir: string;
  name: string;
  size: bigint;
  mtime_ns: bigint;
  inode: bigint;
  hash: string;
}

const known = (row: Row): KnownFile => ({
  size: Number(row.size),
  mtimeNs: row.mtime_ns,
  inode: row.inode,
  hash: row.hash,
});

/** Whether nothing the file system says about `stat` differs from what was seen of `file`. */
export const sameFile = (stat: FileStat, file: KnownFile): boolean =>
  file.size === stat.size && file.mtimeNs === stat.mtimeNs && file.inode === stat.inode;

/** The `file_facts` table: what each file was at the last scan, so unchanged ones go unread. */
export class FileFacts {
  readonly #q;

  constructor(private readonly db: StateDb) {
    // Nanosecond times and inodes pass 2^53: they are read back as BigInt.
    this.#q = {
      inDir: db.prepare('SELECT * FROM file_facts WHERE dir = ?').safeIntegers(true),
      byInode: db.prepare('SELECT * FROM file_facts WHERE inode = ?').safeIntegers(true),
      put: db.prepare(
        `INSERT INTO file_facts (dir, name, size, mtime_ns, inode, hash) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (dir, name) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
           inode = excluded.inode, hash = excluded.hash`,
      ),
      forget: db.prepare('DELETE FROM file_facts WHERE dir = ? AND name = ?'),
      dirs: db.prepare('SELECT DISTINCT dir FROM file_facts').pluck(),
      forgetDir: db.prepare('DELETE FROM file_facts WHERE dir = ?'),
    };
  }

  /** What the last scan saw in one folder, by file name. */
  inDir(dir: string): Map<string, KnownFile> {
    const rows = this.#q.inDir.all(dir) as Row[];
    return new Map(rows.map((row) => [row.name, known(row)]));
  }

  /**
   * A file seen elsewhere that `stat` is, moved or renamed: the same inode, size and
   * nanosecond mtime (a move keeps all three).
   */
  movedFrom(stat: FileStat): (KnownFile & { readonly path: string }) | undefined {
    for (const row of this.#q.byInode.iterate(stat.inode) as IterableIterator<Row>) {
      const file = known(row);
      if (sameFile(stat, file)) return { ...file, path: `${row.dir}${row.name}` };
    }
    return undefined;
  }

  /** Records files in one transaction. */
  record(files: readonly (FileStat & { readonly hash: string })[]): void {
    this.db.transaction(() => {
      for (const f of files) this.#q.put.run(f.dir, f.name, f.size, f.mtimeNs, f.inode, f.hash);
    })();
  }

  /** Forgets files gone from their folders, and every file of folders not in `folders`. */
  forget(
    gone: readonly { readonly dir: string; readonly name: string }[],
    folders: Set<string>,
  ): void {
    const goneDirs = (this.#q.dirs.all() as string[]).filter((dir) => !folders.has(dir));
    this.db.transaction(() => {
      for (const { dir, name } of gone) this.#q.forget.run(dir, name);
      for (const dir of goneDirs) this.#q.forgetDir.run(dir);
    })();
  }
}
