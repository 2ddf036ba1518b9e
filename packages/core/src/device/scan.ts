import type { MediaMeta, Resource, Resources } from '../model/asset.js';
import { resolveAssetId, type Library } from '../model/library.js';
import { joinPath, splitPath } from '../model/library-path.js';
import { orSetTags } from '../model/or-set.js';
import { versionIdOf, type AssetId, type BlobHash } from '../model/ids.js';
import type { MergeRules } from '../merge/context.js';
import type { Op, OpPayload } from '../ops/op-schema.js';
import { fileKind, groupKey } from './file-kinds.js';
import { isLivePair } from '../merge/live-photo.js';
import type { FileFacts, FolderSnapshot, IndexEntry, LocalIndex } from './local-index.js';

/**
 * Turns what changed in a device's folder since its last scan into ops, and the index that
 * results. Pure: the agent and the simulation feed it a snapshot and persist what it returns.
 * Every op is stamped by the caller, and a new version is named by its op at once, so a chain
 * of offline edits on one device is a chain of contexts that never conflicts with itself.
 */
export interface ScanInput {
  readonly folder: FolderSnapshot;
  readonly index: LocalIndex;
  readonly replica: Library;
  readonly rules: MergeRules;
  readonly stamp: (payload: OpPayload) => Op;
  /** Media metadata read from the file's bytes. */
  readonly metaOf: (path: string, hash: BlobHash) => MediaMeta;
}

export interface ScanResult {
  readonly ops: Op[];
  readonly index: LocalIndex;
}

interface Added {
  readonly path: string;
  readonly facts: FileFacts;
}

const resourceOf = (path: string, facts: FileFacts): Resource => ({
  hash: facts.hash,
  size: facts.size,
  ext: splitPath(path).ext,
});

class Scan {
  readonly ops: Op[] = [];
  readonly index: LocalIndex;

  constructor(private readonly input: ScanInput) {
    this.index = new Map(input.index);
  }

  private emit(payload: OpPayload): Op {
    const op = this.input.stamp(payload);
    this.ops.push(op);
    return op;
  }

  private liveAsset(id: AssetId) {
    const asset = this.input.replica.assets.get(resolveAssetId(this.input.replica, id));
    return asset?.lifecycle.state === 'live' ? asset : undefined;
  }

  /** Trashed or purged as far as this device has heard; one it has not heard of is its own pending import. */
  private knownGone(id: AssetId): boolean {
    const asset = this.input.replica.assets.get(resolveAssetId(this.input.replica, id));
    return asset !== undefined && asset.lifecycle.state !== 'live';
  }

  /**
   * Re-points the edited file and the companions beside it on disk at the new version. Other
   * placements of the asset keep their old bytes, so they keep their entries until the plan
   * rewrites them.
   */
  private advanceVersion(
    editedPath: string,
    from: IndexEntry,
    op: Op,
    resources: Resources,
    meta: MediaMeta,
  ): void {
    const group = groupKey(editedPath);
    for (const [path, entry] of this.index) {
      if (
        entry.assetId === from.assetId &&
        entry.versionId === from.versionId &&
        groupKey(path) === group
      ) {
        const role = entry.role;
        const resource =
          role === 'main' ? (resources.render ?? resources.original) : resources[role];
        if (!resource) {
          this.index.delete(path);
          continue;
        }
        this.index.set(path, {
          ...entry,
          hash: resource.hash,
          size: resource.size,
          versionId: versionIdOf(op.opId),
          resources,
          meta,
        });
      }
    }
  }

  private editVersion(path: string, entry: IndexEntry, resources: Resources): void {
    const op = this.emit({
      kind: 'edit',
      assetId: entry.assetId,
      resources,
      meta: entry.meta,
      context: [entry.versionId],
    });
    this.advanceVersion(path, entry, op, resources, entry.meta);
  }

  changed(path: string, entry: IndexEntry, facts: FileFacts): void {
    const resource = {
      ...resourceOf(path, facts),
      ext:
        entry.role === 'main'
          ? (entry.resources.render ?? entry.resources.original).ext
          : splitPath(path).ext,
    };
    if (entry.role === 'main') {
      const { render: _previous, ...rest } = entry.resources;
      // Writing the original's bytes back undoes the edit rather than storing them twice.
      const resources = facts.hash === rest.original.hash ? rest : { ...rest, render: resource };
      this.editVersion(path, entry, resources);
    } else {
      this.editVersion(path, entry, { ...entry.resources, [entry.role]: resource });
    }
  }

