import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** What makes this machine a device of a user on a server: one config directory, one device. */
export const deviceConfigSchema = z.object({
  server: z.url(),
  user: z.string().min(1),
  deviceId: z.string().min(1),
  deviceName: z.string().min(1),
  /** The device's bearer token. The server keeps only its hash; this file is its one copy. */
  token: z.string().min(1),
  /**
   * The devices this config directory was before, for the same user on the same server (each
   * `login --force` replaces one): the folders they synced go on syncing as this device.
   */
  formerDeviceIds: z.array(z.string().min(1)).default([]),
});
export type DeviceConfig = z.input<typeof deviceConfigSchema>;

const FILE = 'device.json';

/** `$XDG_CONFIG_HOME/keepsake`, else `~/.config/keepsake`, as the XDG base directory spec says. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : undefined;
  return join(base ?? join(homedir(), '.config'), 'keepsake');
}

/** The device this config directory is, or undefined before `keepsake login`. */
export async function readDeviceConfig(dir: string): Promise<DeviceConfig | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = deviceConfigSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${join(dir, FILE)} is not a Keepsake device config (${parsed.error.issues[0]?.message ?? 'unreadable'}); run keepsake login to register again`,
    );
  }
  return parsed.data;
}

/**
 * Writes the config readable by its owner alone (the token in it is the device's whole
 * credential), through a temporary file and a rename, so a crash leaves the old one or the new.
 */
export async function writeDeviceConfig(dir: string, config: DeviceConfig): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = join(dir, FILE);
  const temporary = `${file}.${String(process.pid)}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile is masked by the umask; the token must not depend on it.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return file;
}
