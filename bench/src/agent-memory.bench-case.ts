// Benchmark of the agent's memory with a big library: a folder of 1,000,000 files, every one
// indexed (in the replica, the device index and the file facts, as a finished sync leaves
// them), and `keepsake sync --once` run over it as its own process against a real server.
// Reports the process's peak resident memory (VmHWM) and the round's time, idle and with
// 1,000 new photos among the million.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  asAssetId,
  asBlobHash,
  asDeviceId,
  asOpId,
  versionIdOf,
  type IndexEntry,
  type LogEntry,
} from '@keepsake/core';
import {
  FileFacts,
  IndexStore,
  openAgentState,
  Replica,
  statFile,
  type FileStat,
} from '@keepsake/agent';
import { spawnServer } from '@keepsake/e2e';
import { AgentDevice } from '@keepsake/e2e/agents';
import { BENCH_PASSWORD } from './bench-client.js';

const FILES = Number(process.env.KEEPSAKE_BENCH_MEMORY_FILES ?? 1_000_000);
const NEW_FILES = 1000;
const PER_FOLDER = 100;
const PAGE = 5000;
const CLI = fileURLToPath(new URL('../../packages/cli/bin/keepsake.js', import.meta.url));

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const pathOf = (i: number) =>
  `${String(2000 + Math.floor(i / 120_000))}/m${String(Math.floor(i / PER_FOLDER))}/IMG_${String(i)}.JPG`;

/** The folder and the state a finished sync of it leaves, written directly (1M uploads would take hours). */
function indexedLibrary(folder: string, deviceId: string): void {
  const db = openAgentState(folder);
  const replica = new Replica(db);
  const index = new IndexStore(db);
  const facts = new FileFacts(db);
  const device = asDeviceId(deviceId);
  for (let start = 0; start < FILES; start += PAGE) {
    const entries: LogEntry[] = [];
    const stats: (FileStat & { hash: string })[] = [];
    for (let i = start; i < Math.min(FILES, start + PAGE); i++) {
      const path = pathOf(i);
      const content = `photo ${String(i)}`;
      if (i % PER_FOLDER === 0) mkdirSync(join(folder, path, '..'), { recursive: true });
      writeFileSync(join(folder, path), content);
      const hash = asBlobHash(sha256(content));
      const opId = asOpId(`bench-op-${String(i)}`);
      entries.push({
        seq: i + 1,
        op: {
          opId,
          device,
          hlc: { ms: 1_700_000_000_000 + i, counter: 0, node: device },
          knownSeq: i,
          payload: {
            kind: 'import',
            assetId: asAssetId(hash),
            resources: { original: { hash, size: content.length, ext: 'JPG' } },
            meta: {},
            path,
          },
        },
        outcome: { status: 'applied' },
      });
      const stat = statFile(folder, path);
      if (stat) stats.push({ ...stat, hash });
    }
    replica.apply(entries);
    db.transaction(() => {
      for (const [i, entry] of entries.entries()) {
        const payload = entry.op.payload as { assetId: string; path: string };
        const file = stats[i];
        if (!file) continue;
        const indexed: IndexEntry = {
          hash: asBlobHash(file.hash),
          size: file.size,
          assetId: asAssetId(payload.assetId),
          versionId: versionIdOf(entry.op.opId),
          resources: { original: { hash: asBlobHash(file.hash), size: file.size, ext: 'JPG' } },
          meta: {},
          role: 'main',
          placement: payload.path,
          conflictCopy: false,
        };
        index.put(payload.path, indexed);
      }
    })();
    facts.record(stats, false);
  }
  db.exec(
    "DELETE FROM unsettled_groups; INSERT OR REPLACE INTO sync_state VALUES ('bootstrapped', 'yes')",
  );
  db.close();
}

/** Runs `keepsake sync --once`, sampling its peak resident memory until it exits. */
async function syncOnce(device: AgentDevice): Promise<{ seconds: number; peakMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'sync', device.folder, '--once'], {
    env: { ...process.env, XDG_CONFIG_HOME: device.config },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let peakKiB = 0;
  const sample = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${String(child.pid)}/status`, 'utf8');
      peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // exited between samples
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sample);
  if (code !== 0) throw new Error(`keepsake sync --once exited ${String(code)}: ${stderr}`);
  return { seconds: (performance.now() - started) / 1000, peakMiB: Math.round(peakKiB / 1024) };
}

export async function benchAgentMemory(): Promise<Record<string, number | string>> {
  const root = mkdtempSync(join(tmpdir(), 'keepsake-memory-'));
  const server = await spawnServer(join(root, 'data'), BENCH_PASSWORD);
  try {
    const device = new AgentDevice('bench-memory', join(root, 'device'));
    await device.login(server.url, 'admin', BENCH_PASSWORD);
    await device.syncOnce(); // registers the folder; the state is then replaced
    rmSync(join(device.folder, '.keepsake'), { recursive: true });
    const config = JSON.parse(
      readFileSync(join(device.config, 'keepsake', 'device.json'), 'utf8'),
    ) as {
      deviceId: string;
    };
    const built = performance.now();
    indexedLibrary(device.folder, config.deviceId);
    const buildSeconds = (performance.now() - built) / 1000;
    const idle = await syncOnce(device);
    for (let i = 0; i < NEW_FILES; i++) {
      const dir = join(device.folder, 'new', `n${String(Math.floor(i / PER_FOLDER))}`);
      if (i % PER_FOLDER === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `NEW_${String(i)}.JPG`), `new photo ${String(i)}`);
    }
    const withNew = await syncOnce(device);
    return {
      'indexed files': FILES,
      'building the folder and its state, s (setup)': Number(buildSeconds.toFixed(1)),
      'idle sync --once: peak RSS MiB': idle.peakMiB,
      'idle sync --once: s': Number(idle.seconds.toFixed(1)),
      [`${String(NEW_FILES)} new photos: peak RSS MiB`]: withNew.peakMiB,
      [`${String(NEW_FILES)} new photos: s`]: Number(withNew.seconds.toFixed(1)),
    };
  } finally {
    await server.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  }
}
