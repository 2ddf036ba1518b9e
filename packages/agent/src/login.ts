import { readDeviceConfig, writeDeviceConfig, type DeviceConfig } from './device-config.js';
import { ServerApi } from './server-api.js';
import { syncedFolders } from './synced-folders.js';

export interface LoginRequest {
  readonly server: string;
  readonly user: string;
  readonly password: string;
  /** How the device shows in the user's device list (the machine's host name, say). */
  readonly deviceName: string;
  /** The config directory: one directory, one device. */
  readonly configDir: string;
  /** Register anew even though this config directory is a device already. */
  readonly force?: boolean;
}

export class AlreadyRegistered extends Error {
  constructor(readonly existing: DeviceConfig) {
    super(
      `this config directory is already device "${existing.deviceName}" (${existing.deviceId}) of ${existing.user} on ${existing.server}; ` +
        'pass --force to register a new device in its place, or set XDG_CONFIG_HOME to use another directory',
    );
  }
}

/**
 * Registers this machine as a device of `user`: signs in with the password, registers the
 * device, ends the session (the device token is all the agent needs from now on) and stores the
 * token in the config directory. Registered in place of a device of the same user and server
 * (`force`), it is that device's heir: the folders it synced go on syncing as this one, taken
 * over when they are next opened (a folder on a drive not mounted now, too). Returns the config
 * written, the file it is in, and the folders that go on syncing.
 */
export async function login(
  request: LoginRequest,
): Promise<{ config: DeviceConfig; file: string; folders: string[] }> {
  const existing = await readDeviceConfig(request.configDir).catch(() => undefined);
  if (existing && !request.force) throw new AlreadyRegistered(existing);
  const api = new ServerApi(request.server);
  const session = await api.signIn(request.user, request.password);
  try {
    const device = await api.registerDevice(session, request.deviceName);
    const heir = existing?.server === api.origin && existing.user === request.user;
    const config: DeviceConfig = {
      server: api.origin,
      user: request.user,
      deviceId: device.id,
      deviceName: device.name,
      token: device.token,
      formerDeviceIds: heir ? [...(existing.formerDeviceIds ?? []), existing.deviceId] : [],
    };
    const file = await writeDeviceConfig(request.configDir, config);
    const folders = heir ? await syncedFolders(request.configDir) : [];
    return { config, file, folders };
  } finally {
    await api.signOut(session).catch(() => undefined);
  }
}
