const WINDOW_MS = 5 * 60 * 1000;
const MAX_FAILURES = 10;

/** Failed sign-ins per (address, user name) in a sliding window; too many blocks that pair for a while. */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  blocked(key: string): boolean {
    return this.#recent(key).length >= MAX_FAILURES;
  }

  failed(key: string): void {
    this.#failures.set(key, [...this.#recent(key), this.now()]);
    if (this.#failures.size > 100_000) this.#forgetStale();
  }

  succeeded(key: string): void {
    this.#failures.delete(key);
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
