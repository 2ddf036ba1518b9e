import type { StateDb } from '../state/agent-state.js';
import type { FileStat } from './walk-folder.js';

/** What the last scan saw of a file, with the hash its bytes had then. */
export interface KnownFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly inode: number;
  readonly hash: string;
}

interface Row {
  dir: string;
  name: string;
  size: number;
  mtime_ms: number;
  inode: number;
  hash: string;
}

type DirRow = [name: string, size: number, mtimeMs: number, inode: number, hash: string];

const known = (row: Row): KnownFile => ({
  size: row.size,
  mtimeMs: row.mtime_ms,
  inode: row.inode,
  hash: row.hash,
});

/** Whether nothing the file system says about `stat` differs from what was seen of `file`. */
export const sameFile = (stat: FileStat, file: KnownFile): boolean =>
  file.size === stat.size && file.mtimeMs === stat.mtimeMs && file.inode === stat.inode;

/** The `file_facts` table: what each file was at the last scan, so unchanged ones go unread. */
export class FileFacts {
  readonly #q;

  constructor(private readonly db: StateDb) {
    this.#q = {
      // Rows as arrays: a folder's worth per call, no object per row to build and drop.
      inDir: db
        .prepare('SELECT name, size, mtime_ms, inode, hash FROM file_facts WHERE dir = ?')
        .raw(),
      byInode: db.prepare('SELECT * FROM file_facts WHERE inode = ?'),
      one: db.prepare('SELECT * FROM file_facts WHERE dir = ? AND name = ?'),
      byHash: db.prepare('SELECT dir || name FROM file_facts WHERE hash = ?').pluck(),
      put: db.prepare(
        `INSERT INTO file_facts (dir, name, size, mtime_ms, inode, hash) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (dir, name) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
           inode = excluded.inode, hash = excluded.hash`,
      ),
      forget: db.prepare('DELETE FROM file_facts WHERE dir = ? AND name = ?'),
      dirs: db.prepare('SELECT DISTINCT dir FROM file_facts').pluck(),
      markDirty: db.prepare('INSERT OR IGNORE INTO dirty_dirs (dir) VALUES (?)'),
      dirtyDirs: db.prepare('SELECT dir FROM dirty_dirs').pluck(),
      clean: db.prepare('DELETE FROM dirty_dirs WHERE dir = ?'),
      all: db.prepare('SELECT dir || name AS path, hash, size FROM file_facts'),
      forgetDir: db.prepare('DELETE FROM file_facts WHERE dir = ?'),
    };
  }

  /** What the last scan saw in one folder, by file name. */
  inDir(dir: string): Map<string, KnownFile> {
    const seen = new Map<string, KnownFile>();
    for (const [name, size, mtimeMs, inode, hash] of this.#q.inDir.all(dir) as DirRow[]) {
      seen.set(name, { size, mtimeMs, inode, hash });
    }
    return seen;
  }

  /** What the last scan saw of one file. */
  get(path: string): KnownFile | undefined {
    const slash = path.lastIndexOf('/') + 1;
    const row = this.#q.one.get(path.slice(0, slash), path.slice(slash)) as Row | undefined;
    return row && known(row);
  }

  /** Files that held these bytes when last seen (they may have changed since: verify). */
  pathsWithHash(hash: string): string[] {
    return this.#q.byHash.all(hash) as string[];
  }

  /**
   * A file seen elsewhere that `stat` is, moved or renamed: the same inode, size and
   * mtime (a move keeps all three).
   */
  movedFrom(stat: FileStat): (KnownFile & { readonly path: string }) | undefined {
    for (const row of this.#q.byInode.iterate(stat.inode) as IterableIterator<Row>) {
      const file = known(row);
      if (sameFile(stat, file)) return { ...file, path: `${row.dir}${row.name}` };
    }
    return undefined;
  }

  /**
   * Records files in one transaction. A look's findings mark their folders dirty (to be
   * compared with the index); the agent's own writes, already in the index, do not.
   */
  record(files: readonly (FileStat & { readonly hash: string })[], markDirty = true): void {
    this.db.transaction(() => {
      for (const f of files) {
        this.#q.put.run(f.dir, f.name, f.size, f.mtimeMs, f.inode, f.hash);
        if (markDirty) this.#q.markDirty.run(f.dir);
      }
    })();
  }

  /** Folders a look found changed that the index has not caught up with. */
  dirtyDirs(): string[] {
    return this.#q.dirtyDirs.all() as string[];
  }

  /** The index has caught up with this folder (call in the transaction that updates it). */
  clean(dir: string): void {
    this.#q.clean.run(dir);
  }

  /** Every known file, streamed (tests, and verify's look for files the index lacks). */
  *all(): Generator<{ path: string; hash: string; size: number }> {
    yield* this.#q.all.iterate() as IterableIterator<{ path: string; hash: string; size: number }>;
  }

  /** Forgets one file (the agent moved it out of the folder). */
  forgetFile(path: string): void {
    const slash = path.lastIndexOf('/') + 1;
    this.#q.forget.run(path.slice(0, slash), path.slice(slash));
  }

  /**
   * Forgets files gone from their folders and, given `folders` (every folder a whole walk
   * found), every file of folders not among them.
   */
  forget(
    gone: readonly { readonly dir: string; readonly name: string }[],
    folders?: Set<string>,
  ): void {
    const goneDirs = folders
      ? (this.#q.dirs.all() as string[]).filter((dir) => !folders.has(dir))
      : [];
    this.db.transaction(() => {
      for (const { dir, name } of gone) {
        this.#q.forget.run(dir, name);
        this.#q.markDirty.run(dir);
      }
      for (const dir of goneDirs) {
        this.#q.forgetDir.run(dir);
        this.#q.markDirty.run(dir);
      }
    })();
  }
}
