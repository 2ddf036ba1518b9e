import type { StateDb } from '../state/agent-state.js';
import type { FileStat } from './walk-folder.js';

/** A file's stat facts with the hash of the bytes it had when they were true. */
export interface KnownFile extends Omit<FileStat, 'path'> {
  readonly hash: string;
}

interface Row {
  path: string;
  size: bigint;
  mtime_ns: bigint;
  inode: bigint;
  hash: string;
}

const known = (row: Row | undefined): KnownFile | undefined =>
  row && { size: Number(row.size), mtimeNs: row.mtime_ns, inode: row.inode, hash: row.hash };

/** The `file_facts` table: what each file was at the last scan, so unchanged ones go unread. */
export class FileFacts {
  readonly #q;

  constructor(private readonly db: StateDb) {
    // Nanosecond times and inodes pass 2^53: they are read back as BigInt.
    this.#q = {
      get: db.prepare('SELECT * FROM file_facts WHERE path = ?').safeIntegers(true),
      byInode: db.prepare('SELECT * FROM file_facts WHERE inode = ?').safeIntegers(true),
      put: db.prepare(
        `INSERT INTO file_facts (path, size, mtime_ns, inode, hash) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
           inode = excluded.inode, hash = excluded.hash`,
      ),
      paths: db.prepare('SELECT path FROM file_facts').pluck(),
      forget: db.prepare('DELETE FROM file_facts WHERE path = ?'),
    };
  }

  /**
   * The hash `stat`'s bytes still have, if nothing says they changed: the last scan saw the same
   * size, nanosecond mtime and inode at its path, or at another path (a rename or a move keeps
   * the inode and the times: `movedFrom` says where it was).
   */
  unchanged(stat: FileStat): { hash: string; movedFrom?: string } | undefined {
    const same = (file: KnownFile | undefined) =>
      file !== undefined &&
      file.size === stat.size &&
      file.mtimeNs === stat.mtimeNs &&
      file.inode === stat.inode;
    const atPath = known(this.#q.get.get(stat.path) as Row | undefined);
    if (atPath && same(atPath)) return { hash: atPath.hash };
    for (const row of this.#q.byInode.iterate(stat.inode) as IterableIterator<Row>) {
      const file = known(row);
      if (file && same(file)) return { hash: file.hash, movedFrom: row.path };
    }
    return undefined;
  }

  /** Records files in one transaction. */
  record(files: readonly (FileStat & { readonly hash: string })[]): void {
    this.db.transaction(() => {
      for (const f of files) this.#q.put.run(f.path, f.size, f.mtimeNs, f.inode, f.hash);
    })();
  }

  /** Forgets every file `keep` says is gone. */
  forgetAllBut(keep: (path: string) => boolean): void {
    const gone = (this.#q.paths.all() as string[]).filter((path) => !keep(path));
    this.db.transaction(() => {
      for (const path of gone) this.#q.forget.run(path);
    })();
  }
}
