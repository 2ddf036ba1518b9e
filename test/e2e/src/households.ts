import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixture } from '@keepsake/media/test-support';
import { afterAll, beforeAll } from 'vitest';
import { AgentDevice } from './agent-process.js';
import { LibraryClient } from './library-client.js';
import { spawnServer, type ServerProcess } from './server-process.js';

export const ADMIN_PASSWORD = 'households e2e admin password';
export const USER_PASSWORD = 'a user of the e2e tests';

export interface Household {
  readonly library: LibraryClient;
  readonly devices: [AgentDevice, AgentDevice, ...AgentDevice[]];
}

/**
 * A `keepsake serve` process for the test file (started before its tests, stopped after), and
 * households on it: each a user of its own, so libraries never mix, with devices logged in
 * through the real CLI and a client to check the server's view.
 */
export function serverForFile(): {
  /** `via`: the address devices use for the server (a proxy in front of it, say). */
  household: (user: string, names: string[], via?: string) => Promise<Household>;
  /** A device not logged in yet, its folders removed after the file's tests. */
  newDevice: (name: string) => AgentDevice;
  server: () => ServerProcess;
} {
  let server: ServerProcess | undefined;
  const roots: string[] = [];
  beforeAll(async () => {
    const data = mkdtempSync(join(tmpdir(), 'keepsake-e2e-server-'));
    roots.push(data);
    server = await spawnServer(data, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await server?.kill('SIGTERM');
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  const running = () => {
    if (!server) throw new Error('the server starts in beforeAll');
    return server;
  };
  const newDevice = (name: string) => {
    const device = new AgentDevice(name);
    roots.push(dirname(device.folder));
    return device;
  };
  return {
    server: running,
    newDevice,
    household: async (user, names, via) => {
      const { url } = running();
      const library = await LibraryClient.forNewUser(url, ADMIN_PASSWORD, user, USER_PASSWORD);
      const devices = names.map((name) => newDevice(`${user}-${name}`));
      for (const device of devices) await device.login(via ?? url, user, USER_PASSWORD);
      return { library, devices: devices as Household['devices'] };
    },
  };
}

/** Puts a fixture into a device's folder as a user copying it in would (writable, fresh). */
export function put(device: AgentDevice, fixturePath: string, as: string): void {
  const target = join(device.folder, as);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(fixture(fixturePath), target);
  chmodSync(target, 0o644);
}
