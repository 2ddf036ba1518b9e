import {
  asAlbumId,
  asUserId,
  fileKind,
  groupKey,
  orSetTags,
  splitPath,
  type Asset,
  type MediaMeta,
} from '@keepsake/core';
import { Prng } from './prng.js';
import type { SimDevice } from './sim-device.js';
import { START_MS, type World } from './world.js';

// The random history a seed draws: what users do on their devices, and what goes wrong.

export const ACTIONS = [
  'import',
  'importSameBytes',
  'liveHalves',
  'rawPair',
  'edit',
  'move',
  'copy',
  'delete',
  'sidecar',
  'favorite',
  'caption',
  'keyword',
  'album',
  'trash',
  'restore',
  'purge',
  'resolve',
] as const;
export type ActionKind = (typeof ACTIONS)[number];

export const FAULTS = ['partition', 'heal', 'crashDevice', 'crashServer', 'reinstall'] as const;
export type FaultKind = (typeof FAULTS)[number];

export type Step =
  | { readonly t: 'act'; readonly device: number; readonly action: ActionKind; readonly r: number }
  | { readonly t: 'fault'; readonly fault: FaultKind; readonly device: number }
  | { readonly t: 'ticks'; readonly n: number };

const ACTION_WEIGHTS: readonly (readonly [ActionKind, number])[] = [
  ['import', 20],
  ['importSameBytes', 5],
  ['liveHalves', 6],
  ['rawPair', 2],
  ['edit', 12],
  ['move', 6],
  ['copy', 4],
  ['delete', 7],
  ['sidecar', 3],
  ['favorite', 5],
  ['caption', 3],
  ['keyword', 2],
  ['album', 6],
  ['trash', 3],
  ['restore', 4],
  ['purge', 4],
  ['resolve', 4],
];

const FAULT_WEIGHTS: readonly (readonly [FaultKind, number])[] = [
  ['partition', 5],
  ['heal', 4],
  ['crashDevice', 3],
  ['crashServer', 2],
  ['reinstall', 1],
];

/** Draws a seed's history: `ops` user actions, with faults and the passing of time between. */
export function generateTrace(seed: number, devices: number, ops: number): Step[] {
  const prng = new Prng(seed);
  const steps: Step[] = [];
  for (let i = 0; i < ops; i++) {
    steps.push({
      t: 'act',
      device: prng.int(devices),
      action: prng.weighted(ACTION_WEIGHTS),
      r: prng.int(2 ** 31),
    });
    if (prng.chance(0.12))
      steps.push({ t: 'fault', fault: prng.weighted(FAULT_WEIGHTS), device: prng.int(devices) });
    steps.push({ t: 'ticks', n: prng.int(4) });
  }
  return steps;
}

const DIRS = ['2026/04', '2026/05', 'Trip'] as const;

/** Carries out one step of a history in the world. */
export function applyStep(world: World, step: Step): void {
  switch (step.t) {
    case 'ticks':
      for (let i = 0; i < step.n; i++) world.step();
      return;
    case 'fault':
      applyFault(world, step.fault, step.device);
      return;
    case 'act': {
      const device = world.devices[step.device];
      if (device) new Actor(world, device, new Prng(step.r)).run(step.action, step.r);
    }
  }
}

function applyFault(world: World, fault: FaultKind, index: number): void {
  switch (fault) {
    case 'partition':
      world.partitioned.add(index);
      return;
    case 'heal':
      world.partitioned.delete(index);
      return;
    case 'crashDevice':
      world.crashDevice(index);
      return;
    case 'crashServer':
      world.crashServer();
      return;
    case 'reinstall':
      world.devices[index]?.reinstall();
      world.crashDevice(index);
      return;
  }
}

/** One user at one device, choosing with a PRNG of the step's own so steps stand alone. */
class Actor {
  constructor(
    private readonly world: World,
    private readonly device: SimDevice,
    private readonly prng: Prng,
  ) {}

  run(action: ActionKind, r: number): void {
    this[action](r);
    this.device.touched();
  }

  private newPhoto(tag: string, meta: MediaMeta = {}): string {
    return this.world.content.register(`photo:${tag}`, { takenAt: this.takenAt(), ...meta });
  }

