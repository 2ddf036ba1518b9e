// A deterministic stream of ops on the mix a busy library sees: 10% imports of new photos,
// then edits, favorites, album adds and moves of photos already in it.
import {
  asAlbumId,
  asAssetId,
  asOpId,
  sha256Hex,
  type AlbumId,
  type AssetId,
  type BlobHash,
  type DeviceId,
  type Op,
  type OpId,
  type OpPayload,
  type UserId,
  type VersionId,
} from '@keepsake/core';

interface Tracked {
  readonly id: AssetId;
  readonly original: BlobHash;
  readonly takenAt: string;
  version: VersionId;
  path: string;
  /** The op that put the asset at `path`: the placement tag a move takes away. */
  placedBy: OpId;
  /** The stream's count of ops when the asset was imported. */
  readonly bornAt: number;
}

/** A deterministic op stream over a growing set of assets. */
const CAMERA_ROLL_START = Date.parse('2024-05-01T10:00:00+02:00');

export class OpStream {
  readonly assets: Tracked[] = [];
  #n = 0;
  /** How many of `assets` (the oldest) the mix may act on. */
  #settled = 0;

  /**
   * `settleOps`: the mix acts only on assets imported at least that many ops earlier. A client
   * with several batches in flight sends them concurrently, and the server may apply them in
   * any order: an op on a photo imported in a batch still in flight may arrive before it.
   */
  constructor(
    private readonly devices: readonly DeviceId[],
    readonly album: AlbumId = asAlbumId('album-bench-1'),
    private readonly settleOps = 0,
  ) {}

  stamp(payload: OpPayload): Op {
    this.#n += 1;
    const n = this.#n;
    const device = this.devices[n % this.devices.length] ?? this.devices[0];
    if (!device) throw new Error('OpStream needs at least one device');
    return {
      opId: asOpId(`op-${n.toString(36).padStart(8, '0')}`),
      device,
      hlc: { ms: 1_775_000_000_000 + n, counter: 0, node: device },
      knownSeq: n - 1,
      payload,
    };
  }

  createAlbum(owner: UserId): Op {
    return this.stamp({ kind: 'createAlbum', albumId: this.album, owner, name: 'Bench' });
  }

  importNew(): Op {
    const i = this.#n;
    const original = sha256Hex(`bench-photo-${i}`) as BlobHash;
    // A camera roll: a photo every half hour, filed in a folder for the month it was taken in,
    // as photo libraries and exports lay them out (50,000 photos span almost three years).
    const taken = new Date(CAMERA_ROLL_START + i * 30 * 60_000);
    const takenAt = taken.toISOString();
    const month = `${taken.getUTCFullYear()}/${String(taken.getUTCMonth() + 1).padStart(2, '0')}`;
    const path = `${month}/IMG_${i}.HEIC`;
    const op = this.stamp({
      kind: 'import',
      assetId: asAssetId(original),
      resources: { original: { hash: original, size: 2_500_000, ext: 'HEIC' } },
      meta: { takenAt, width: 4032, height: 3024 },
      path,
    });
    this.assets.push({
      id: asAssetId(original),
      original,
      takenAt,
      version: op.opId as string as VersionId,
      path,
      placedBy: op.opId,
      bornAt: this.#n,
    });
    return op;
  }

  /** One op of the busy-library mix: 10% imports, the rest acting on existing assets. */
  next(i: number): Op {
    while ((this.assets[this.#settled]?.bornAt ?? Infinity) <= this.#n - this.settleOps) {
      this.#settled += 1;
    }
    const pick = this.#settled > 0 ? this.assets[(i * 2654435761) % this.#settled] : undefined;
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
        // What an agent reads from the edited file: editors keep the capture time.
        meta: { takenAt: pick.takenAt, width: 4032, height: 3024 },
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
    if (roll < 9) return this.stamp({ kind: 'addToAlbum', albumId: this.album, assetId: pick.id });
    const to = pick.path.replace('IMG_', 'Moved/IMG_');
    const op = this.stamp({
      kind: 'move',
      assetId: pick.id,
      from: pick.path,
      fromTags: [pick.placedBy],
      to,
      context: [],
    });
    pick.path = to;
    pick.placedBy = op.opId;
    return op;
  }
}
