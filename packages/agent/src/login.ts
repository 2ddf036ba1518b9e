import { readDeviceConfig, writeDeviceConfig, type DeviceConfig } from './device-config.js';
import { ServerApi } from './server-api.js';

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
 * token in the config directory. Returns the config written and the file it is in.
 */
export async function login(
  request: LoginRequest,
): Promise<{ config: DeviceConfig; file: string }> {
  const existing = await readDeviceConfig(request.configDir).catch(() => undefined);
  if (existing && !request.force) throw new AlreadyRegistered(existing);
  const api = new ServerApi(request.server);
  const session = await api.signIn(request.user, request.password);
  try {
    const device = await api.registerDevice(session, request.deviceName);
    const config: DeviceConfig = {
      server: api.origin,
      user: request.user,
      deviceId: device.id,
      deviceName: device.name,
      token: device.token,
    };
    const file = await writeDeviceConfig(request.configDir, config);
    return { config, file };
  } finally {
    await api.signOut(session).catch(() => undefined);
  }
}
