// Benchmark of one new photo reaching another device: two `keepsake sync` processes left
// running against a `keepsake serve` process on loopback, as users run them. The clock starts
// when the photo's file is closed on device A and stops when device B holds it whole under its
// name (B writes a download under its name only once it hashed to the right bytes). Then again
// with B's push channel off, so it learns only by polling at the default interval.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnServer } from '@keepsake/e2e';
import { AgentDevice, type WatchingAgent } from '@keepsake/e2e/agents';
import { BENCH_PASSWORD } from './bench-client.js';
import { median } from './stats.js';

const PUSH_SAMPLES = 21;
const POLL_SAMPLES = 2;
const PHOTO_BYTES = 3 * 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Milliseconds from the photo's file closing on A to its verified arrival on B. */
async function oneLatency(a: AgentDevice, b: AgentDevice, name: string): Promise<number> {
  const bytes = randomBytes(PHOTO_BYTES);
  const hash = sha256(bytes);
  writeFileSync(join(a.folder, name), bytes);
  const closed = performance.now();
  const target = join(b.folder, name);
  for (;;) {
    const size = statSync(target, { throwIfNoEntry: false })?.size;
    if (size === PHOTO_BYTES && sha256(readFileSync(target)) === hash) {
      return performance.now() - closed;
    }
    if (performance.now() - closed > 120_000) throw new Error(`${name} never reached device B`);
    await sleep(2);
  }
}

async function withAgents<T>(
  devices: readonly [AgentDevice, AgentDevice],
  bArgs: string[],
  work: () => Promise<T>,
): Promise<T> {
  const agents: WatchingAgent[] = [devices[0].watch(), devices[1].watch(bArgs)];
  try {
    await sleep(1500); // both past their first round
    return await work();
  } finally {
    for (const agent of agents) await agent.stop();
  }
}

export async function benchAgentLatency(): Promise<Record<string, number | string>> {
  const root = mkdtempSync(join(tmpdir(), 'keepsake-latency-'));
  const server = await spawnServer(join(root, 'data'), BENCH_PASSWORD);
  try {
    const a = new AgentDevice('bench-a', join(root, 'a'));
    const b = new AgentDevice('bench-b', join(root, 'b'));
    for (const device of [a, b]) {
      await device.login(server.url, 'admin', BENCH_PASSWORD);
      await device.syncOnce();
    }
    const push = await withAgents([a, b], [], async () => {
      const samples: number[] = [];
      for (let i = 0; i < PUSH_SAMPLES; i++) {
        samples.push(await oneLatency(a, b, `push-${String(i)}.jpg`));
        await sleep(200);
      }
      return samples.sort((x, y) => x - y);
    });
    const poll = await withAgents([a, b], ['--no-push'], async () => {
      const samples: number[] = [];
      for (let i = 0; i < POLL_SAMPLES; i++)
        samples.push(await oneLatency(a, b, `poll-${String(i)}.jpg`));
      return samples;
    });
    return {
      'photo size': `${String(PHOTO_BYTES / 2 ** 20)} MiB`,
      'push on: median ms (file closed on A → verified on B)': Math.round(median(push)),
      'push on: fastest / slowest ms': `${String(Math.round(push[0] ?? 0))} / ${String(Math.round(push.at(-1) ?? 0))}`,
      'push on: samples': push.length,
      'push off, 30 s poll: slowest s': Number((Math.max(...poll) / 1000).toFixed(1)),
      'push off: samples': poll.length,
    };
  } finally {
    await server.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
}
