import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RoundReport } from '@keepsake/agent';

const CLI = fileURLToPath(new URL('../../../packages/cli/bin/keepsake.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One device as a user has it: its own config directory (one device each) and its own synced
 * folder, driven through the real `keepsake` command in its own process.
 */
export class AgentDevice {
  readonly config: string;
  readonly folder: string;

  /** `folder`: where the synced folder goes (another file system, say); else beside the config. */
  constructor(
    readonly name: string,
    root: string = mkdtempSync(join(tmpdir(), `keepsake-${name}-`)),
    folder: string = join(root, 'Photos'),
  ) {
    this.config = join(root, 'config');
    this.folder = folder;
    mkdirSync(this.folder, { recursive: true });
  }

  readonly #running = new Set<ChildProcess>();

  async run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    const running = promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...process.env, XDG_CONFIG_HOME: this.config, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    this.#running.add(running.child);
    try {
      const { stdout, stderr } = await running;
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number | null; stdout: string; stderr: string };
      return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
    } finally {
      this.#running.delete(running.child);
    }
  }

  /** SIGKILLs whatever `keepsake` this device is running: a crash, a pulled plug. */
  killRunning(): void {
    for (const child of this.#running) child.kill('SIGKILL');
  }

  async login(server: string, user: string, password: string): Promise<void> {
    const run = await this.run(['login', '--server', server, '--user', user, '--name', this.name], {
      KEEPSAKE_PASSWORD: password,
    });
    if (run.code !== 0) throw new Error(`login of ${this.name} failed: ${run.stderr}`);
  }

  /** `keepsake sync --once`; fails the test with the agent's own words if it is not in step. */
  async syncOnce(env: NodeJS.ProcessEnv = {}): Promise<SyncReport> {
    const run = await this.run(['sync', this.folder, '--once', '--json', '--timeout', '60'], env);
    const report = parseReport(run.stdout);
    if (run.code !== 0 || !report?.inStep) {
      throw new Error(
        `${this.name} did not get in step (exit ${run.code}):\n${run.stderr}\n${run.stdout}`,
      );
    }
    return report;
  }

  /** `keepsake sync` in watch mode, as its own process; stop it with `stop()`. */
  watch(extra: string[] = [], env: NodeJS.ProcessEnv = {}): WatchingAgent {
    const child = spawn(process.execPath, [CLI, 'sync', this.folder, ...extra], {
      env: { ...process.env, XDG_CONFIG_HOME: this.config, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return {
      child,
      log: () => log,
      async stop(signal: NodeJS.Signals = 'SIGTERM') {
        child.kill(signal);
        return exited;
      },
    };
  }

  /** Waits until `check` holds of the folder's files; fails after `timeoutMs`. */
  async until(check: (files: Map<string, string>) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.files())) {
      if (Date.now() > deadline) {
        throw new Error(
          `${this.name}'s folder never got there: ${JSON.stringify([...this.files()])}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Every file of the folder (not the agent's own) by relative path, with its SHA-256. */
  files(): Map<string, string> {
    return hashTree(this.folder, (path) => !path.startsWith('.keepsake/'));
  }

  /** What the agent moved to its local trash, by hash (names there carry a time stamp). */
  trashedHashes(): string[] {
    return [...hashTree(join(this.folder, '.keepsake', 'trash'), () => true).values()];
  }
}

export interface WatchingAgent {
  readonly child: ChildProcess;
  log(): string;
  /** Stops the agent; resolves to its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export type SyncReport = RoundReport & { readonly inStep: boolean };

function parseReport(stdout: string): SyncReport | undefined {
  const line = stdout.trim().split('\n').at(-1);
  try {
    return line ? (JSON.parse(line) as SyncReport) : undefined;
  } catch {
    return undefined;
  }
}

export function hashTree(root: string, keep: (path: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory()) walk(`${path}/`);
      else if (entry.isFile() && keep(path)) {
        const bytes = readIfStillThere(join(root, path));
        if (bytes) out.set(path, createHash('sha256').update(bytes).digest('hex'));
      }
    }
  };
  walk('');
  return out;
}

/** The folder is live: an agent may move a file away between the listing and the read. */
function readIfStillThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
