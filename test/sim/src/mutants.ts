import {
  defaultRules,
  sha256Hex,
  splitPath,
  type AssetId,
  type MemoryLibrary,
  type MergeRules,
  type Version,
} from '@keepsake/core';

// Known-bad merge rules, each one of the failures Keepsake exists to prevent. The simulation
// must catch every one of them: a simulation that passes them has no teeth.

const compareHlcMs = (
  a: { ms: number; counter: number },
  b: { ms: number; counter: number },
): number => a.ms - b.ms || a.counter - b.counter;

export const MUTANTS = {
  /** (a) A re-sent op with a newer timestamp is taken for a duplicate of an earlier one and dropped. */
  'resend-dropped-as-duplicate': {
    ...defaultRules,
    findDuplicate: (library, op) => {
      const same = library.log.seqOf(op.opId);
      if (same !== undefined) return same;
      const target = 'assetId' in op.payload ? op.payload.assetId : undefined;
      for (let seq = library.log.head; seq >= 1; seq--) {
        const earlier = library.log.entry(seq);
        if (!earlier) continue;
        const p = earlier.op.payload;
        if (
          earlier.op.device === op.device &&
          p.kind === op.payload.kind &&
          'assetId' in p &&
          p.assetId === target
        )
          return earlier.seq;
      }
      return undefined;
    },
  },
  /** (b) Content merged by wall-clock last-writer-wins instead of causality. */
  'content-by-wall-clock': {
    ...defaultRules,
    edit: (input) => {
      const { library, op } = input;
      const asset = library.assets.get(op.payload.assetId);
      const stampOf = (v: Version) => library.log.entry(v.seq)?.op.hlc ?? { ms: 0, counter: 0 };
      if (asset && asset.versions.some((v) => compareHlcMs(stampOf(v), op.hlc) > 0)) {
        return { status: 'applied', note: 'older by the clock: discarded' };
      }
      const outcome = defaultRules.edit(input);
      if (asset && outcome.status !== 'rejected') asset.versions = asset.versions.slice(-1);
      return outcome;
    },
  },
  /** (c) Delete beats a concurrent edit. */
  'delete-beats-edit': {
    ...defaultRules,
    trash: (input) => {
      const { library, op, seq } = input;
      const asset = library.assets.get(op.payload.assetId);
      if (!asset || asset.lifecycle.state !== 'live') return defaultRules.trash(input);
      asset.lifecycle = { state: 'trashed', seq, by: op.device, hlc: op.hlc };
      return { status: 'applied' };
    },
    // Deleting the last file trashes the asset whatever its sender had not seen.
    move: (input) => {
      const asset = input.library.assets.get(input.op.payload.assetId);
      const everything = asset?.versions.map((v) => v.id) ?? [];
      return defaultRules.move({
        ...input,
        op: { ...input.op, payload: { ...input.op.payload, context: everything } },
      });
    },
    edit: (input) => {
      const asset = input.library.assets.get(input.op.payload.assetId);
      const wasTrashed = asset?.lifecycle;
      const outcome = defaultRules.edit(input);
      if (asset && wasTrashed?.state === 'trashed') asset.lifecycle = wasTrashed;
      return outcome;
    },
  },
  /** (d) Tombstones forgotten: a purge deletes the record, so a stale device brings it back. */
  'tombstones-forgotten': {
    ...defaultRules,
    purge: (input) => {
      const outcome = defaultRules.purge(input);
      // The simulation's libraries live in memory; the rules' narrow tables have no delete.
      const assets = (input.library as MemoryLibrary).assets;
      if (outcome.status === 'applied') assets.delete(input.op.payload.assetId);
      return outcome;
    },
  },
  /** (e) Assets deduplicated by file name instead of content. */
  'dedupe-by-file-name': {
    ...defaultRules,
    assetIdFor: (_resources, path) =>
      sha256Hex(`name:${splitPath(path).base.toLowerCase()}`) as AssetId,
  },
  /** (f) An edit leaves the pre-edit record behind: a ghost. */
  'edit-leaves-ghost': {
    ...defaultRules,
    edit: (input) => {
      const asset = input.library.assets.get(input.op.payload.assetId);
      const before = asset?.versions ?? [];
      const outcome = defaultRules.edit(input);
      if (asset && outcome.status !== 'rejected') {
        const kept = new Set(asset.versions.map((v) => v.id));
        asset.versions = [...before.filter((v) => !kept.has(v.id)), ...asset.versions];
      }
      return outcome;
    },
  },
} satisfies Record<string, MergeRules>;

export type MutantName = keyof typeof MUTANTS;