  private takenAt(offsetMs = 0): string {
    return new Date(START_MS - this.prng.int(365) * 86_400_000 + offsetMs).toISOString();
  }

  private freshPath(ext: string): string {
    // A small pool of names, so different photos often want the same path.
    return `${this.prng.pick(DIRS) ?? ''}/IMG_${String(this.prng.int(12)).padStart(4, '0')}.${ext}`;
  }

  /** Puts a new file in a folder; a user does not silently overwrite one that is there. */
  private write(device: SimDevice, path: string, bytes: string): void {
    if (device.folder.has(path)) return;
    device.folder.set(path, bytes);
    device.touched();
  }

  /** A main file on this device and its companions (same folder and base name). */
  private pickPhoto(): { path: string; group: string[] } | undefined {
    const mains = [...this.device.folder.keys()].filter(
      (p) => fileKind(p) !== 'sidecar' && !p.includes('~conflict'),
    );
    const path = this.prng.pick(mains.sort());
    if (!path) return undefined;
    const group = [...this.device.folder.keys()].filter(
      (p) => p !== path && groupKey(p) === groupKey(path) && fileKind(p) !== fileKind(path),
    );
    return { path, group };
  }

  private pickAsset(filter: (asset: Asset) => boolean): Asset | undefined {
    const assets = [...this.device.replica.assets.values()]
      .filter(filter)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return this.prng.pick(assets);
  }

  import(r: number): void {
    this.write(
      this.device,
      this.freshPath(this.prng.chance(0.5) ? 'HEIC' : 'JPG'),
      this.newPhoto(`${r}`),
    );
  }

  importSameBytes(r: number): void {
    const bytes = this.newPhoto(`${r}`);
    const path = this.freshPath('JPG');
    const other = this.prng.pick(this.world.devices) ?? this.device;
    this.write(this.device, path, bytes);
    this.write(other, this.prng.chance(0.5) ? path : this.freshPath('JPG'), bytes);
  }

  /** The two halves of a Live Photo, on one device or two, either half first. */
  liveHalves(r: number): void {
    const takenAt = this.takenAt();
    const withId = this.prng.chance(0.5);
    const cid = withId ? { contentId: `cid-${r}` } : {};
    const still = this.world.content.register(`live-still:${r}`, { takenAt, ...cid });
    const video = this.world.content.register(`live-video:${r}`, {
      takenAt: new Date(Date.parse(takenAt) + this.prng.int(900)).toISOString(),
      ...cid,
    });
    const base = this.freshPath('HEIC').replace(/\.HEIC$/, '');
    const other = this.prng.pick(this.world.devices) ?? this.device;
    const [first, second] = this.prng.chance(0.5) ? [still, video] : [video, still];
    this.write(this.device, `${base}.${first === still ? 'HEIC' : 'MOV'}`, first);
    this.write(other, `${base}.${second === still ? 'HEIC' : 'MOV'}`, second);
  }

  rawPair(r: number): void {
    const base = this.freshPath('JPG').replace(/\.JPG$/, '');
    this.write(this.device, `${base}.JPG`, this.newPhoto(`raw-jpg:${r}`));
    this.write(this.device, `${base}.DNG`, this.newPhoto(`raw-dng:${r}`));
  }

  edit(r: number): void {
    const photo = this.pickPhoto();
    if (!photo) return;
    const before = this.device.folder.get(photo.path) ?? '';
    const meta = this.world.content.metaOf(this.world.content.hashOf(before));
    this.device.folder.set(photo.path, this.world.content.register(`${before}|edit:${r}`, meta));
  }

  move(_r: number): void {
    const photo = this.pickPhoto();
    if (!photo) return;
    const { ext } = splitPath(photo.path);
    const to = this.freshPath(ext);
    if (this.device.folder.has(to)) return;
    this.relocate(photo.path, to, true);
    for (const companion of photo.group)
      this.relocate(companion, to.replace(/\.[^.]+$/, `.${splitPath(companion).ext}`), true);
  }

  copy(_r: number): void {
    const photo = this.pickPhoto();
    if (!photo) return;
    const { base, ext } = splitPath(photo.path);
    const dir = this.prng.pick(DIRS) ?? '';
    const to = `${dir}/${base}.${ext}`;
    if (this.device.folder.has(to)) return;
    this.relocate(photo.path, to, false);
    for (const companion of photo.group)
      this.relocate(companion, `${dir}/${base}.${splitPath(companion).ext}`, false);
  }

