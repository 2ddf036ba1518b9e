import { mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { AGENT_DIR } from './scanner/ignore-rules.js';

const FILE = 'folders.json';

/** A folder that cannot be synced beside one already synced (by this device or another). */
export class OverlappingFolder extends Error {}

/** The folders this device (config directory) syncs, by real path. */
export async function syncedFolders(configDir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(configDir, FILE), 'utf8')) as {
      folders?: unknown;
    };
    return Array.isArray(parsed.folders)
      ? parsed.folders.filter((f): f is string => typeof f === 'string')
      : [];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Records `folder` as synced by this device, refusing one inside or around a folder already
 * synced: the two would each see the other's files as their own, and every change twice.
 * Folders synced by other devices are seen by their `.keepsake` folder. Returns the real path.
 */
export async function claimFolder(configDir: string, folder: string): Promise<string> {
  const real = await realpath(folder).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${folder} does not exist; create it first`
        : `${folder}: ${String(code)}`,
    );
  });
  // Recorded, a file would break every later command (ENOTDIR).
  if (!(await stat(real)).isDirectory()) throw new Error(`${folder} is not a folder`);
  const known = await syncedFolders(configDir);
  if (known.includes(real)) return real;
  const inside = (a: string, b: string) => a.startsWith(b.endsWith(sep) ? b : `${b}${sep}`);
  const clash = known.find((other) => inside(real, other) || inside(other, real));
  if (clash) {
    throw new OverlappingFolder(
      `${real} overlaps ${clash}, which this device already syncs; sync folders side by side, not one inside the other`,
    );
  }
  const outer = await syncedAncestor(real);
  if (outer !== undefined) {
    throw new OverlappingFolder(
      `${real} is inside ${outer}, which a device already syncs (it holds ${AGENT_DIR}); sync ${outer} itself, or a folder outside it`,
    );
  }
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, FILE);
  const temporary = `${file}.${String(process.pid)}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ folders: [...known, real] }, null, 2)}\n`);
  await rename(temporary, file);
  return real;
}

/** The nearest folder above `real` that holds a `.keepsake` folder: one synced by some device. */
async function syncedAncestor(real: string): Promise<string | undefined> {
  for (let dir = dirname(real), below = real; dir !== below; below = dir, dir = dirname(dir)) {
    const isDir = await stat(join(dir, AGENT_DIR)).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDir) return dir;
  }
  return undefined;
}
