import { describe, expect, it } from 'vitest';
import { defaultConfig } from './config.js';
import { DataDirInUse, lockDataDir } from './data-dir-lock.js';
import { startServer } from './start-server.js';
import { tempDir } from './test-support/temp-dir.js';

describe('the data directory lock', () => {
  it('lets one holder at a time hold a data directory', () => {
    const dir = tempDir();
    const first = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUse);
    expect(() => lockDataDir(tempDir())).not.toThrow();
    first.release();
    lockDataDir(dir).release();
  });

  it('refuses a second server on the same data directory, and frees it when the first stops', async () => {
    const config = defaultConfig({ dataDir: tempDir(), port: 0 });
    const first = await startServer(config);
    await expect(startServer(config)).rejects.toThrow(
      `another Keepsake server is using the data directory ${config.dataDir}; stop it first, or give this one a directory of its own`,
    );
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await first.close();
    const second = await startServer(config);
    await second.close();
  });
});
