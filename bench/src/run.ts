// `npm run bench`: runs every benchmark and writes the figures, with the machine they ran on,
// to docs/PERF.md. Figures are medians where a case repeats; machine noise is real, so compare
// ratios and trends rather than single numbers.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchAgentLatency } from './agent-latency.bench-case.js';
import { benchAgentMemory } from './agent-memory.bench-case.js';
import { benchAgentScan } from './agent-scan.bench-case.js';
import { benchAgentVsSyncthing } from './agent-vs-syncthing.bench-case.js';
import { benchApplyOps } from './apply-ops.bench-case.js';
import { benchDigest } from './digest.bench-case.js';
import { benchFeedCatchUp } from './feed-catch-up.bench-case.js';
import { benchServerIngest } from './server-ingest.bench-case.js';
import { benchUploadThroughput } from './upload-throughput.bench-case.js';
import { benchWebTimeline } from './web-timeline.bench-case.js';

interface Case {
  readonly name: string;
  readonly target: string;
  readonly run: () => Promise<Record<string, number | string>> | Record<string, number | string>;
}

const CASES: readonly Case[] = [
  { name: 'Merge rules', target: '≥ 200,000 ops/s on one core', run: benchApplyOps },
  {
    name: 'Library digest',
    target: 'build 1M assets < 5 s; 10 differences among 1M in ≤ 25 exchanges and < 64 KiB',
    run: benchDigest,
  },
  {
    name: 'Upload throughput over loopback',
    target: '≥ 80% of a bare node:http server writing the same body to disk, side by side',
    run: benchUploadThroughput,
  },
  {
    name: 'Server op ingest (SQLite)',
    target: '≥ 20,000 ops/s in batches of 500',
    run: benchServerIngest,
  },
  {
    name: 'New device catching up',
    target: '1,000,000-op change feed in < 60 s; server RSS < 400 MiB',
    run: benchFeedCatchUp,
  },
  {
    name: 'Agent: folder scan',
    target:
      'hashing ≥ 90% of openssl dgst -sha256 as two parallel processes, warm and cold; idle rescan of 100,000 files within 1.5× of a bare walk + lstat; 10,000 files < 0.1 s',
    run: benchAgentScan,
  },
  {
    name: 'Agent: one new photo to another device',
    target:
      'median < 300 ms from the file closed on A to it verified on B (loopback, push on); with push off, within the 30 s poll interval',
    run: benchAgentLatency,
  },
  {
    name: 'Agent: memory with 1,000,000 indexed files',
    target: 'peak RSS < 250 MiB',
    run: benchAgentMemory,
  },
  {
    name: 'Agent: end to end against Syncthing',
    target:
      "10,000 photo-sized files (~6 GB) from appearing in A until all on B: half of Syncthing's time, never slower; CPU seconds beside Syncthing's",
    run: benchAgentVsSyncthing,
  },
  {
    name: 'Web timeline',
    target:
      '100,000 photos: first timeline paint < 1.5 s and a year back with the scrubber < 1 s, in headless Chromium',
    run: benchWebTimeline,
  },
];

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

const PERF_MD = new URL('../../docs/PERF.md', import.meta.url);

const HEADER = [
  '# Performance',
  '',
  'Written by `npm run bench`; do not edit by hand. Each section says what it measures in',
  'its source under `bench/src/`, and on which machine and when it last ran:',
  '`npm run bench -- --only <name>` runs again only the cases whose name holds <name>.',
  '',
  'Machines of the same kind differ a lot: the same merge code measured 155,000–170,000 ops/s',
  '(digest build 1.85 s) on one and about 300,000 ops/s (1.06 s) on another. Compare figures',
  'from one run, and ratios measured side by side, rather than numbers across runs.',
  '',
].join('\n');

/** The sections of the current PERF.md by case name, to keep those not run this time. */
function existingSections(): Map<string, string> {
  const sections = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(PERF_MD, 'utf8');
  } catch {
    return sections;
  }
  for (const part of text.split(/^(?=## )/m).slice(1)) {
    const name = /^## (.+)$/m.exec(part)?.[1];
    if (name) sections.set(name, part.trimEnd());
  }
  return sections;
}

async function main(): Promise<void> {
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
  const chosen = CASES.filter((c) => only === undefined || c.name.includes(only));
  if (chosen.length === 0) throw new Error(`no benchmark is named like "${String(only)}"`);
  const sections = existingSections();
  for (const c of chosen) {
    process.stderr.write(`running ${c.name}…\n`);
    // Each case starts with no dirty pages left by the one before (the upload case leaves GBs).
    spawnSync('sync');
    const figures = await c.run();
    const rows = Object.entries(figures).map(
      ([k, v]) => `| ${k} | ${typeof v === 'number' ? v.toLocaleString('en-US') : v} |`,
    );
    sections.set(
      c.name,
      [
        `## ${c.name}`,
        '',
        `Target: ${c.target}.`,
        '',
        `Ran ${new Date().toISOString()} on ${machine()}.`,
        '',
        '| figure | value |',
        '|---|---|',
        ...rows,
      ].join('\n'),
    );
    console.log(c.name, figures);
  }
  const ordered = CASES.flatMap((c) => {
    const section = sections.get(c.name);
    return section ? [section, ''] : [];
  });
  writeFileSync(PERF_MD, [HEADER, ...ordered].join('\n'));
  process.stderr.write('wrote docs/PERF.md\n');
}

await main();
