import type { Library } from '../model/library.js';
import type { Op, OpKind } from '../ops/op-schema.js';
import type { LogEntry, Reply } from '../ops/outcome.js';
import type { MergeRule, MergeRules } from './context.js';
import { defaultRules } from './default-rules.js';

/**
 * Applies one op to a library and appends it to the change log with its outcome. A retry of
 * an op already logged changes nothing and gets the first outcome back.
 */
export function applyOp(library: Library, op: Op, rules: MergeRules = defaultRules): Reply {
  const firstSeq = rules.findDuplicate(library, op);
  if (firstSeq !== undefined) {
    const first = library.log.entry(firstSeq);
    if (first) return { status: 'duplicate', seq: firstSeq, first: first.outcome };
  }
  const seq = library.log.head + 1;
  // The rule table is indexed by the op's own kind, so the payload matches the rule.
  const rule = rules[op.payload.kind] as MergeRule<OpKind>;
  const outcome = rule({ library, op, seq, rules });
  library.log.append({ seq, op, outcome });
  return { ...outcome, seq };
}

/**
 * Replays a log entry made elsewhere (a device following the server's feed). The merge is
 * deterministic, so the replica reaches the server's outcome; a mismatch is a bug worth a loud
 * failure rather than a silent divergence.
 */
export function applyLogEntry(
  library: Library,
  entry: LogEntry,
  rules: MergeRules = defaultRules,
): void {
  if (entry.seq !== library.log.head + 1) {
    throw new Error(
      `log entry ${entry.seq} applied out of order: replica is at seq ${library.log.head}`,
    );
  }
  const reply = applyOp(library, entry.op, rules);
  if (reply.status !== entry.outcome.status) {
    throw new Error(
      `replica diverged at seq ${entry.seq}: server says ${entry.outcome.status}, replica got ${reply.status}`,
    );
  }
}
