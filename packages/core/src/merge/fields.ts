import { compareHlc } from '../clock/hlc.js';
import type { Lww } from '../model/asset.js';
import { applied } from '../ops/outcome.js';
import type { Op } from '../ops/op-schema.js';
import type { MergeRule } from './context.js';
import { findTarget, isOutcome } from './targets.js';

/** Last writer wins by HLC; the same on every replica, whatever order the ops arrive in. */
export function lwwWrite<T>(current: Lww<T> | undefined, value: T, op: Op): Lww<T> | undefined {
  if (current && compareHlc(op.hlc, current.hlc) <= 0) return undefined;
  return { value, hlc: op.hlc, opId: op.opId };
}

export const lostToNote = (winner: Lww<unknown>): string =>
  `kept the newer value from op ${winner.opId}; this one is older and lost`;

export const mergeSetField: MergeRule<'setField'> = ({ library, op }) => {
  const target = findTarget(library, op.payload.assetId);
  if (isOutcome(target)) return target;
  const { fields } = target;
  const { field, value } = op.payload;
  const current = fields[field] as Lww<unknown> | undefined;
  const next = lwwWrite<unknown>(current, value, op);
  if (!next) return applied(lostToNote(current as Lww<unknown>));
  (fields as Record<string, Lww<unknown>>)[field] = next;
  return applied();
};
