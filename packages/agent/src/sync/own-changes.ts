/** How long after the agent changes a path its event is expected: later, an event is news. */
const OWN_EVENT_MS = 5_000;

/**
 * Paths the agent itself is changing (a download put in place, a file moved to the trash): the
 * first event of each, if it comes within a few seconds, is no news. Without this, every file a
 * device received made it look at its whole folder again: a new device's first sync of a big
 * library lstat'ed every file it already held after each page it received. Forgotten at every
 * look, which sees what is there whoever put it there.
 */
export class OwnChanges {
  readonly #until = new Map<string, number>();

  note(path: string): void {
    this.#until.set(path, Date.now() + OWN_EVENT_MS);
  }

  /** Whether an event at `path` is the echo of the agent's own change; it is then forgotten. */
  take(path: string): boolean {
    const until = this.#until.get(path);
    if (until === undefined) return false;
    this.#until.delete(path);
    return Date.now() <= until;
  }

  forget(): void {
    this.#until.clear();
  }
}
