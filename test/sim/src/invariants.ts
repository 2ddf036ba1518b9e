import {
  applyOp,
  blobHashesOf,
  canonicalAssetState,
  createLibrary,
  planFolder,
  resolveAssetId,
  stableStringify,
  type Album,
  type MemoryLibrary,
  type LogEntry,
} from '@keepsake/core';
import type { World } from './world.js';

// DESIGN §4 as code. Each check reads the server's log and the final states independently of
// the merge rules, so a broken rule cannot vouch for itself.

const isApplied = (entry: LogEntry): boolean => entry.outcome.status !== 'rejected';

function canonicalAlbum(album: Album): string {
  return stableStringify({
    id: album.id,
    owner: album.owner,
    name: album.name,
    members: [...album.members.entries()]
      .map(([m, tags]) => [m, [...tags.entries()].sort()])
      .sort(),
    shares: [...album.shares.entries()].sort(),
  });
}

function libraryStates(library: MemoryLibrary): Map<string, string> {
  const states = new Map<string, string>();
  for (const asset of library.assets.values())
    states.set(`asset ${asset.id}`, canonicalAssetState(asset));
  for (const album of library.albums.values())
    states.set(`album ${album.id}`, canonicalAlbum(album));
  return states;
}

function diffStates(a: Map<string, string>, b: Map<string, string>, limit = 3): string[] {
  const diffs: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) diffs.push(key);
    if (diffs.length >= limit) break;
  }
  return diffs;
}

/** Versions that some applied op replaced with its sender's knowledge: the only legitimate way out. */
function supersededWithKnowledge(log: readonly LogEntry[]): Set<string> {
  const ids = new Set<string>();
  for (const entry of log) {
    if (!isApplied(entry)) continue;
    const { payload } = entry.op;
    if (payload.kind === 'edit' || payload.kind === 'purge')
      for (const id of payload.context) ids.add(id);
    if (payload.kind === 'resolve') {
      for (const id of payload.context) if (!payload.keep.includes(id)) ids.add(id);
    }
  }
  return ids;
}

function checkConvergence(world: World, violations: string[]): void {
  const server = world.server.library;
  const serverStates = libraryStates(server);
  const plan = planFolder(server);
  for (const device of world.devices) {
    if (device.cursor !== server.log.head) {
      violations.push(
        `convergence: ${device.id} is at seq ${device.cursor}, server at ${server.log.head}`,
      );
      continue;
    }
    const diffs = diffStates(serverStates, libraryStates(device.replica));
    if (diffs.length > 0)
      violations.push(`convergence: ${device.id} differs from the server on ${diffs.join(', ')}`);
    for (const [path, file] of plan) {
      const bytes = device.folder.get(path);
      if (bytes === undefined)
        violations.push(
          `convergence: ${device.id} lacks ${path} (asset ${file.assetId.slice(0, 8)}, ${file.role})`,
        );
      else if (world.content.hashOf(bytes) !== file.hash)
        violations.push(`convergence: ${device.id} has other bytes at ${path}`);
    }
    for (const path of device.folder.keys()) {
      if (!plan.has(path))
        violations.push(
          `no duplicates: ${device.id} holds ${path}, which is neither a placement nor a conflict copy`,
        );
    }
  }
}

function checkNoLoss(world: World, replay: MemoryLibrary, violations: string[]): void {
  const library = world.server.library;
  const legit = supersededWithKnowledge(library.log.entries);
  // Every version that ever existed, with its bytes, found by replaying the log op by op.
  const made: { id: string; assetId: string; seq: number; hashes: string[] }[] = [];
  const known = new Set<string>();
  for (const entry of library.log.entries) {
    applyOp(replay, entry.op, world.rules);
    const { payload } = entry.op;
    if (!('assetId' in payload)) continue;
    const target = replay.assets.get(resolveAssetId(replay, payload.assetId));
    for (const version of target?.versions ?? []) {
      if (known.has(version.id)) continue;
      known.add(version.id);
      made.push({
        id: version.id,
        assetId: target?.id ?? '',
        seq: entry.seq,
        hashes: blobHashesOf(version.resources),
      });
    }
  }
  const current = new Set<string>(
    [...library.assets.values()].flatMap((a) => a.versions.map((v) => v.id)),
  );
  // A version is accounted for if it is current, was replaced by an op that saw it, or lives
  // on inside a later version that holds all its bytes (a Live Photo half joining its pair).
  const memo = new Map<number, boolean>();
  const accounted = (i: number): boolean => {
    const cached = memo.get(i);
    if (cached !== undefined) return cached;
    const v = made[i];
    memo.set(i, false);
    const ok =
      v !== undefined &&
      (current.has(v.id) ||
        legit.has(v.id) ||
        made.some((w, j) => j > i && v.hashes.every((h) => w.hashes.includes(h)) && accounted(j)));
    memo.set(i, ok);
    return ok;
  };
  made.forEach((v, i) => {
    if (!accounted(i)) {
      violations.push(
        `no loss: version ${v.id} of ${v.assetId.slice(0, 8)} (seq ${v.seq}) is gone, though no op that saw it replaced it`,
      );
    }
  });
  for (const asset of library.assets.values()) {
    for (const version of asset.versions) {
      for (const resource of Object.values(version.resources)) {
        if (!resource) continue;
        const bytes = world.server.blobs.get(resource.hash);
        if (bytes === undefined || world.content.hashOf(bytes) !== resource.hash) {
          violations.push(
            `no loss: blob ${resource.hash.slice(0, 8)} of ${asset.id.slice(0, 8)} is missing or damaged on the server`,
          );
        }
      }
    }
    if (asset.lifecycle.state === 'trashed') {
      const trash = library.log.entries[asset.lifecycle.seq - 1];
      const payload = trash?.op.payload;
      const seen = new Set<string>(
        payload && (payload.kind === 'trash' || payload.kind === 'move') ? payload.context : [],
      );
      const unseen = asset.versions.filter((v) => !seen.has(v.id));
      if (unseen.length > 0)
        violations.push(
          `no loss: ${asset.id.slice(0, 8)} is in the trash with versions its trash never saw (${unseen.map((v) => v.id).join(', ')})`,
        );
    }
  }
}

