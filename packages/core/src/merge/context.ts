import type { Op, OpKind, OpOf } from '../ops/op-schema.js';
import type { Outcome } from '../ops/outcome.js';
import type { Library } from '../model/library.js';
import type { AssetId } from '../model/ids.js';
import type { Resources } from '../model/asset.js';

/** What a merge rule gets: the library to change, the op and the seq it is being logged at. */
export interface MergeInput<K extends OpKind> {
  readonly library: Library;
  readonly op: OpOf<K>;
  readonly seq: number;
  readonly rules: MergeRules;
}

export type MergeRule<K extends OpKind> = (input: MergeInput<K>) => Outcome;

/**
 * The merge rules as data: one function per op kind, plus the two identity rules. The
 * defaults are the rules of DESIGN §3; the simulation's mutation tests swap single entries
 * for known-bad ones to prove it would catch them.
 */
export type MergeRules = { readonly [K in OpKind]: MergeRule<K> } & {
  /** The asset id a set of resources belongs to. */
  readonly assetIdFor: (resources: Resources, path: string) => AssetId;
  /** The seq of the op this one repeats, if it was logged before. */
  readonly findDuplicate: (library: Library, op: Op) => number | undefined;
};
