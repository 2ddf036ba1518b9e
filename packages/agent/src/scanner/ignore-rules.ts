import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { ignoredByDefault } from './default-ignores.js';

/** The agent's own folder inside the synced one: its state, its trash, its partial downloads. */
export const AGENT_DIR = '.keepsake';

/** The file where a user lists what not to sync, in .gitignore syntax, at the folder's top. */
export const IGNORE_FILE = '.keepsakeignore';

/**
 * What no one wants synced: what operating systems, NAS boxes and editors leave beside photos,
 * and files still arriving (browser downloads, copies in progress).
 */
export const DEFAULT_IGNORES: readonly string[] = [
  // at any depth: a folder synced by another device may sit inside this one
  `${AGENT_DIR}/`,
  `/${IGNORE_FILE}`,
  // macOS
  '.DS_Store',
  '._*',
  '.Spotlight-V100/',
  '.Trashes/',
  '.fseventsd/',
  '.TemporaryItems/',
  // Windows
  'Thumbs.db',
  'desktop.ini',
  '$RECYCLE.BIN/',
  // Synology and other NAS thumbnails and recycle bins
  '@eaDir/',
  // (escaped: in gitignore syntax a line starting with # is a comment)
  '\\#recycle/',
  '\\#snapshot/',
  // editors and office suites
  '*~',
  '.*.swp',
  '~$*',
  '*.tmp',
  '*.temp',
  // partial downloads and copies
  '*.part',
  '*.partial',
  '*.crdownload',
  '*.download',
];

/** Decides which paths (relative, `/`-separated; folders end in `/`) the agent leaves alone. */
export interface IgnoreRules {
  ignores(path: string): boolean;
  /** The folder's own rules as written, '' without a `.keepsakeignore`: one set from another. */
  readonly text: string;
  /** Forgets the answers kept so far: called after each folder, so they do not pile up. */
  release(): void;
}

/**
 * The defaults, plus the folder's `.keepsakeignore` if it has one. Without one (most folders),
 * the defaults are decided by plain string tests (`default-ignores.ts`): no per-path cache, and
 * an idle rescan of a million files costs a few tests per file.
 */
export async function loadIgnoreRules(folder: string): Promise<IgnoreRules> {
  let own: string;
  try {
    own = await readFile(join(folder, IGNORE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { ignores: ignoredByDefault, text: '', release: () => undefined };
  }
  const rules: Ignore = ignore()
    .add([...DEFAULT_IGNORES])
    .add(own);
  return {
    ignores: (path) => rules.ignores(path),
    text: own,
    release: () => {
      // `ignore` keeps every answer in a cache it never trims, one entry per path asked: a
      // million entries for a million files. It has no call to empty it, so the cache object
      // is swapped for a fresh one (if a release renames the field, this only stops helping).
      (rules as unknown as { _ignoreCache?: object })._ignoreCache = Object.create(null) as object;
    },
  };
}

/**
 * Whether the folder syncs the file at `path` (relative, `/`-separated): neither it nor a folder
 * on its way is ignored. A file placed where the walk does not look would be read back as
 * deleted, and the deletion would reach every device.
 */
export function syncedHere(path: string, rules: IgnoreRules): boolean {
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    if (rules.ignores(path.slice(0, slash + 1))) return false;
  }
  return !rules.ignores(path);
}
