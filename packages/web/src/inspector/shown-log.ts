import type { HistoryEntry, LogPage } from '../api/client.js';

/** What the inspector shows of the log, for one filter. */
export interface ShownLog {
  /** The filter these entries are of. */
  readonly of: string;
  /** Newest first. */
  readonly entries: readonly HistoryEntry[];
  /** Whether older entries remain to be read. */
  readonly older: boolean;
  /** The head as of the last read: every entry up to it is shown or older. */
  readonly upTo: number;
}

/**
 * Entries kept as new ones arrive at the top, unless more were asked for with "Show older".
 * An inspector left open on a busy library would otherwise grow by every change without end.
 */
export const KEPT_AS_NEW_ARRIVE = 200;

/** `shown` with the entries that arrived after it (`page`, read from its head on) on top. */
export function withArrivals(shown: ShownLog, page: LogPage): ShownLog {
  // More arrived than a page holds: the view starts again at the newest, and the rest is older,
  // a click away. No gap is ever shown as if it were not there.
  if (page.more) return { ...shown, entries: page.entries, older: true, upTo: page.head };
  const kept = Math.max(KEPT_AS_NEW_ARRIVE, shown.entries.length);
  const entries = [...page.entries, ...shown.entries];
  return {
    ...shown,
    entries: entries.slice(0, kept),
    // What fell off the bottom is older, a click away, as before.
    older: shown.older || entries.length > kept,
    upTo: page.head,
  };
}

/** `shown` with the page of entries before its oldest (read by "Show older") at the bottom. */
export function withOlder(shown: ShownLog, page: LogPage): ShownLog {
  return { ...shown, entries: [...shown.entries, ...page.entries], older: page.more };
}
