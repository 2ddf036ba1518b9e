import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asDeviceId } from '@keepsake/core';
import { readDeviceConfig, writeDeviceConfig, type DeviceConfig } from './device-config.js';
import { AGENT_DIR } from './scanner/ignore-rules.js';
import { ServerApi } from './server-api.js';
import { openAgentState, type StateDb } from './state/agent-state.js';
import { Outbox } from './sync/outbox.js';
import { SyncState } from './sync/sync-state.js';
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
 * (`force`), it takes over the folders that device synced. Returns the config written, the file
 * it is in, and the folders taken over.
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
    const config: DeviceConfig = {
      server: api.origin,
      user: request.user,
      deviceId: device.id,
      deviceName: device.name,
      token: device.token,
    };
    const file = await writeDeviceConfig(request.configDir, config);
    const replaced = existing?.server === config.server && existing.user === config.user;
    const folders = replaced ? await takeOverFolders(request.configDir, existing, config) : [];
    return { config, file, folders };
  } finally {
    await api.signOut(session).catch(() => undefined);
  }
}

/**
 * The folders this config directory syncs as the device it replaced (revoked, say) go on as the
 * new one, with their replica, index and changes not yet sent: a folder's state is refused by
 * any device but its owner, and the server takes an op only from the device it names. The ops
 * keep their ids, so one the server logged before is still answered as the duplicate it is. A
 * folder not here now (a drive not mounted) stays the old device's.
 */
async function takeOverFolders(
  configDir: string,
  from: DeviceConfig,
  to: DeviceConfig,
): Promise<string[]> {
  const taken: string[] = [];
  for (const folder of await syncedFolders(configDir)) {
    if (!existsSync(join(folder, AGENT_DIR))) continue;
    const db = openAgentState(folder);
    try {
      if (takeOver(db, from.deviceId, to.deviceId)) taken.push(folder);
    } finally {
      db.close();
    }
  }
  return taken;
}

/** Hands one folder's state from device `from` to `to`; false when `from` does not own it. */
function takeOver(db: StateDb, from: string, to: string): boolean {
  const state = new SyncState(db);
  if (state.device !== from) return false;
  const outbox = new Outbox(db);
  const node = asDeviceId(to);
  db.transaction(() => {
    for (const op of outbox.first(outbox.pendingOps)) {
      outbox.replace({ ...op, device: node, hlc: { ...op.hlc, node } });
    }
    state.device = to;
  })();
  return true;
}
