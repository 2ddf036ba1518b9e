import { realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  configDir,
  FolderSync,
  readDeviceConfig,
  ServerApiError,
  syncedFolders,
  UsageError,
  type SyncEvents,
} from '@keepsake/agent';
import { CliError } from '../cli-error.js';

export type DeviceConfig = NonNullable<Awaited<ReturnType<typeof readDeviceConfig>>>;

/** This machine's device, or the error that says to run `keepsake login`. */
export async function requireDevice(): Promise<DeviceConfig> {
  const device = await readDeviceConfig(configDir());
  if (!device) {
    throw new CliError(
      'this machine is not a device yet: run keepsake login --server <url> --user <name> first',
      2,
    );
  }
  return device;
}

/** The synced folder named, or every folder this device syncs. */
export async function chosenFolders(folder: string | undefined): Promise<string[]> {
  const synced = await syncedWithRealPaths();
  if (folder === undefined) {
    if (synced.length === 0)
      throw new CliError('this device syncs no folder yet: run keepsake sync <folder>', 2);
    return synced.map((s) => s.folder);
  }
  const real = await realPath(folder);
  const match = synced.find((s) => s.real === real);
  if (!match) {
    throw new CliError(
      `${folder} is not a folder this device syncs (run keepsake sync ${folder})`,
      2,
    );
  }
  return [match.folder];
}

/**
 * The synced folder holding `path`, with the path relative to it ('' for the folder itself),
 * or undefined if no synced folder holds it.
 */
export async function folderHolding(
  path: string,
): Promise<{ folder: string; relative: string } | undefined> {
  const real = await realPath(path);
  for (const { folder, real: root } of await syncedWithRealPaths()) {
    if (real === root || real.startsWith(`${root}${sep}`)) {
      return { folder, relative: relative(root, real).split(sep).join('/') };
    }
  }
  return undefined;
}

/**
 * The first answer `ask` gives of the folders this device syncs, in turn, with the folder that
 * gave it: each folder has its own replica of the library, and one not synced lately may not
 * know an asset yet.
 */
export async function firstAnswer<T>(
  device: DeviceConfig,
  ask: (sync: FolderSync) => Promise<T | undefined> | T | undefined,
): Promise<{ folder: string; answer: T } | undefined> {
  for (const folder of await chosenFolders(undefined)) {
    const answer = await withFolder(folder, device, ask);
    if (answer !== undefined) return { folder, answer };
  }
  return undefined;
}

/** The folders this device syncs, each with its real path, which a path given is compared to. */
async function syncedWithRealPaths(): Promise<{ folder: string; real: string }[]> {
  const folders = await syncedFolders(configDir());
  return Promise.all(folders.map(async (folder) => ({ folder, real: await realPath(folder) })));
}

/**
 * `path` with every symlink on the way resolved, so a folder reached through a symlink (or
 * recorded through one) is the same folder. Of a path that does not exist (a file deleted or
 * mistyped), its nearest existing parent is resolved, and the rest kept as given.
 */
async function realPath(path: string): Promise<string> {
  const absolute = resolve(path);
  const parent = dirname(absolute);
  return realpath(absolute).catch(async () =>
    parent === absolute ? absolute : join(await realPath(parent), basename(absolute)),
  );
}

/**
 * Opens a folder's sync state for one command, closing it after; errors the user can act on
 * become their message and exit code 1.
 */
export async function withFolder<T>(
  folder: string,
  device: DeviceConfig,
  use: (sync: FolderSync) => Promise<T> | T,
  events: SyncEvents = {},
): Promise<T> {
  let sync: FolderSync | undefined;
  try {
    sync = new FolderSync(folder, device, events, { lookBytes: lookBytesFromEnv() });
    return await use(sync);
  } catch (error) {
    if (error instanceof ServerApiError || error instanceof UsageError) {
      throw new CliError(error.message, 1);
    }
    throw error;
  } finally {
    await sync?.close();
  }
}

/** The options of a command that takes positionals and `--json`, and nothing else. */
export function parseWithJson(args: string[]): { json: boolean; positionals: string[] } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  return { json: values.json, positionals };
}

/** KEEPSAKE_LOOK_BYTES: how much one look at a folder reads before it is synced, if set. */
function lookBytesFromEnv(): number | undefined {
  const text = process.env.KEEPSAKE_LOOK_BYTES;
  if (text === undefined || text === '') return undefined;
  const bytes = Number(text);
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new CliError(`KEEPSAKE_LOOK_BYTES must be a whole number of bytes, not "${text}"`, 2);
  }
  return bytes;
}