  removed(path: string, entry: IndexEntry, folderGroups: Set<string>): void {
    this.index.delete(path);
    const asset = this.liveAsset(entry.assetId);
    if (entry.role !== 'main') {
      // A companion that left with its main file goes with the asset; alone, it leaves the version.
      if (!folderGroups.has(groupKey(path))) return;
      const { [entry.role]: _gone, ...resources } = entry.resources;
      this.editVersion(path, entry, resources);
      return;
    }
    const seen = [...new Set([...(asset?.versions.map((v) => v.id) ?? []), entry.versionId])];
    if (entry.conflictCopy) {
      const keep = asset?.versions.map((v) => v.id).filter((id) => id !== entry.versionId) ?? [];
      if (asset && keep.length > 0) {
        this.emit({ kind: 'resolve', assetId: asset.id, context: [entry.versionId], keep });
      }
      return;
    }
    if (!asset && this.knownGone(entry.assetId)) return;
    // The placement leaves; if it was the last one the server trashes the asset. Its tags are
    // those the replica shows plus the one this device's own unconfirmed op added.
    const confirmed = asset ? orSetTags(asset.paths, entry.placement) : [];
    const fromTags = [
      ...new Set([...confirmed, ...(entry.placementTag ? [entry.placementTag] : [])]),
    ];
    this.emit({
      kind: 'move',
      assetId: entry.assetId,
      from: entry.placement,
      fromTags,
      to: null,
      context: seen,
    });
  }

  moved(from: string, entry: IndexEntry, to: string, facts: FileFacts): void {
    this.index.delete(from);
    const asset = this.liveAsset(entry.assetId);
    const confirmed = asset ? orSetTags(asset.paths, entry.placement) : [];
    const fromTags = [
      ...new Set([...confirmed, ...(entry.placementTag ? [entry.placementTag] : [])]),
    ];
    const context = [...new Set([...(asset?.versions.map((v) => v.id) ?? []), entry.versionId])];
    const op = this.emit({
      kind: 'move',
      assetId: entry.assetId,
      from: entry.placement,
      fromTags,
      to,
      context,
    });
    this.index.set(to, { ...entry, ...facts, placement: to, placementTag: op.opId });
    // Companions that went along keep their version; the plan will put them beside `to`.
    for (const [path, companion] of this.index) {
      if (this.input.folder.has(path)) continue;
      if (
        companion.assetId === entry.assetId &&
        companion.role !== 'main' &&
        groupKey(path) === groupKey(from)
      ) {
        this.index.delete(path);
      }
    }
  }

  /** New files, grouped by folder and base name into one asset's parts. */
  addedGroup(group: Added[]): void {
    const files = group.filter((file) => !this.indexAsKnownCompanion(file));
    const byKind = (kind: string) => files.filter((f) => fileKind(f.path) === kind);
    const [still] = byKind('still');
    const main = still ?? byKind('video')[0] ?? byKind('raw')[0] ?? byKind('other')[0];
    if (!main) {
      this.sidecarOnly(files);
      return;
    }
    if (this.placeCopy(main)) {
      for (const file of files)
        if (file !== main && !this.indexAsKnownCompanion(file)) this.importOrPlace(file, {});
      return;
    }
    const companions: Partial<Record<'live' | 'raw' | 'sidecar', Added>> = {};
    if (still) {
      // A video beside a still is its Live Photo half only if the pairing rule says so.
      const meta = (f: Added) => ({ meta: this.input.metaOf(f.path, f.facts.hash), path: f.path });
      const video = byKind('video').find((v) => isLivePair(meta(still), meta(v)));
      const [raw] = byKind('raw');
      if (video) companions.live = video;
      if (raw) companions.raw = raw;
    }
    const [sidecar] = byKind('sidecar');
    if (sidecar) companions.sidecar = sidecar;
    const used = new Set([main, ...Object.values(companions)]);
    this.importNew(main, companions);
    for (const leftover of files) if (!used.has(leftover)) this.importOrPlace(leftover, {});
  }

  /** A companion whose bytes its main file's version already has (it moved or was copied along). */
  private indexAsKnownCompanion(file: Added): boolean {
    const key = groupKey(file.path);
    for (const [path, entry] of this.index) {
      if (entry.role !== 'main' || groupKey(path) !== key) continue;
      for (const role of ['live', 'raw', 'sidecar'] as const) {
        if (entry.resources[role]?.hash === file.facts.hash) {
          this.index.set(file.path, { ...entry, ...file.facts, role });
          return true;
        }
      }
    }
    return false;
  }

  private sidecarOnly(files: Added[]): void {
    for (const file of files) {
      const owner = this.mainFileBeside(file.path);
      if (!owner) {
        // A sidecar with no photo beside it is still the user's file: it syncs as its own asset.
        this.importNew(file, {});
        continue;
      }
      this.editVersion(file.path, owner, {
        ...owner.resources,
        sidecar: resourceOf(file.path, file.facts),
      });
      const successor = this.mainFileBeside(file.path);
      if (successor) this.index.set(file.path, { ...successor, ...file.facts, role: 'sidecar' });
    }
  }

