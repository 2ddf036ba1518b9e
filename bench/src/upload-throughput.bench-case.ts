// Benchmark of upload throughput over loopback: the same body sent to a bare node:http server
// that streams it to a file, and to a real `keepsake serve` over tus (one PATCH), which also
// hashes it, fsyncs it and makes it a blob. Side by side in one run: each round uploads to both
// back to back, and the figure is the median of the rounds' own ratios, so that the disk's
// swings between rounds (this machine's: 150-440 MiB/s) cancel out within each pair.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { spawnServer } from '@keepsake/e2e';
import { BENCH_PASSWORD, benchDevice } from './bench-client.js';
import { median } from './stats.js';

const BODY_BYTES = 256 * 1024 * 1024;
const ROUNDS = 9;

async function bareServer(dir: string) {
  let n = 0;
  const server = createServer((request, response) => {
    n += 1;
    pipeline(request, createWriteStream(join(dir, `body-${n}`))).then(
      () => response.writeHead(204).end(),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function timed(send: () => Promise<Response>): Promise<number> {
  // Each upload starts with no dirty pages left by the one before, so neither side pays the
  // other's writeback.
  spawnSync('sync');
  const start = performance.now();
  const response = await send();
  if (response.status !== 204)
    throw new Error(`upload failed: ${response.status} ${await response.text()}`);
  return BODY_BYTES / 2 ** 20 / ((performance.now() - start) / 1000);
}

export async function benchUploadThroughput(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-upload-'));
  const bare = await bareServer(join(dir));
  const keepsake = await spawnServer(join(dir, 'data'), BENCH_PASSWORD);
  try {
    const { token } = await benchDevice(keepsake.url);

    const bareRates: number[] = [];
    const keepsakeRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const body = randomBytes(BODY_BYTES);
      const hash = createHash('sha256').update(body).digest('hex');
      const sendBare = async () => {
        bareRates.push(await timed(() => fetch(bare.url, { method: 'POST', body })));
      };
      // Alternate who goes first, so neither always inherits the other's disk state.
      if (round % 2 === 0) await sendBare();
      const created = await fetch(`${keepsake.url}/api/v1/uploads`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'tus-resumable': '1.0.0',
          'upload-length': String(BODY_BYTES),
          'upload-metadata': `sha256 ${Buffer.from(hash).toString('base64')}`,
        },
      });
      const location = new URL(created.headers.get('location') ?? '', keepsake.url).href;
      keepsakeRates.push(
        await timed(() =>
          fetch(location, {
            method: 'PATCH',
            headers: {
              authorization: `Bearer ${token}`,
              'tus-resumable': '1.0.0',
              'upload-offset': '0',
              'content-type': 'application/offset+octet-stream',
            },
            body,
          }),
        ),
      );
      if (round % 2 === 1) await sendBare();
    }
    const ratios = keepsakeRates.map((rate, i) => rate / (bareRates[i] ?? Infinity));
    return {
      [`upload 256 MiB, bare node:http to disk (MiB/s, median of ${ROUNDS})`]: Math.round(
        median(bareRates),
      ),
      [`upload 256 MiB, keepsake tus + SHA-256 + fsync (MiB/s, median of ${ROUNDS})`]: Math.round(
        median(keepsakeRates),
      ),
      'upload keepsake / bare, same round (%, median of rounds; lowest, highest)': `${Math.round(
        median(ratios) * 100,
      )} (${Math.round(Math.min(...ratios) * 100)}, ${Math.round(Math.max(...ratios) * 100)})`,
    };
  } finally {
    await keepsake.kill('SIGTERM');
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
