// Benchmark of op ingest on the embedded server: batches of 500 ops POSTed over loopback HTTP
// to a real `keepsake serve` process (SQLite, synchronous=FULL), first importing a library,
// then the busy-library mix on top of it. Every batch is durable before it is answered (batches
// that wait together share a commit). The client runs in this process, the server in its own,
// as on a real network. The same ops are also given to the SQLite store alone, in this process:
// the difference is what HTTP, validation and the store's thread cost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { asDeviceId, type DeviceId, type Op, type UserId } from '@keepsake/core';
import { spawnServer } from '@keepsake/e2e';
import { BENCH_PASSWORD, benchDevice, postBody } from './bench-client.js';
import { recordStandInBlobs, standInBlobs } from './stand-in-blobs.js';
import { ANY_TIME, BENCH_LIBRARY, openBenchStore } from './bench-store.js';
import { OpStream } from './op-stream.js';
import { cpuPerOp, threadCpuMs } from './process-cpu.js';
import { median } from './stats.js';

const LIBRARY = 50_000;
const MIXED = 100_000;
const BATCH = 500;
// Four batches in flight: a device's agent working through a backlog pipelines its batches, and
// several devices upload at once. With two, the store's thread sat idle between batches, waiting
// for the next one's round trip (send, parse, validate), and the figure measured that wait.
const IN_FLIGHT = 4;
/** Runs of each measure; this machine's speed swings by half between runs, so medians. */
const RUNS = 3;

/** A camera roll of LIBRARY imports, then MIXED ops of the busy mix, after the album they use. */
function libraryThenMix(library: UserId, device: DeviceId) {
  const stream = new OpStream([device], undefined, IN_FLIGHT * BATCH);
  const album = [stream.createAlbum(library)];
  const imports = Array.from({ length: LIBRARY }, () => stream.importNew());
  const mixed = Array.from({ length: MIXED }, (_, i) => stream.next(i));
  return { album, imports, mixed, all: [...album, ...imports, ...mixed] };
}

/**
 * Ops per second of submitting `ops` in batches, `inFlight` batches at a time. Each batch is
 * prepared before the clock starts: what a client does before sending (serialising) runs on
 * the device, not on the server, but here it would take the server's cores.
 */
async function timedBatches<P>(
  ops: readonly Op[],
  inFlight: number,
  prepare: (batch: Op[]) => P,
  submit: (prepared: P) => Promise<void>,
): Promise<number> {
  const batches = Array.from({ length: Math.ceil(ops.length / BATCH) }, (_, i) =>
    prepare(ops.slice(i * BATCH, (i + 1) * BATCH)),
  );
  const send = async () => {
    for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) {
      await submit(batch);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, send));
  return ops.length / ((performance.now() - start) / 1000);
}

/** The SQLite store alone, in this process, one batch at a time. */
async function storeAlone(): Promise<{ imports: number; mixed: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-store-'));
  const store = await openBenchStore(dir);
  try {
    const ops = libraryThenMix(BENCH_LIBRARY, asDeviceId('device-bench'));
    await store.addLibraryBlobs(BENCH_LIBRARY, standInBlobs(ops.all), 0);
    const ingest = (phase: Op[]) =>
      timedBatches(
        phase,
        1,
        (batch) => batch,
        async (batch) => {
          await store.submitOps(BENCH_LIBRARY, batch, ANY_TIME);
        },
      );
    await ingest(ops.album);
    return { imports: await ingest(ops.imports), mixed: await ingest(ops.mixed) };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One server, fresh: a library imported over HTTP, then the busy mix on top of it. */
async function overHttp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepsake-bench-'));
  let server = await spawnServer(dataDir, BENCH_PASSWORD);
  try {
    const { library, device, token } = await benchDevice(server.url);
    const ops = libraryThenMix(library, device);
    await server.kill('SIGTERM');
    await recordStandInBlobs(dataDir, library, ops.all);
    server = await spawnServer(dataDir, BENCH_PASSWORD);
    const pid = server.child.pid ?? 0;
    const { url } = server;
    const ingest = async (phase: Op[]) => {
      const answers: string[] = [];
      const cpuBefore = threadCpuMs(pid);
      const opsPerSecond = await timedBatches(
        phase,
        IN_FLIGHT,
        (batch) => Buffer.from(JSON.stringify({ ops: batch })),
        async (body) => {
          answers.push(await postBody(url, '/api/v1/ops', body, token));
        },
      );
      for (const answer of answers) {
        const { results } = JSON.parse(answer) as { results: { status: string }[] };
        const refused = results.find((r) => r.status === 'rejected' || r.status === 'retry');
        if (refused) throw new Error(`the bench mix was refused: ${JSON.stringify(refused)}`);
      }
      return { opsPerSecond, cpu: cpuPerOp(pid, cpuBefore, threadCpuMs(pid), phase.length) };
    };
    await ingest(ops.album);
    return { imports: await ingest(ops.imports), mixed: await ingest(ops.mixed) };
  } finally {
    await server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchServerIngest(): Promise<Record<string, number>> {
  const runs: Awaited<ReturnType<typeof overHttp>>[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await overHttp());
  const alone: Awaited<ReturnType<typeof storeAlone>>[] = [];
  for (let run = 0; run < RUNS; run++) alone.push(await storeAlone());
  const mid = (pick: (run: (typeof runs)[number]) => number) => Math.round(median(runs.map(pick)));
  const aloneMid = (pick: (run: (typeof alone)[number]) => number) =>
    Math.round(median(alone.map(pick)));
  return {
    [`ingest over HTTP, imports into an empty library (ops/s, median of ${RUNS})`]: mid(
      (r) => r.imports.opsPerSecond,
    ),
    [`ingest over HTTP, busy mix on 50,000 assets (ops/s, median of ${RUNS})`]: mid(
      (r) => r.mixed.opsPerSecond,
    ),
    // Where the time goes: a server's ops/s can be no more than 1,000,000 over its store
    // thread's µs per op, and its threads together share the cores with this client.
    'server CPU, imports (µs per op, all threads)': mid((r) => r.imports.cpu.total),
    'server CPU, imports (µs per op, store thread)': mid((r) => r.imports.cpu.busiestWorker),
    'server CPU, busy mix (µs per op, all threads)': mid((r) => r.mixed.cpu.total),
    'server CPU, busy mix (µs per op, store thread)': mid((r) => r.mixed.cpu.busiestWorker),
    [`SQLite store alone, imports (ops/s, median of ${RUNS})`]: aloneMid((r) => r.imports),
    [`SQLite store alone, busy mix (ops/s, median of ${RUNS})`]: aloneMid((r) => r.mixed),
  };
}
