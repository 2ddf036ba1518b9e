import type { DeviceId } from '../model/ids.js';

/**
 * A hybrid logical clock stamp: physical milliseconds, a counter for events within one
 * millisecond, and the node that made it as the final tie-break. Orders last-writer-wins
 * fields; never used to order content versions (those follow exact causality).
 */
export interface Hlc {
  readonly ms: number;
  readonly counter: number;
  readonly node: DeviceId;
}

export type Ordering = -1 | 0 | 1;

export function compareHlc(a: Hlc, b: Hlc): Ordering {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return 0;
}

/** The default bound on how far ahead of the receiver a stamp may run. */
export const DEFAULT_MAX_DRIFT_MS = 60_000;

/**
 * A clock for one node. Physical time comes in as a function, so tests and the simulation
 * drive it; `receive` folds in stamps seen from others so causally later events stamp later
 * even when this node's physical clock lags.
 */
export class HybridClock {
  #last: Hlc;

  constructor(
    readonly node: DeviceId,
    private readonly physicalNow: () => number,
  ) {
    this.#last = { ms: 0, counter: 0, node };
  }

  get last(): Hlc {
    return this.#last;
  }

  now(): Hlc {
    const physical = this.physicalNow();
    const ms = Math.max(physical, this.#last.ms);
    const counter = ms === this.#last.ms ? this.#last.counter + 1 : 0;
    this.#last = { ms, counter, node: this.node };
    return this.#last;
  }

  /**
   * Winds the clock back to `to` after its physical source was found to run ahead. Only for
   * stamps that never left this node: the server refused them, so nobody has ordered by them.
   */
  rewind(to: Hlc): void {
    this.#last = { ms: to.ms, counter: to.counter, node: this.node };
  }

  receive(remote: Hlc): void {
    if (compareHlc(remote, this.#last) > 0) {
      this.#last = { ms: remote.ms, counter: remote.counter, node: this.node };
    }
  }
}

export interface DriftViolation {
  readonly aheadByMs: number;
  readonly message: string;
}

/**
 * A stamp too far ahead of the receiver's clock would win every LWW race until real time
 * caught up, so the receiver refuses it and says by how much the sender's clock is off.
 */
export function checkDrift(
  stamp: Hlc,
  receiverNowMs: number,
  maxDriftMs = DEFAULT_MAX_DRIFT_MS,
): DriftViolation | undefined {
  const aheadByMs = stamp.ms - receiverNowMs;
  if (aheadByMs <= maxDriftMs) return undefined;
  return {
    aheadByMs,
    message:
      `clock ahead: the op's clock is ${aheadByMs} ms ahead of the server's ` +
      `(at most ${maxDriftMs} ms allowed); correct the device clock offset and send again`,
  };
}