  /** The indexed main file with the same folder and base name as `path` (as named on disk). */
  private mainFileBeside(path: string): IndexEntry | undefined {
    const key = groupKey(path);
    for (const [candidate, entry] of this.index) {
      if (entry.role === 'main' && groupKey(candidate) === key) return entry;
    }
    return undefined;
  }

  private importOrPlace(
    main: Added,
    companions: Partial<Record<'live' | 'raw' | 'sidecar', Added>>,
  ): void {
    if (!this.placeCopy(main)) this.importNew(main, companions);
  }

  /**
   * A copy of bytes the library already has is one more placement of that asset. A companion
   * copied alone (a Live Photo's video) places the whole asset there, under its main name.
   */
  private placeCopy(file: Added): boolean {
    const existing = this.findByHash(file.facts.hash);
    if (!existing) return false;
    const { dir, base } = splitPath(file.path);
    const mainExt = splitPath(existing.placement).ext;
    const placement = existing.role === 'main' ? file.path : joinPath({ dir, base, ext: mainExt });
    const op = this.emit({ kind: 'place', assetId: existing.assetId, path: placement });
    this.index.set(file.path, {
      ...existing,
      ...file.facts,
      placement,
      conflictCopy: false,
      placementTag: op.opId,
    });
    return true;
  }

  private importNew(
    main: Added,
    companions: Partial<Record<'live' | 'raw' | 'sidecar', Added>>,
  ): void {
    const resources: Resources = {
      original: resourceOf(main.path, main.facts),
      ...Object.fromEntries(
        Object.entries(companions).map(([role, f]) => [role, resourceOf(f.path, f.facts)]),
      ),
    };
    const meta = this.input.metaOf(main.path, main.facts.hash);
    const assetId = this.input.rules.assetIdFor(resources, main.path);
    const op = this.emit({ kind: 'import', assetId, resources, meta, path: main.path });
    const base = {
      assetId,
      versionId: versionIdOf(op.opId),
      resources,
      meta,
      placement: main.path,
      conflictCopy: false,
      placementTag: op.opId,
    };
    this.index.set(main.path, { ...base, ...main.facts, role: 'main' });
    for (const [role, file] of Object.entries(companions)) {
      this.index.set(file.path, { ...base, ...file.facts, role: role as IndexEntry['role'] });
    }
  }

  private findByHash(hash: BlobHash): IndexEntry | undefined {
    for (const entry of this.index.values()) {
      if (entry.hash === hash && !entry.conflictCopy && !this.knownGone(entry.assetId))
        return entry;
    }
    return undefined;
  }
}

export function scanFolder(input: ScanInput): ScanResult {
  const scan = new Scan(input);
  const { folder, index } = input;
  const added: Added[] = [];
  for (const [path, facts] of folder) {
    // The scan's own index, not the input: an earlier edit in this scan may have moved this
    // file's version on, and the next edit must build on that one, not conflict with it.
    const entry = index.has(path) ? scan.index.get(path) : undefined;
    if (!entry) added.push({ path, facts });
    else if (entry.hash !== facts.hash) scan.changed(path, entry, facts);
  }
  const removed = [...index].filter(([path]) => !folder.has(path));
  const folderGroups = new Set([...folder.keys()].map(groupKey));

  // A main file that vanished while a file with its bytes appeared was moved, not re-made.
  const unclaimed = new Map<BlobHash, Added[]>();
  for (const file of added)
    unclaimed.set(file.facts.hash, [...(unclaimed.get(file.facts.hash) ?? []), file]);
  const movedTo = new Set<string>();
  for (const [path, entry] of removed) {
    if (entry.role !== 'main' || entry.conflictCopy) continue;
    const target = unclaimed
      .get(entry.hash)
      ?.find((f) => fileKind(f.path) === fileKind(path) && !movedTo.has(f.path));
    if (!target) continue;
    movedTo.add(target.path);
    scan.moved(path, entry, target.path, target.facts);
  }
  for (const [path] of removed) {
    // The scan's own entry: an edit earlier in this scan may have re-pointed it (a companion
    // deleted with its main file); one a move already took has none and is done.
    const entry = scan.index.get(path);
    if (entry) scan.removed(path, entry, folderGroups);
  }

  const groups = new Map<string, Added[]>();
  for (const file of added) {
    if (movedTo.has(file.path)) continue;
    const key = groupKey(file.path);
    groups.set(key, [...(groups.get(key) ?? []), file]);
  }
  for (const files of groups.values()) scan.addedGroup(files);
  return { ops: scan.ops, index: scan.index };
}
