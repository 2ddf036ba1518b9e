// Benchmarks of the agent's folder scanner, each against a reference run side by side in the
// same rounds (this machine's speed swings between runs, not within a round):
// - hashing photo-sized files on the worker pool against `openssl dgst -sha256` run as two
//   parallel processes over the same files, with the page cache warm and cold;
// - an idle rescan (nothing changed) against a bare walk + lstat of the same tree by node.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FileFacts, FileHasher, FolderScanner, openAgentState } from '@keepsake/agent';
import { median } from './stats.js';

const ROUNDS = 5;
const HASH_FILES = 128;
const HASH_FILE_BYTES = 8 * 1024 * 1024;
const TREE = 100_000;
const SMALL_TREE = 10_000;
/** Files per folder in the generated trees: a month of a camera roll. */
const PER_FOLDER = 100;

const seconds = async (work: () => Promise<unknown>) => {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
};

/** `count` small files, PER_FOLDER to a folder, under year/month folders. */
function makeTree(root: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const folder = join(
      root,
      String(2000 + Math.floor(i / 1200)),
      `m${String(Math.floor(i / PER_FOLDER))}`,
    );
    if (i % PER_FOLDER === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `IMG_${String(i)}.JPG`), `photo ${String(i)}`);
  }
}

/** The reference: every folder listed, every file lstat'ed, nothing else. */
async function bareWalk(root: string): Promise<number> {
  let files = 0;
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (lstatSync(path).isFile()) files += 1;
    }
  }
  return files;
}

/** Rounds of the reference and the scanner's idle rescan, taking turns. */
async function idleRescan(count: number) {
  const root = mkdtempSync(join(tmpdir(), 'keepsake-tree-'));
  const db = openAgentState(root);
  const hasher = new FileHasher();
  try {
    makeTree(root, count);
    // One scanner for the agent's life, as `keepsake sync` keeps it.
    const scanner = new FolderScanner(root, new FileFacts(db), hasher);
    const scan = async () => {
      const result = await scanner.scan();
      if (result.seen !== count)
        throw new Error(`scanned ${String(result.seen)} of ${String(count)}`);
      return result;
    };
    await scan();
    const bare: number[] = [];
    const ours: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await seconds(() => bareWalk(root)));
      ours.push(
        await seconds(async () => {
          if ((await scan()).hashed !== 0) throw new Error('an idle rescan read a file');
        }),
      );
    }
    return { bare, ours, ratio: median(ours.map((s, i) => s / (bare[i] ?? s))) };
  } finally {
    db.close();
    await hasher.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Both halves of `files` hashed by an openssl process each, at once. */
async function openssl(files: readonly string[]): Promise<void> {
  const half = Math.ceil(files.length / 2);
  await Promise.all(
    [files.slice(0, half), files.slice(half)].map(
      (part) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn('openssl', ['dgst', '-sha256', ...part], { stdio: 'ignore' });
          child.once('error', reject);
          child.once('exit', (code) => {
            if (code === 0) resolve();
            else reject(new Error(`openssl exited ${String(code)}`));
          });
        }),
    ),
  );
}

/** Drops the files' pages from the page cache (GNU dd's nocache), so they are read from disk. */
function dropCache(files: readonly string[]): void {
  for (const file of files)
    spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
}

async function hashing() {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-hash-'));
  const hasher = new FileHasher();
  try {
    const files = Array.from({ length: HASH_FILES }, (_, i) => {
      const file = join(dir, `IMG_${String(i)}.HEIC`);
      writeFileSync(file, randomBytes(HASH_FILE_BYTES));
      return file;
    });
    spawnSync('sync');
    const ours = () => Promise.all(files.map((file) => hasher.hash(file)));
    const mib = (HASH_FILES * HASH_FILE_BYTES) / 2 ** 20;
    const measure = async (cold: boolean) => {
      const reference: number[] = [];
      const keepsake: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Who goes first alternates: the first of a pair may warm or cool the machine.
        for (const which of round % 2 === 0 ? ['openssl', 'keepsake'] : ['keepsake', 'openssl']) {
          if (cold) dropCache(files);
          else await ours(); // warms the cache for whichever comes next
          const s = await seconds(() => (which === 'openssl' ? openssl(files) : ours()));
          (which === 'openssl' ? reference : keepsake).push(s);
        }
      }
      return {
        openssl: mib / median(reference),
        keepsake: mib / median(keepsake),
        percent: 100 * median(reference.map((s, i) => s / (keepsake[i] ?? s))),
      };
    };
    return { warm: await measure(false), cold: await measure(true) };
  } finally {
    await hasher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchAgentScan(): Promise<Record<string, number>> {
  const { warm, cold } = await hashing();
  const big = await idleRescan(TREE);
  const small = await idleRescan(SMALL_TREE);
  const round = (n: number, digits = 0) => Number(n.toFixed(digits));
  return {
    'hashing 1 GiB warm: openssl, two processes (MiB/s, median of 5)': round(warm.openssl),
    'hashing 1 GiB warm: keepsake worker pool (MiB/s, median of 5)': round(warm.keepsake),
    'hashing warm: keepsake / openssl (%, median of rounds)': round(warm.percent),
    'hashing 1 GiB cold: openssl, two processes (MiB/s, median of 5)': round(cold.openssl),
    'hashing 1 GiB cold: keepsake worker pool (MiB/s, median of 5)': round(cold.keepsake),
    'hashing cold: keepsake / openssl (%, median of rounds)': round(cold.percent),
    'idle rescan of 100,000 files: bare walk + lstat (s, median of 5)': round(median(big.bare), 3),
    'idle rescan of 100,000 files: keepsake (s, median of 5)': round(median(big.ours), 3),
    'idle rescan of 100,000 files: keepsake / bare walk (×, median of rounds)': round(big.ratio, 2),
    'idle rescan of 10,000 files: keepsake (s, median of 5)': round(median(small.ours), 3),
  };
}
