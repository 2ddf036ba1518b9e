import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defaultConfig, startServer } from '@keepsake/server';
import { describe, expect, it } from 'vitest';
import { PASSWORD, tempDirs } from '../test-support/test-server.js';

const CLI = fileURLToPath(new URL('../../bin/keepsake.js', import.meta.url));

const freshDir = tempDirs('keepsake-serve-');

/** Runs `keepsake serve` with these options; it is expected to refuse to start. */
async function refusedServe(...args: string[]) {
  const failed = await promisify(execFile)(
    process.execPath,
    [CLI, 'serve', '--port', '0', ...args],
    {
      env: { ...process.env, KEEPSAKE_ADMIN_PASSWORD: PASSWORD },
      timeout: 30_000,
    },
  ).then(
    () => undefined,
    (error: unknown) => error as { code: number; stderr: string },
  );
  if (!failed) throw new Error('keepsake serve started');
  return { exitCode: failed.code, stderr: failed.stderr.trim() };
}

describe('keepsake serve, refusing to start', () => {
  it('says a --data that is a file is not a directory', async () => {
    const file = join(freshDir(), 'photos.db');
    writeFileSync(file, '');
    expect(await refusedServe('--data', file)).toEqual({
      exitCode: 2,
      stderr: `keepsake: --data ${file} is a file; name a directory (made if missing)`,
    });
  });

  it('says a --host it cannot listen on is wrong, and why', async () => {
    expect(await refusedServe('--data', freshDir(), '--host', 'no-such-host.invalid')).toEqual({
      exitCode: 2,
      stderr:
        'keepsake: cannot listen on --host no-such-host.invalid: no such host name; use 127.0.0.1, 0.0.0.0 or an address of this machine',
    });
  });

  it('will not share a data directory with a running server', async () => {
    const dataDir = freshDir();
    const running = await startServer(defaultConfig({ dataDir, port: 0 }));
    try {
      expect(await refusedServe('--data', dataDir)).toEqual({
        exitCode: 1,
        stderr: `keepsake: another Keepsake server is using the data directory ${dataDir}; stop it first, or give this one a directory of its own`,
      });
    } finally {
      await running.close();
    }
  });
});
