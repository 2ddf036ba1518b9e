// End to end against Syncthing, side by side on the same generated library (FILES photo-sized
// files of random bytes, ~600 KB on average): the clock starts when the library appears in
// device A's folder (one rename; nothing indexed yet) and stops when device B holds every file.
// Keepsake: `keepsake serve` and two `keepsake sync` processes, every byte going A → server → B.
// Syncthing: two instances of Debian's `syncthing`, A → B directly, loopback only, discovery,
// relays and NAT off, the file watcher's delay at 1 s (its default is 10). Both verify what
// they write (Keepsake by SHA-256 before the rename; Syncthing by block hashes). The page
// cache is dropped before each run where the machine allows it, so both start cold. Also
// reports the CPU seconds of every process each side ran.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnServer } from '@keepsake/e2e';
import { AgentDevice } from '@keepsake/e2e/agents';
import { BENCH_PASSWORD } from './bench-client.js';

const FILES = Number(process.env.KEEPSAKE_BENCH_E2E_FILES ?? 10_000);
const MIN_BYTES = 300_000;
const MAX_BYTES = 900_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A camera roll of random bytes: what it holds does not matter, its size and count do. */
function generateLibrary(root: string): number {
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, String(2020 + Math.floor(i / 2400)), `m${String(Math.floor(i / 200))}`);
    if (i % 200 === 0) mkdirSync(dir, { recursive: true });
    const size = randomInt(MIN_BYTES, MAX_BYTES);
    writeFileSync(join(dir, `IMG_${String(i).padStart(5, '0')}.JPG`), randomBytes(size));
    bytes += size;
  }
  return bytes;
}

/** Files under `root`, the sync tool's own files aside. */
function countFiles(root: string, own: (name: string) => boolean): number {
  let count = 0;
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (own(entry.name)) continue;
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.isFile()) count += 1;
    }
  };
  walk(root);
  return count;
}

/** CPU seconds used in user space and in the kernel on its behalf. */
interface Cpu {
  readonly user: number;
  readonly system: number;
}
const cpuTotal = (cpu: Cpu) => cpu.user + cpu.system;
const addCpu = (a: Cpu, b: Cpu): Cpu => ({ user: a.user + b.user, system: a.system + b.system });
const NO_CPU: Cpu = { user: 0, system: 0 };

/**
 * CPU seconds a process and every process under it have used (Linux /proc, USER_HZ 100):
 * Syncthing runs its work in a child of the process started.
 */
function cpuSeconds(pid: number | undefined): Cpu {
  if (pid === undefined) return NO_CPU;
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // utime, stime, then the same for waited-for children.
    let total: Cpu = {
      user: ((f[11] ?? 0) + (f[13] ?? 0)) / 100,
      system: ((f[12] ?? 0) + (f[14] ?? 0)) / 100,
    };
    for (const tid of readdirSync(`/proc/${String(pid)}/task`)) {
      const children = readFileSync(`/proc/${String(pid)}/task/${tid}/children`, 'utf8');
      for (const child of children.split(' ').filter(Boolean)) {
        total = addCpu(total, cpuSeconds(Number(child)));
      }
    }
    return total;
  } catch {
    return NO_CPU;
  }
}

/**
 * Ports free on loopback now, asked of the system: fixed or random ones were sometimes taken
 * (by an instance of the previous run still closing), and Syncthing then never connected.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve) => {
          server.listen(0, '127.0.0.1', () => {
            resolve((server.address() as AddressInfo).port);
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Asks a Syncthing instance's REST API. */
async function syncthingApi<T>(gui: number, path: string): Promise<T | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${String(gui)}${path}`, {
      headers: { 'x-api-key': `bench-${String(gui)}` },
    });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Until both instances are connected to each other and done scanning their empty folders. */
async function syncthingReady(gui: readonly number[], ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    let ready = true;
    for (const [i, port] of gui.entries()) {
      const peer = ids[1 - i] ?? '';
      const connections = await syncthingApi<{
        connections: Record<string, { connected: boolean } | undefined>;
      }>(port, '/rest/system/connections');
      const status = await syncthingApi<{ state: string }>(port, '/rest/db/status?folder=photos');
      ready &&= connections?.connections[peer]?.connected === true && status?.state === 'idle';
    }
    if (ready) return;
    if (Date.now() > deadline) throw new Error('the two Syncthing instances never connected');
    await sleep(250);
  }
}

function dropPageCache(): boolean {
  try {
    execFileSync('sync');
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

async function untilAll(folder: string, own: (name: string) => boolean, started: number) {
  for (;;) {
    if (countFiles(folder, own) >= FILES) return (performance.now() - started) / 1000;
    if (performance.now() - started > 3_600_000) throw new Error(`${folder} never got every file`);
    await sleep(200);
  }
}

async function keepsakeRun(root: string, library: string) {
  const server = await spawnServer(join(root, 'data'), BENCH_PASSWORD);
  const a = new AgentDevice('e2e-a', join(root, 'a'));
  const b = new AgentDevice('e2e-b', join(root, 'b'));
  const agents = [];
  try {
    for (const device of [a, b]) {
      await device.login(server.url, 'admin', BENCH_PASSWORD);
      await device.syncOnce();
    }
    agents.push(a.watch(), b.watch());
    await sleep(2000);
    const cold = dropPageCache();
    const started = performance.now();
    renameSync(library, join(a.folder, 'library'));
    const seconds = await untilAll(b.folder, (name) => name === '.keepsake', started);
    const parts = {
      server: cpuSeconds(server.child.pid),
      a: cpuSeconds(agents[0]?.child.pid),
      b: cpuSeconds(agents[1]?.child.pid),
    };
    const cpu = addCpu(addCpu(parts.server, parts.a), parts.b);
    return { seconds, cpu, parts, cold, folder: join(a.folder, 'library') };
  } finally {
    for (const agent of agents) await agent.stop();
    await server.kill('SIGTERM');
  }
}

/** A Syncthing instance's home: its key, and a config sharing one folder with one peer. */
function syncthingHome(home: string): string {
  const run = spawnSync('syncthing', ['generate', `--home=${home}`], { encoding: 'utf8' });
  const out = `${run.stdout}${run.stderr}`;
  const id = /Device ID: (\S+)/.exec(out)?.[1];
  if (!id) throw new Error(`syncthing generate printed no device id: ${out}`);
  return id;
}

function syncthingConfig(
  home: string,
  folder: string,
  self: { id: string; port: number; gui: number },
  peer: { id: string; port: number },
): void {
  writeFileSync(
    join(home, 'config.xml'),
    `<configuration version="36">
  <folder id="photos" label="photos" path="${folder}" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
    <device id="${self.id}"></device>
    <device id="${peer.id}"></device>
  </folder>
  <device id="${self.id}" name="self" compression="metadata"><address>dynamic</address></device>
  <device id="${peer.id}" name="peer" compression="metadata"><address>tcp://127.0.0.1:${String(peer.port)}</address></device>
  <gui enabled="true" tls="false"><address>127.0.0.1:${String(self.gui)}</address><apikey>bench-${String(self.gui)}</apikey></gui>
  <options>
    <listenAddress>tcp://127.0.0.1:${String(self.port)}</listenAddress>
    <globalAnnounceEnabled>false</globalAnnounceEnabled>
    <localAnnounceEnabled>false</localAnnounceEnabled>
    <relaysEnabled>false</relaysEnabled>
    <natEnabled>false</natEnabled>
    <startBrowser>false</startBrowser>
    <urAccepted>-1</urAccepted>
    <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
    <crashReportingEnabled>false</crashReportingEnabled>
  </options>
