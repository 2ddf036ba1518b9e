import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../packages/cli/bin/keepsake.js', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** What it has written to stderr so far: its address, first-start instructions. */
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `keepsake serve` as its own process on a free port and waits until it serves. Without
 * `adminPassword`, a first start makes no administrator and prints its one-time setup address.
 */
export async function spawnServer(
  dataDir: string,
  adminPassword: string | undefined,
): Promise<ServerProcess> {
  const { KEEPSAKE_ADMIN_PASSWORD: _ignored, ...env } = process.env;
  const child = spawn(process.execPath, [CLI, 'serve', '--data', dataDir, '--port', '0'], {
    env: {
      ...env,
      ...(adminPassword !== undefined && { KEEPSAKE_ADMIN_PASSWORD: adminPassword }),
      KEEPSAKE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', () => {
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited (${code}) before serving:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited;
    },
  };
}
