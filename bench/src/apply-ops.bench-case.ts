// Benchmark of the merge rules in memory: how many ops one core applies per second to a
// library that already holds 100,000 assets, on the mix a busy library sees (edits,
// favorites, album adds, moves, new imports).
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  applyOp,
  asAlbumId,
  asAssetId,
  asDeviceId,
  asOpId,
  asUserId,
  createLibrary,
  sha256Hex,
  type AssetId,
  type BlobHash,
  type MemoryLibrary,
  type Op,
  type OpPayload,
  type VersionId,
} from '@keepsake/core';

const LIBRARY_ASSETS = 100_000;
const MEASURED_OPS = 200_000;
const ROUNDS = 5;
const DEVICES = [asDeviceId('laptop0001'), asDeviceId('phone00001'), asDeviceId('desktop001')];
const ALBUM = asAlbumId('album-bench-1');

interface Tracked {
  readonly id: AssetId;
  readonly original: BlobHash;
  version: VersionId;
  path: string;
}

/** A deterministic op stream over a growing set of assets. */
class OpStream {
  readonly assets: Tracked[] = [];
  #n = 0;

  stamp(payload: OpPayload): Op {
    this.#n += 1;
    const n = this.#n;
    const device = DEVICES[n % DEVICES.length] ?? asDeviceId('laptop0001');
    return {
      opId: asOpId(`op-${n.toString(36).padStart(8, '0')}`),
      device,
      hlc: { ms: 1_775_000_000_000 + n, counter: 0, node: device },
      knownSeq: n - 1,
      payload,
    };
  }

  importNew(): Op {
    const i = this.#n;
    const original = sha256Hex(`bench-photo-${i}`) as BlobHash;
    const path = `${2000 + (i % 26)}/${String(1 + (i % 12)).padStart(2, '0')}/IMG_${i}.HEIC`;
    const op = this.stamp({
      kind: 'import',
      assetId: asAssetId(original),
      resources: { original: { hash: original, size: 2_500_000, ext: 'HEIC' } },
      meta: { takenAt: '2024-05-01T10:00:00+02:00', width: 4032, height: 3024 },
      path,
    });
    this.assets.push({
      id: asAssetId(original),
      original,
      version: op.opId as string as VersionId,
      path,
    });
    return op;
  }

  /** One op of the busy-library mix: 10% imports, the rest acting on existing assets. */
  next(i: number): Op {
    const pick = this.assets[(i * 2654435761) % this.assets.length];
    const roll = i % 10;
    if (!pick || roll === 0) return this.importNew();
    if (roll < 4) {
      const render = sha256Hex(`bench-render-${i}`) as BlobHash;
      const op = this.stamp({
        kind: 'edit',
        assetId: pick.id,
        resources: {
          original: { hash: pick.original, size: 2_500_000, ext: 'HEIC' },
          render: { hash: render, size: 1_800_000, ext: 'HEIC' },
        },
        meta: {},
        context: [pick.version],
      });
      pick.version = op.opId as string as VersionId;
      return op;
    }
    if (roll < 7)
      return this.stamp({
        kind: 'setField',
        assetId: pick.id,
        field: 'favorite',
        value: i % 3 === 0,
      });
    if (roll < 9) return this.stamp({ kind: 'addToAlbum', albumId: ALBUM, assetId: pick.id });
    const to = pick.path.replace('IMG_', 'Moved/IMG_');
    const op = this.stamp({
      kind: 'move',
      assetId: pick.id,
      from: pick.path,
      fromTags: [],
      to,
      context: [],
    });
    pick.path = to;
    return op;
  }
}

function populatedLibrary(stream: OpStream): MemoryLibrary {
  const library = createLibrary();
  applyOp(
    library,
    stream.stamp({
      kind: 'createAlbum',
      albumId: ALBUM,
      owner: asUserId('user-bench'),
      name: 'Bench',
    }),
  );
  for (let i = 0; i < LIBRARY_ASSETS; i++) applyOp(library, stream.importNew());
  return library;
}

function oneRound(): number {
  const stream = new OpStream();
  const library = populatedLibrary(stream);
  const ops = Array.from({ length: MEASURED_OPS }, (_, i) => stream.next(i));
  // Settle the heap first, so the timing measures the merge rather than the garbage collector
  // promoting the freshly made input ops.
  collectGarbage();
  const start = performance.now();
  for (const op of ops) applyOp(library, op);
  const seconds = (performance.now() - start) / 1000;
  const rejected = library.log.entries.filter((e) => e.outcome.status === 'rejected').length;
  if (rejected > 0)
    throw new Error(`${rejected} ops of the benchmark mix were rejected; the mix is wrong`);
  return MEASURED_OPS / seconds;
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export function benchApplyOps(): Record<string, number> {
  oneRound(); // warm the JIT
  const rates = Array.from({ length: ROUNDS }, oneRound).sort((a, b) => a - b);
  return {
    'apply ops in memory, median of 5 (ops/s)': Math.round(rates[Math.floor(ROUNDS / 2)] ?? 0),
    'apply ops in memory, slowest of 5 (ops/s)': Math.round(rates[0] ?? 0),
  };
}
