const WINDOW_MS = 5 * 60 * 1000;
/** Failures allowed for one user name from one address: enough for typos, too few for guessing. */
const MAX_FAILURES_PER_NAME = 10;
/** Failures allowed from one address over all names: a household behind one router stays clear. */
const MAX_FAILURES_PER_ADDRESS = 100;

/**
 * Failed sign-ins in a sliding window, counted per (address, user name) and per address; either
 * over its limit blocks that address (for that name, or for all) until old failures age out.
 * Counting per address too stops one client from trying name after name.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  blocked(address: string, name: string): boolean {
    return (
      this.#recent(pairKey(address, name)).length >= MAX_FAILURES_PER_NAME ||
      this.#recent(addressKey(address)).length >= MAX_FAILURES_PER_ADDRESS
    );
  }

  failed(address: string, name: string): void {
    for (const key of [pairKey(address, name), addressKey(address)]) {
      this.#failures.set(key, [...this.#recent(key), this.now()]);
    }
    if (this.#failures.size > 100_000) this.#forgetStale();
  }

  /** A right password clears that name's failures, not the address's: it vouches for one name. */
  succeeded(address: string, name: string): void {
    this.#failures.delete(pairKey(address, name));
  }

  #recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
    return (this.#failures.get(key) ?? []).filter((at) => at > since);
  }

  #forgetStale(): void {
    for (const key of this.#failures.keys()) {
      if (this.#recent(key).length === 0) this.#failures.delete(key);
    }
  }
}

const pairKey = (address: string, name: string) => `name ${address} ${name}`;
const addressKey = (address: string) => `address ${address}`;