function checkNoDuplicates(world: World, violations: string[]): void {
  const owners = new Map<string, string>();
  for (const asset of world.server.library.assets.values()) {
    if (asset.lifecycle.state !== 'live') continue;
    for (const version of asset.versions) {
      for (const resource of [version.resources.original, version.resources.live]) {
        if (!resource) continue;
        const owner = owners.get(resource.hash);
        if (owner !== undefined && owner !== asset.id) {
          violations.push(
            `no duplicates: bytes ${resource.hash.slice(0, 8)} are live in ${owner.slice(0, 8)} and ${asset.id.slice(0, 8)}`,
          );
        }
        owners.set(resource.hash, asset.id);
      }
    }
  }
}

function checkNoResurrection(world: World, violations: string[]): void {
  const library = world.server.library;
  const lastPurge = new Map<string, number>();
  const imports = new Map<string, { seq: number; knownSeq: number }[]>();
  for (const entry of library.log.entries) {
    if (!isApplied(entry)) continue;
    const { payload } = entry.op;
    if (
      payload.kind === 'purge' &&
      !('note' in entry.outcome && entry.outcome.note === 'already purged')
    ) {
      lastPurge.set(resolveAssetId(library, payload.assetId), entry.seq);
    }
    if (payload.kind === 'import') {
      const id = resolveAssetId(library, payload.assetId);
      imports.set(id, [
        ...(imports.get(id) ?? []),
        { seq: entry.seq, knownSeq: entry.op.knownSeq },
      ]);
    }
  }
  for (const [id, purgeSeq] of lastPurge) {
    const asset = library.assets.get(id as never);
    if (asset?.lifecycle.state === 'purged' || asset === undefined) continue;
    const deliberate = (imports.get(id) ?? []).some(
      (i) => i.seq > purgeSeq && i.knownSeq >= purgeSeq,
    );
    if (!deliberate)
      violations.push(
        `no resurrection: ${id.slice(0, 8)} was purged at seq ${purgeSeq} and is ${asset.lifecycle.state} again without a deliberate re-import`,
      );
  }
}

function checkNoSilentDrop(world: World, violations: string[]): void {
  const logged = new Set<string>(world.server.library.log.entries.map((e) => e.op.opId));
  for (const opId of world.submitted.keys()) {
    if (!logged.has(opId) && !world.abandoned.has(opId))
      violations.push(`no silent drop: op ${opId} was submitted but is not in the log`);
  }
}

function checkBitExactAndAttributable(
  world: World,
  replay: MemoryLibrary,
  violations: string[],
): void {
  const library = world.server.library;
  const legit = supersededWithKnowledge(library.log.entries);
  const appliedOps = new Set<string>(library.log.entries.filter(isApplied).map((e) => e.op.opId));
  for (const asset of library.assets.values()) {
    for (const version of asset.versions) {
      if (version.resources.original.hash !== (asset.id as string)) {
        violations.push(
          `bit-exact: ${asset.id.slice(0, 8)} holds original ${version.resources.original.hash.slice(0, 8)}, not the bytes its id names`,
        );
      }
      if (legit.has(version.id))
        violations.push(
          `attributable: ${asset.id.slice(0, 8)} still shows version ${version.id}, which an applied op replaced (a ghost)`,
        );
      if (!appliedOps.has(version.id) && !appliedOps.has(version.id.replace(/_\d+$/, ''))) {
        violations.push(
          `attributable: version ${version.id} of ${asset.id.slice(0, 8)} comes from no applied op`,
        );
      }
    }
  }
  const diffs = diffStates(libraryStates(library), libraryStates(replay));
  if (diffs.length > 0)
    violations.push(`attributable: replaying the log does not rebuild ${diffs.join(', ')}`);
}

export function checkInvariants(world: World): string[] {
  const violations = [...world.problems];
  checkConvergence(world, violations);
  // One replay of the log from nothing serves two checks: the versions that ever existed,
  // and that the log alone rebuilds the state.
  const replay = createLibrary();
  checkNoLoss(world, replay, violations);
  checkNoDuplicates(world, violations);
  checkNoResurrection(world, violations);
  checkNoSilentDrop(world, violations);
  checkBitExactAndAttributable(world, replay, violations);
  return violations;
}
