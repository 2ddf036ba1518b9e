import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixture } from '@keepsake/media/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDevice } from './agent-process.js';
import { spawnServer, type ServerProcess } from './server-process.js';

// Real processes only: `keepsake serve`, and each device's `keepsake sync --once` in its own
// process with its own config directory and folder, as users run them.

const PASSWORD = 'agent sync e2e password';
let server: ServerProcess;
const roots: string[] = [];

beforeAll(async () => {
  const data = mkdtempSync(join(tmpdir(), 'keepsake-e2e-server-'));
  roots.push(data);
  server = await spawnServer(data, PASSWORD);
});
afterAll(async () => {
  await server.kill('SIGTERM');
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

async function devices(...names: string[]): Promise<AgentDevice[]> {
  const made = names.map((name) => {
    const device = new AgentDevice(name);
    roots.push(dirname(device.folder));
    return device;
  });
  for (const device of made) await device.login(server.url, 'admin', PASSWORD);
  return made;
}

/** Puts a fixture into a device's folder as a user copying it in would (writable, fresh). */
function put(device: AgentDevice, fixturePath: string, as: string): void {
  const target = join(device.folder, as);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(fixture(fixturePath), target);
  chmodSync(target, 0o644);
}

describe('keepsake sync between devices', () => {
  it('brings photos taken on one device to another, bit for bit', async () => {
    const [a, b] = await devices('import-a', 'import-b');
    if (!a || !b) throw new Error('devices');
    put(a, 'jpeg/door-knocker.jpg', '2024/door-knocker.jpg');
    put(a, 'heic/classic-car.heic', '2024/05/classic-car.heic');
    put(a, 'jpeg/fin de journée.jpg', 'fin de journée.jpg');
    await a.syncOnce();
    await b.syncOnce();
    expect(b.files()).toEqual(a.files());
    expect(a.files().size).toBe(3);
  });
});
