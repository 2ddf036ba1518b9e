import WebSocket from 'ws';
import { backoffMs, isTransient } from './backoff.js';
import { FolderWatcher } from './folder-watcher.js';
import { isIdle, SETTLE_MS, type FolderSync, type RoundReport } from './folder-sync.js';

export interface KeepInStepOptions {
  /** How often the feed is read when the push channel says nothing (it is only a hint). */
  readonly pollMs: number;
  /** How often the whole folder is looked at even with no file-system event. */
  readonly rescanMs: number;
  /** Whether to listen on the push channel (off: poll only). */
  readonly push: boolean;
  readonly onRound?: (report: RoundReport) => void;
  readonly onError?: (error: Error, retryInMs: number) => void;
}

/** How long fs events are gathered before a round: a burst of writes is one look. */
const EVENT_GATHER_MS = 20;

/**
 * Runs a folder's sync until `signal` aborts: a round whenever the folder changes (file-system
 * events), the server says the library changed (push), the poll interval passes, or files were
 * still settling. A round that could not reach the server is retried with exponential backoff
 * and jitter; a refusal (a revoked token, say) ends the run, since no retry can fix it.
 *
 * Stopping does not wait for the round under way (a big upload can take hours): it is left
 * running and `cutShort` says so. The caller then ends the process without closing the folder
 * under that round: to the agent, that is a crash at that point, which it resumes from (every
 * step is in the state database before the next one starts).
 */
export async function keepInStep(
  sync: FolderSync,
  options: KeepInStepOptions,
  signal: AbortSignal,
): Promise<{ readonly cutShort: boolean }> {
  const wake = new Wakeup();
  const stopped = new Promise<'stopped'>((resolve) => {
    signal.addEventListener('abort', () => {
      wake.now();
      resolve('stopped');
    });
  });
  // Whether the folder may have changed since the last look: without events, always.
  let folderTouched = true;
  const watcher = new FolderWatcher(
    sync.folder,
    () => {
      folderTouched = true;
      wake.after(EVENT_GATHER_MS);
    },
    (path) => sync.isOwnChange(path),
  );
  const push = options.push
    ? new PushListener(sync, () => {
        wake.now();
      })
    : undefined;
  let failures = 0;
  let lastLook = 0;
  try {
    while (!signal.aborted) {
      let delay: number;
      try {
        const lookAgain =
          folderTouched || !watcher.working || Date.now() - lastLook >= options.rescanMs;
        folderTouched = false;
        const report = await Promise.race([sync.round({ lookAgain }), stopped]);
        if (report === 'stopped') return { cutShort: true };
        // A folder watched only from now (the first round's, one a download made) may have
        // changed before: a file deleted there meanwhile would otherwise wait for the rescan.
        const newlyWatched = watcher.follow(sync.folders());
        if (lookAgain) lastLook = Date.now();
        failures = 0;
        options.onRound?.(report);
        if (report.settlesInMs !== undefined || newlyWatched) folderTouched = true;
        if (!isIdle(report) || newlyWatched) delay = 0;
        else if (report.settlesInMs !== undefined) delay = report.settlesInMs;
        else if (report.waiting.length > 0) delay = SETTLE_MS;
        else delay = Math.min(options.pollMs, options.rescanMs);
      } catch (error) {
        if (!isTransient(error)) throw error;
        failures += 1;
        folderTouched = true;
        delay = backoffMs(failures);
        options.onError?.(error as Error, delay);
      }
      if (delay > 0) await wake.wait(delay);
    }
    return { cutShort: false };
  } finally {
    watcher.close();
    push?.close();
  }
}

/** A sleep that any event can cut short. */
class Wakeup {
  /** Ends the current wait; set only while one is under way. */
  #resolve: (() => void) | undefined;
  /** A wake that came while nobody waited: the next wait returns at once. */
  #pending = false;
  #timer: NodeJS.Timeout | undefined;

  now(): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    if (resolve) resolve();
    else this.#pending = true;
  }

  after(ms: number): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.now();
    }, ms);
  }

  async wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    // Each way out clears the resolver at once, so a wake that comes after the wait ended is
    // kept for the next one rather than lost.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#resolve = undefined;
        resolve();
      }, ms);
      this.#resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** The server's push channel, reconnected with backoff while the run lasts. */
class PushListener {
  #socket: WebSocket | undefined;
  #closed = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly sync: FolderSync,
    private readonly onChanged: () => void,
  ) {
    this.#connect();
  }

  #connect(): void {
    if (this.#closed) return;
    const socket = new WebSocket(this.sync.pushUrl(), {
      headers: { authorization: `Bearer ${this.sync.token}` },
    });
    this.#socket = socket;
    socket.on('open', () => {
      this.#failures = 0;
    });
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { head?: number };
      if ((message.head ?? 0) > this.sync.replicaHead) this.onChanged();
    });
    socket.on('error', () => undefined); // 'close' follows, and reconnects
    socket.on('close', () => {
      if (this.#closed) return;
      this.#failures += 1;
      this.#retry = setTimeout(() => {
        this.#connect();
      }, backoffMs(this.#failures));
    });
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#socket?.terminate();
  }
}