</configuration>
`,
  );
  mkdirSync(join(folder, '.stfolder'), { recursive: true });
}

async function syncthingRun(root: string, library: string) {
  const homes = [join(root, 'st-a'), join(root, 'st-b')];
  const folders = [join(root, 'st-a-folder'), join(root, 'st-b-folder')];
  const ids = homes.map(syncthingHome);
  const [ports, gui] = [await freePorts(2), await freePorts(2)];
  for (const i of [0, 1]) {
    const other = 1 - i;
    syncthingConfig(
      homes[i] ?? '',
      folders[i] ?? '',
      { id: ids[i] ?? '', port: ports[i] ?? 0, gui: gui[i] ?? 0 },
      { id: ids[other] ?? '', port: ports[other] ?? 0 },
    );
  }
  // What each instance last said, for the error if they never connect.
  const said = homes.map(() => '');
  const processes: ChildProcess[] = homes.map((home, i) => {
    const child = spawn('syncthing', ['serve', `--home=${home}`, '--no-browser', '--no-restart'], {
      env: { ...process.env, STNORESTART: '1', STNOUPGRADE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      said[i] = `${said[i] ?? ''}${chunk.toString('utf8')}`.slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    return child;
  });
  try {
    await syncthingReady(gui, ids).catch((error: unknown) => {
      const logs = said.map((text, i) => `instance ${String(i + 1)} said:\n${text}`).join('\n');
      throw new Error(`${(error as Error).message}\n${logs}`);
    });
    const cold = dropPageCache();
    const started = performance.now();
    renameSync(library, join(folders[0] ?? '', 'library'));
    const own = (name: string) => name === '.stfolder' || name.startsWith('.syncthing.');
    const seconds = await untilAll(folders[1] ?? '', own, started);
    const cpu = processes.reduce((sum, child) => addCpu(sum, cpuSeconds(child.pid)), NO_CPU);
    return { seconds, cpu, cold };
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await sleep(1000);
  }
}

const split = (cpu: Cpu) => `${cpu.user.toFixed(1)} / ${cpu.system.toFixed(1)}`;

export async function benchAgentVsSyncthing(): Promise<Record<string, number | string>> {
  // Checked first: finding it missing after Keepsake's half would waste that half.
  if (spawnSync('syncthing', ['--version']).error) {
    throw new Error('syncthing is not installed: apt-get install syncthing, then run this again');
  }
  const root = mkdtempSync(join(tmpdir(), 'keepsake-vs-syncthing-'));
  try {
    const library = join(root, 'library');
    const bytes = generateLibrary(library);
    const ours = await keepsakeRun(root, library);
    // The same files, moved on for Syncthing's turn.
    renameSync(ours.folder, library);
    const theirs = await syncthingRun(root, library);
    return {
      library: `${FILES.toLocaleString('en-US')} files, ${(bytes / 1e9).toFixed(2)} GB`,
      'page cache dropped before each run':
        ours.cold && theirs.cold ? 'yes' : 'no (not allowed here)',
      'Keepsake: A → server → B, s': Number(ours.seconds.toFixed(1)),
      'Syncthing 1.19: A → B, s': Number(theirs.seconds.toFixed(1)),
      'Keepsake / Syncthing time': Number((ours.seconds / theirs.seconds).toFixed(2)),
      'Keepsake CPU s (server + 2 agents)': Number(cpuTotal(ours.cpu).toFixed(1)),
      'Syncthing CPU s (2 instances)': Number(cpuTotal(theirs.cpu).toFixed(1)),
      'Keepsake CPU s, user / kernel': split(ours.cpu),
      'Syncthing CPU s, user / kernel': split(theirs.cpu),
      'Keepsake CPU s by process: server / A / B': [ours.parts.server, ours.parts.a, ours.parts.b]
        .map((cpu) => cpuTotal(cpu).toFixed(1))
        .join(' / '),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
