// Benchmark of the library digest (DESIGN §5 `GET digest`): building it for a million assets,
// and comparing two replicas of that size that are equal, or that differ in ten assets.
import { performance } from 'node:perf_hooks';
import {
  LibraryDigest,
  digestRequestSchema,
  findDifferences,
  type DigestRemote,
} from '@keepsake/core';

const ASSETS = 1_000_000;
const UPDATES = 10_000;

export async function benchDigest(): Promise<Record<string, number | string>> {
  const random = mulberry32(0x6b656570); // "keep": the same library on every run
  const entries = Array.from({ length: ASSETS }, (): [string, string] => [
    randomHex(random),
    randomHex(random),
  ]);

  const cpuBefore = process.cpuUsage();
  const buildStart = performance.now();
  const local = LibraryDigest.build(entries);
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const buildCpuSeconds = cpuSeconds(process.cpuUsage(cpuBefore));

  const remote = LibraryDigest.build(entries);
  const equal = await findDifferences(local, overJson(remote));
  if (equal.differing.length > 0) throw new Error('equal replicas reported as different');

  const expected = makeTenDifferences(remote, entries, random);
  const diffStart = performance.now();
  const diff10 = await findDifferences(local, overJson(remote));
  const diffMs = performance.now() - diffStart;
  if (diff10.differing.join() !== expected.join()) {
    throw new Error(`expected differences ${expected.join()}, found ${diff10.differing.join()}`);
  }

  const setStart = performance.now();
  for (let i = 0; i < UPDATES; i++) {
    const [id] = entries[(i * 7919) % ASSETS] ?? ['', ''];
    local.set(id, randomHex(random));
  }
  const setMicros = ((performance.now() - setStart) * 1000) / UPDATES;

  return {
    'digest build 1M (s)': round(buildSeconds, 2),
    'digest build 1M cpu (s)': round(buildCpuSeconds, 2),
    'digest equal exchanges': equal.exchanges,
    'digest equal bytes': equal.bytes,
    'digest diff10 exchanges': diff10.exchanges,
    'digest diff10 bytes': diff10.bytes,
    'digest diff10 time (ms)': round(diffMs, 1),
    'digest set on 1M (µs/op)': round(setMicros, 1),
  };
}

/** Changes the remote in ten assets (4 new states, 3 removed, 3 added); returns their ids. */
function makeTenDifferences(
  remote: LibraryDigest,
  entries: readonly [string, string][],
  random: () => number,
): string[] {
  const changed: string[] = [];
  for (let i = 0; i < 7; i++) {
    const [id] = entries[Math.floor(random() * entries.length)] ?? ['', ''];
    if (i < 4) remote.set(id, randomHex(random));
    else remote.delete(id);
    changed.push(id);
  }
  for (let i = 0; i < 3; i++) {
    const id = randomHex(random);
    remote.set(id, randomHex(random));
    changed.push(id);
  }
  return changed.sort();
}

/** The remote as the server will answer it: every request and response goes through JSON. */
function overJson(digest: LibraryDigest): DigestRemote {
  return (request) => {
    const received = digestRequestSchema.parse(JSON.parse(JSON.stringify(request)) as unknown);
    const answer = digest.answer(received);
    return Promise.resolve(JSON.parse(JSON.stringify(answer)) as unknown);
  };
}

/** A tiny seeded PRNG: SHA-256 would do, but a million ids need only be uniform, not secret. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const HEX_CODES = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/** 64 random lowercase hex digits, as one flat string (as a database driver would return). */
function randomHex(random: () => number): string {
  const codes: number[] = [];
  for (let i = 0; i < 8; i++) {
    const word = Math.floor(random() * 2 ** 32);
    for (let shift = 28; shift >= 0; shift -= 4) codes.push(HEX_CODES[(word >>> shift) & 15] ?? 48);
  }
  return String.fromCharCode(...codes);
}

function cpuSeconds(usage: { user: number; system: number }): number {
  return (usage.user + usage.system) / 1e6;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
