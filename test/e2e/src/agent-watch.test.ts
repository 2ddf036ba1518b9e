import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentDevice, WatchingAgent } from './agent-process.js';
import { put, serverForFile, USER_PASSWORD } from './households.js';

// `keepsake sync` left running, as a user leaves it: it reacts to files appearing and to the
// server's push, and without push it still gets there by polling.

const { household, newDevice, server } = serverForFile();

async function pair(user: string): Promise<[AgentDevice, AgentDevice]> {
  const { devices } = await household(user, ['a', 'b']);
  return [devices[0], devices[1]];
}

/** Runs `work` with agents running; a failure carries what they logged, to tell why. */
async function withAgents(agents: WatchingAgent[], work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const logs = agents.map((agent, i) => `agent ${String(i)}:\n${agent.log()}`).join('\n');
    throw new Error(`${(error as Error).message}\n${logs}`);
  } finally {
    for (const agent of agents) expect(await agent.stop()).toBe(0);
  }
}

describe('keepsake sync, left running', () => {
  it("the README's quick start: two devices that sync registers on first use keep in step", async () => {
    await household('quick-start', []);
    const devices = [newDevice('quick-start-laptop'), newDevice('quick-start-phone')];
    const agents = devices.map((device) =>
      device.watch(['--server', server().url, '--user', 'quick-start'], {
        KEEPSAKE_PASSWORD: USER_PASSWORD,
      }),
    );
    const [laptop, phone] = devices as [AgentDevice, AgentDevice];
    await withAgents(agents, async () => {
      put(laptop, 'jpeg/mongolia.jpeg', 'mongolia.jpeg');
      await phone.until(
        (files) => files.get('mongolia.jpeg') === laptop.files().get('mongolia.jpeg'),
      );
    });
  });

  it('carries a new photo from one running agent to another through push', async () => {
    const [a, b] = await pair('watch-push');
    await withAgents([a.watch(), b.watch()], async () => {
      put(a, 'jpeg/door-knocker.jpg', 'door-knocker.jpg');
      await b.until((files) => files.get('door-knocker.jpg') === a.files().get('door-knocker.jpg'));
      rmSync(join(b.folder, 'door-knocker.jpg'));
      await a.until((files) => files.size === 0);
    });
  });

  it('gets there by polling when the push channel is off', async () => {
    const [a, b] = await pair('watch-poll');
    await withAgents([a.watch(), b.watch(['--no-push', '--poll', '1'])], async () => {
      put(a, 'heic/hopper.heif', 'hopper.heif');
      await b.until((files) => files.has('hopper.heif'));
      expect(b.files()).toEqual(a.files());
    });
  });
});
