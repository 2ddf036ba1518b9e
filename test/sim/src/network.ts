import type { Prng } from './prng.js';

export interface FaultRates {
  /** A request never reaches the server. */
  readonly dropRequest: number;
  /** The server commits, but the reply never comes back. */
  readonly dropResponse: number;
  /** A message arrives twice. */
  readonly duplicate: number;
  /** An upload chunk is cut part-way: a prefix arrives, no reply. */
  readonly cutUpload: number;
  /** Up to this many ticks of delay per message (so messages overtake each other). */
  readonly maxDelay: number;
}

export const CALM: FaultRates = {
  dropRequest: 0,
  dropResponse: 0,
  duplicate: 0,
  cutUpload: 0,
  maxDelay: 0,
};
export const STORMY: FaultRates = {
  dropRequest: 0.06,
  dropResponse: 0.06,
  duplicate: 0.04,
  cutUpload: 0.1,
  maxDelay: 4,
};

interface InFlight<M> {
  readonly at: number;
  readonly message: M;
}

/**
 * A virtual network: messages are delivered at a tick chosen by the seeded PRNG, in a
 * shuffled order among those due, so they can be dropped, delayed, duplicated and reordered.
 */
export class VirtualNetwork<M> {
  #queue: InFlight<M>[] = [];

  constructor(private readonly prng: Prng) {}

  send(now: number, message: M, rates: FaultRates, drop: number): void {
    if (this.prng.chance(drop)) return;
    const copies = this.prng.chance(rates.duplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.#queue.push({ at: now + 1 + this.prng.int(rates.maxDelay + 1), message });
    }
  }

  /** Everything due by `now`, in a random order. */
  due(now: number): M[] {
    const ready = this.#queue.filter((m) => m.at <= now);
    this.#queue = this.#queue.filter((m) => m.at > now);
    for (let i = ready.length - 1; i > 0; i--) {
      const j = this.prng.int(i + 1);
      const a = ready[i];
      const b = ready[j];
      if (a && b) [ready[i], ready[j]] = [b, a];
    }
    return ready.map((m) => m.message);
  }

  /** Drops whatever is in flight that matches (a crashed end loses its connections). */
  cut(matches: (message: M) => boolean): void {
    this.#queue = this.#queue.filter((m) => !matches(m.message));
  }

  get size(): number {
    return this.#queue.length;
  }
}
