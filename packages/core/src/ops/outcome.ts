import type { BlobHash, VersionId } from '../model/ids.js';
import type { Op } from './op-schema.js';

export const REJECT_REASONS = [
  /** The asset was purged and the sender had not seen that: no resurrection. */
  'purged',
  /** The asset (or album) does not exist in this library. */
  'unknown-target',
  /** The op needs a live asset (or album member) and the target is not one. */
  'not-live',
  /** The op would throw away a version its sender had not seen: new work wins. */
  'concurrent-edit',
  /** Originals are bit-exact forever: an edit may not change them. */
  'original-changed',
  /** The op names versions or paths the asset does not have. */
  'stale',
  /** The op's asset id is not the one its content derives. */
  'id-mismatch',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What became of an op: every op in the log has exactly one, recorded with it. */
export type Outcome =
  | { readonly status: 'applied'; readonly note?: string }
  | { readonly status: 'merged'; readonly note: string; readonly siblings: readonly VersionId[] }
  | { readonly status: 'rejected'; readonly reason: RejectReason; readonly message: string };

/** The reply to one submitted op: its outcome at its seq, or the first outcome for a retry. */
export type Reply =
  | (Outcome & { readonly seq: number })
  | { readonly status: 'duplicate'; readonly seq: number; readonly first: Outcome };

/** Refused before the op was logged; the device keeps it and sends it again later. */
export type RetryLater =
  | { readonly status: 'retry'; readonly reason: 'clock-ahead'; readonly message: string }
  | {
      readonly status: 'retry';
      readonly reason: 'missing-blob';
      readonly message: string;
      readonly missing: readonly BlobHash[];
    };

export interface LogEntry {
  readonly seq: number;
  readonly op: Op;
  readonly outcome: Outcome;
}

const APPLIED: Outcome = Object.freeze({ status: 'applied' });

/** The common outcome is one shared frozen object: an op log of millions need not hold millions of copies. */
export const applied = (note?: string): Outcome =>
  note === undefined ? APPLIED : { status: 'applied', note };

export const rejected = (reason: RejectReason, message: string): Outcome => ({
  status: 'rejected',
  reason,
  message,
});
