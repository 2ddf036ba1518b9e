import { checkDrift } from '../clock/hlc.js';
import type { BlobHash } from '../model/ids.js';
import type { Library } from '../model/library.js';
import { blobsOf } from '../ops/op-blobs.js';
import type { Op } from '../ops/op-schema.js';
import type { Reply, RetryLater } from '../ops/outcome.js';
import { applyOp } from './apply-op.js';
import type { MergeRules } from './context.js';
import { defaultRules } from './default-rules.js';

/** What the receiver knows when a device submits an op. */
export interface Admission {
  readonly nowMs: number;
  readonly maxDriftMs: number;
  /** Whether the blob is stored (and the submitter may name it). */
  hasBlob(hash: BlobHash): boolean;
}

/**
 * A device's op arriving at the server. A retry of a logged op gets its first outcome, whatever
 * its clock says now. A new op is refused without being logged while its clock runs too far
 * ahead or a blob it names is not yet uploaded: the device keeps it and sends it again, so it
 * is delayed, never dropped. Everything else is applied and logged with its outcome.
 */
export function submitOp(
  library: Library,
  op: Op,
  admission: Admission,
  rules: MergeRules = defaultRules,
): Reply | RetryLater {
  if (rules.findDuplicate(library, op) !== undefined) return applyOp(library, op, rules);
  const drift = checkDrift(op.hlc, admission.nowMs, admission.maxDriftMs);
  if (drift) return { status: 'retry', reason: 'clock-ahead', message: drift.message };
  const missing = blobsOf(op).filter((hash) => !admission.hasBlob(hash));
  if (missing.length > 0) {
    return {
      status: 'retry',
      reason: 'missing-blob',
      message: `upload ${missing.join(', ')} first, then send the op again`,
      missing,
    };
  }
  return applyOp(library, op, rules);
}
