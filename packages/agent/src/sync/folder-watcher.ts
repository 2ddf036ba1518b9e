import { watch, type FSWatcher } from 'node:fs';
import { join, sep } from 'node:path';
import { AGENT_DIR } from '../scanner/ignore-rules.js';

/**
 * File-system events under a synced folder, its own `.keepsake/` aside, as a hint to look again.
 *
 * Where the operating system watches a tree natively (macOS, Windows), one recursive watch.
 * On Linux, Node's recursive watch walks the whole tree again in JavaScript on every event,
 * which made a device receiving thousands of files spend most of its CPU there; instead each
 * folder gets a plain inotify watch, kept in step with the folders each look found.
 */
export class FolderWatcher {
  readonly #watchers = new Map<string, FSWatcher>();
  readonly #native: boolean;
  /** False once watching failed (inotify's limit, say): the periodic rescan is all there is. */
  working = true;

  constructor(
    private readonly folder: string,
    private readonly onChange: () => void,
    /** Whether an event at this path (relative, '/'-separated) is the echo of the agent's own. */
    private readonly isOwn: (path: string) => boolean = () => false,
  ) {
    this.#native = process.platform === 'darwin' || process.platform === 'win32';
    if (this.#native) this.#add('', true);
  }

  /**
   * Watches exactly these folders (relative, ending in `/`; '' is the top) from now on. Answers
   * whether it began watching any: what changed in those before the watch began told nobody, so
   * the caller looks again.
   */
  follow(folders: readonly string[]): boolean {
    if (this.#native || !this.working) return false;
    const wanted = new Set(folders);
    for (const [dir, watcher] of this.#watchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.#watchers.delete(dir);
      }
    }
    let began = false;
    for (const dir of wanted) {
      if (this.#watchers.has(dir)) continue;
      this.#add(dir, false);
      began = true;
    }
    return began;
  }

  close(): void {
    for (const watcher of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
  }

  #add(dir: string, recursive: boolean): void {
    try {
      const watcher = watch(join(this.folder, dir), { recursive }, (_event, name) => {
        const path = `${dir}${name?.split(sep).join('/') ?? ''}`;
        // Any agent's own folder, this one's or a nested folder synced by another device.
        const agents = path.split('/').includes(AGENT_DIR);
        if (name !== null && (agents || this.isOwn(path))) return;
        this.onChange();
      });
      watcher.on('error', () => {
        // The folder went away (its next look drops it), or the watch broke: look again.
        watcher.close();
        this.#watchers.delete(dir);
        this.onChange();
      });
      this.#watchers.set(dir, watcher);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Too many folders for inotify: stop watching rather than watch some and miss others.
      if (code === 'ENOSPC' || code === 'EMFILE') {
        this.working = false;
        this.close();
      }
    }
  }
}
