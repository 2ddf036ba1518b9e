import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobTransfer, login, ONE_REQUEST_BYTES } from '@keepsake/agent';
import type { BlobHash } from '@keepsake/core';
import { Prng } from '@keepsake/sim';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultProxy } from './fault-proxy.js';
import { ADMIN_PASSWORD, serverForFile } from './households.js';

// A big file's transfer cut halfway, over a real server and a proxy that cuts the connection at
// a chosen byte: the retry sends (or fetches) only what is missing, and what arrives is verified.

const { server } = serverForFile();
const work = mkdtempSync(join(tmpdir(), 'keepsake-resume-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('transfers resume where a cut left them', () => {
  it("uploads from the server's offset and downloads with Range, bit for bit", async () => {
    const proxy = await FaultProxy.start(new URL(server().url), new Prng(7));
    proxy.faulty = false;
    try {
      const { config } = await login({
        server: proxy.url,
        user: 'admin',
        password: ADMIN_PASSWORD,
        deviceName: 'resume',
        configDir: join(work, 'config'),
      });
      const transfer = new BlobTransfer(proxy.url, config.token);
      const bytes = randomBytes(ONE_REQUEST_BYTES + 4 * 1024 * 1024);
      const hash = createHash('sha256').update(bytes).digest('hex') as BlobHash;
      const file = join(work, 'big.jpg');
      writeFileSync(file, bytes);

      let url: string | undefined;
      proxy.cutNext = { request: 'PATCH ', upstream: true, after: 8 * 1024 * 1024 };
      await expect(
        transfer.upload(file, hash, bytes.length, undefined, (u) => {
          url = u;
        }),
      ).rejects.toThrow();
      expect(url).toBeDefined();
      // The retry sends what the server lacks: not the 8 MiB that arrived before the cut.
      const upBefore = proxy.carried.up;
      await transfer.upload(file, hash, bytes.length, url, () => undefined);
      expect(proxy.carried.up - upBefore).toBeLessThan(bytes.length - 4 * 1024 * 1024);

      const target = join(work, 'downloaded');
      proxy.cutNext = { request: 'GET ', upstream: false, after: 6 * 1024 * 1024 };
      await expect(transfer.download(hash, target)).rejects.toThrow();
      expect(statSync(`${target}.part`).size).toBeGreaterThan(0);
      expect(existsSync(target)).toBe(false); // nothing under the final name until verified
      const downBefore = proxy.carried.down;
      await transfer.download(hash, target);
      expect(proxy.carried.down - downBefore).toBeLessThan(bytes.length - 4 * 1024 * 1024);
      expect(readFileSync(target).equals(bytes)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
