import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, startServer, type RunningServer } from '@keepsake/server';
import { afterAll, beforeAll } from 'vitest';

export const PASSWORD = 'correct horse battery';

/** A maker of fresh temporary folders, all removed after the file's tests. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/**
 * A real server for the file's tests, on a free loopback port over a fresh data directory, with
 * the administrator `admin` signing in with PASSWORD; closed after them.
 */
export function serverForFile(freshDir: () => string): () => RunningServer {
  let server: RunningServer | undefined;
  beforeAll(async () => {
    server = await startServer(defaultConfig({ dataDir: freshDir(), port: 0 }), {
      adminPassword: PASSWORD,
      logger: false,
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the server starts before the first test');
    return server;
  };
}
