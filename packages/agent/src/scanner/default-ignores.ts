import { AGENT_DIR, IGNORE_FILE } from './ignore-rules.js';

// The default ignore patterns of `ignore-rules.ts`, decided without the `ignore` package: a
// folder with no `.keepsakeignore` (most of them) pays a few string tests per file and keeps no
// cache. `default-ignores.test.ts` checks it says what `ignore` says of the same patterns.

/** Names left out wherever they are, files or folders (compared case-insensitively). */
const NAMES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);
/** Folder names left out wherever they are. */
const FOLDER_NAMES = new Set([
  '.spotlight-v100',
  '.trashes',
  '.fseventsd',
  '.temporaryitems',
  '$recycle.bin',
  '@eadir',
  '#recycle',
  '#snapshot',
]);
const ENDINGS = ['~', '.tmp', '.temp', '.part', '.partial', '.crdownload', '.download'];

/** Whether a path (relative, `/`-separated; folders end in `/`) is left out by the defaults. */
export function ignoredByDefault(path: string): boolean {
  const folder = path.endsWith('/');
  const lower = path.toLowerCase(); // as `ignore` matches: case-insensitively
  if (lower === IGNORE_FILE || lower === `${IGNORE_FILE}/`) return true;
  const end = folder ? path.length - 1 : path.length;
  const name = lower.slice(lower.lastIndexOf('/', end - 1) + 1, end);
  if (NAMES.has(name) || (folder && FOLDER_NAMES.has(name))) return true;
  // At any depth, like `ignore-rules.ts`. Not in FOLDER_NAMES: the two modules import each
  // other, so AGENT_DIR may not be set yet while this one's top level runs.
  if (folder && name === AGENT_DIR) return true;
  if (name.startsWith('._') || name.startsWith('~$')) return true;
  if (/^\..*\.swp$/.test(name)) return true;
  return ENDINGS.some((ending) => name.endsWith(ending));
}
