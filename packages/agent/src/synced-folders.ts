import { mkdir, readFile, realpath, rename, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';

const FILE = 'folders.json';

/** A folder that cannot be synced beside one already synced by this device. */
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
 * Returns the folder's real path.
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
  const known = await syncedFolders(configDir);
  if (known.includes(real)) return real;
  const inside = (a: string, b: string) => a.startsWith(b.endsWith(sep) ? b : `${b}${sep}`);
  const clash = known.find((other) => inside(real, other) || inside(other, real));
  if (clash) {
    throw new OverlappingFolder(
      `${real} overlaps ${clash}, which this device already syncs; sync folders side by side, not one inside the other`,
    );
  }
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = join(configDir, FILE);
  const temporary = `${file}.${String(process.pid)}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ folders: [...known, real] }, null, 2)}\n`);
  await rename(temporary, file);
  return real;
}