  private relocate(from: string, to: string, removeSource: boolean): void {
    const bytes = this.device.folder.get(from);
    if (bytes === undefined || this.device.folder.has(to)) return;
    this.device.folder.set(to, bytes);
    if (removeSource) this.device.folder.delete(from);
  }

  delete(_r: number): void {
    const photo = this.pickPhoto();
    if (!photo) return;
    for (const path of [photo.path, ...photo.group]) this.device.folder.delete(path);
  }

  sidecar(r: number): void {
    const photo = this.pickPhoto();
    if (!photo) return;
    this.device.folder.set(photo.path.replace(/\.[^.]+$/, '.XMP'), `xmp:${r}`);
  }

  favorite(_r: number): void {
    const asset = this.pickAsset((a) => a.lifecycle.state === 'live');
    if (asset)
      this.device.submit({
        kind: 'setField',
        assetId: asset.id,
        field: 'favorite',
        value: this.prng.chance(0.6),
      });
  }

  caption(r: number): void {
    const asset = this.pickAsset((a) => a.lifecycle.state === 'live');
    if (asset)
      this.device.submit({
        kind: 'setField',
        assetId: asset.id,
        field: 'caption',
        value: `caption ${r}`,
      });
  }

  keyword(_r: number): void {
    const asset = this.pickAsset((a) => a.lifecycle.state === 'live');
    if (!asset) return;
    const keyword = this.prng.pick(['beach', 'family', 'cat']) ?? 'cat';
    if (asset.keywords.has(keyword) && this.prng.chance(0.5)) {
      this.device.submit({
        kind: 'removeKeyword',
        assetId: asset.id,
        keyword,
        tags: orSetTags(asset.keywords, keyword),
      });
    } else {
      this.device.submit({ kind: 'addKeyword', assetId: asset.id, keyword });
    }
  }

  album(_r: number): void {
    const albumId = asAlbumId(`album-${this.prng.int(2)}x`);
    const album = this.device.replica.albums.get(albumId);
    if (!album) {
      this.device.submit({
        kind: 'createAlbum',
        albumId,
        owner: asUserId('user-one'),
        name: `Album ${albumId}`,
      });
      return;
    }
    const member = this.prng.pick([...album.members.keys()].sort());
    if (member !== undefined && this.prng.chance(0.4)) {
      this.device.submit({
        kind: 'removeFromAlbum',
        albumId,
        assetId: member as Asset['id'],
        tags: orSetTags(album.members, member),
      });
      return;
    }
    const asset = this.pickAsset((a) => a.lifecycle.state === 'live');
    if (asset) this.device.submit({ kind: 'addToAlbum', albumId, assetId: asset.id });
  }

  /** Delete from the app (the web UI's trash button), not from the folder. */
  trash(_r: number): void {
    const asset = this.pickAsset((a) => a.lifecycle.state === 'live');
    if (asset)
      this.device.submit({
        kind: 'trash',
        assetId: asset.id,
        context: asset.versions.map((v) => v.id),
      });
  }

  restore(_r: number): void {
    const asset = this.pickAsset((a) => a.lifecycle.state === 'trashed');
    if (asset) this.device.submit({ kind: 'restore', assetId: asset.id });
  }

  purge(_r: number): void {
    const asset =
      this.pickAsset((a) => a.lifecycle.state === 'trashed') ??
      (this.prng.chance(0.3) ? this.pickAsset((a) => a.lifecycle.state === 'live') : undefined);
    if (asset)
      this.device.submit({
        kind: 'purge',
        assetId: asset.id,
        context: asset.versions.map((v) => v.id),
      });
  }

  resolve(_r: number): void {
    const asset = this.pickAsset((a) => a.lifecycle.state === 'live' && a.versions.length > 1);
    const keep = asset && this.prng.pick(asset.versions);
    if (asset && keep)
      this.device.submit({
        kind: 'resolve',
        assetId: asset.id,
        context: asset.versions.map((v) => v.id),
        keep: [keep.id],
      });
  }
}
