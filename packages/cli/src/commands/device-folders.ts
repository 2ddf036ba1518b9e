import { realpath } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
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

type DeviceConfig = NonNullable<Awaited<ReturnType<typeof readDeviceConfig>>>;

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
  const synced = await syncedFolders(configDir());
  if (folder === undefined) {
    if (synced.length === 0)
      throw new CliError('this device syncs no folder yet: run keepsake sync <folder>', 2);
    return synced;
  }
  const real = await realpath(folder).catch(() => resolve(folder));
  if (!synced.includes(real)) {
    throw new CliError(
      `${folder} is not a folder this device syncs (run keepsake sync ${folder})`,
      2,
    );
  }
  return [real];
}

/** The synced folder holding `path`, with the path relative to it. */
export async function folderHolding(path: string): Promise<{ folder: string; relative: string }> {
  const absolute = resolve(path);
  for (const folder of await syncedFolders(configDir())) {
    if (absolute.startsWith(`${folder}${sep}`)) {
      return { folder, relative: relative(folder, absolute).split(sep).join('/') };
    }
  }
  throw new CliError(`${path} is in no folder this device syncs`, 2);
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
