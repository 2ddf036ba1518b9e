import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { devicesFor, runSeed } from './run-seed.js';
import { failureReport, shrinkTrace } from './shrink.js';

const HELP = `npm run sim -- [options]

Runs the deterministic simulation: 3–6 devices and a server running Keepsake's real merge
code under a faulty network, clock skew, crashes and re-installs, then checks every
invariant of DESIGN §4 once all devices are quiet.

Options:
  --seeds N      how many seeds to run (default 500)
  --start S      first seed (default 1)
  --seed S       run exactly one seed and print its report (same as --start S --seeds 1)
  --devices K    devices per seed (default: 3–6, chosen by the seed)
  --ops M        user actions per seed (default 200)
  --jobs J       worker threads (default: the number of cores)
  --json         print the summary as JSON
  -h, --help     this text

Exit status: 0 when no seed violates an invariant, 1 otherwise, 2 on bad options.`;

interface Result {
  readonly seed: number;
  readonly violations: string[];
}

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        seeds: { type: 'string' },
        start: { type: 'string' },
        seed: { type: 'string' },
        devices: { type: 'string' },
        ops: { type: 'string' },
        jobs: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const int = (
      name: string,
      raw: string | undefined,
      fallback: number,
      min: number,
      max: number,
    ): number => {
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max)
        throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return n;
    };
    const single = values.seed === undefined ? undefined : int('seed', values.seed, 1, 0, 2 ** 31);
    return {
      help: values.help,
      json: values.json,
      start: single ?? int('start', values.start, 1, 0, 2 ** 31),
      count: single === undefined ? int('seeds', values.seeds, 500, 1, 10_000_000) : 1,
      devices: values.devices === undefined ? undefined : int('devices', values.devices, 3, 1, 12),
      ops: int('ops', values.ops, 200, 1, 100_000),
      jobs: int('jobs', values.jobs, availableParallelism(), 1, 64),
    };
  } catch (error) {
    console.error(`sim: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
}

function runInWorkers(
  seeds: number[],
  ops: number,
  devices: number | undefined,
  jobs: number,
  onResult: (r: Result) => void,
): Promise<void> {
  const lanes = Array.from({ length: Math.min(jobs, seeds.length) }, (_, lane) =>
    seeds.filter((_, i) => i % jobs === lane),
  );
  return Promise.all(
    lanes.map(
      (lane) =>
        new Promise<void>((resolve, reject) => {
          // A worker does not inherit tsx's loader: register it, then load the TypeScript worker.
          const entry = new URL('./sim-worker.ts', import.meta.url).href;
          const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
          const worker = new Worker(boot, {
            eval: true,
            workerData: { seeds: lane, ops, devices },
          });
          worker.on('message', onResult);
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code === 0) resolve();
            else reject(new Error(`a simulation worker exited with code ${code}`));
          });
        }),
    ),
  ).then(() => undefined);
}

async function main(): Promise<void> {
  const options = parse();
  if (options.help) {
    console.log(HELP);
    return;
  }
  const seeds = Array.from({ length: options.count }, (_, i) => options.start + i);
  const failures: Result[] = [];
  let done = 0;
  const started = Date.now();
  const progress = (final = false) => {
    const rate = done / Math.max((Date.now() - started) / 1000, 0.001);
    const eta = Math.round((seeds.length - done) / Math.max(rate, 0.001));
    const line = `${done}/${seeds.length} seeds, ${failures.length} failing, ${rate.toFixed(0)} seeds/s, ETA ${eta}s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else if (final || done % 1000 === 0) console.error(line);
  };
  await runInWorkers(seeds, options.ops, options.devices, options.jobs, (result) => {
    done += 1;
    if (result.violations.length > 0) failures.push(result);
    if (done % 50 === 0) progress();
  });
  progress(true);
  failures.sort((a, b) => a.seed - b.seed);
  for (const failure of failures.slice(0, 3)) {
    const devices = options.devices ?? devicesFor(failure.seed);
    const { trace } = runSeed({ seed: failure.seed, ops: options.ops, devices });
    console.log(
      `\n${failureReport(failure.seed, devices, failure.violations, shrinkTrace(failure.seed, devices, trace))}`,
    );
  }
  if (failures.length > 0) {
    console.log(`\nKeep each failing seed in test/sim/corpus/regressions.json once it is fixed.`);
  }
  const violations = failures.reduce((n, f) => n + f.violations.length, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (options.json) {
    console.log(
      JSON.stringify({
        seeds: seeds.length,
        failingSeeds: failures.map((f) => f.seed),
        violations,
        seconds: Number(seconds),
      }),
    );
  } else {
    console.log(`${seeds.length} seeds, ${violations} violations (${seconds} s)`);
  }
  process.exitCode = failures.length > 0 ? 1 : 0;
}

await main();
