import { useCallback, useEffect, useState } from 'react';
import { api, failureMessage, type HistoryEntry } from '../api/client.js';
import { useAttempt } from '../library/attempt.js';
import { useLibrary } from '../library/library-context.js';
import { searchOfFilter, type LogFilter } from './log-filter.js';
import { withArrivals, withOlder, type ShownLog } from './shown-log.js';

// The change log as the inspector shows it: the newest page first, what arrives as the head
// moves added on top (read from the last head seen, never the whole log again), older pages
// on request. The server filters; the browser only shows what it was sent.

const PAGE = 50;

export interface ChangeLog {
  /** Undefined until the first page arrives. */
  readonly entries: readonly HistoryEntry[] | undefined;
  readonly older: boolean;
  readonly problem: string | undefined;
  readonly readingOlder: boolean;
  readonly readOlder: () => Promise<void>;
}

export function useChangeLog(filter: LogFilter): ChangeLog {
  const { head } = useLibrary();
  const [shown, setShown] = useState<ShownLog>();
  const [problem, setProblem] = useState<string>();
  const { device, asset } = filter;
  const of = searchOfFilter(filter);

  const read = useCallback(
    async (range: { after?: number; before?: number }) => {
      const result = await api.GET('/api/v1/log', {
        params: {
          query: {
            limit: PAGE,
            ...range,
            ...(device !== undefined && { device }),
            ...(asset !== undefined && { asset }),
          },
        },
      });
      if (!result.data) throw new Error(`The log could not be read: ${failureMessage(result)}`);
      return result.data;
    },
    [device, asset],
  );

  // Another filter starts again at the newest entries.
  useEffect(() => {
    let current = true;
    setShown(undefined);
    setProblem(undefined);
    read({}).then(
      (page) => {
        if (current) setShown({ of, entries: page.entries, older: page.more, upTo: page.head });
      },
      (error: unknown) => {
        if (current) setProblem(String(error instanceof Error ? error.message : error));
      },
    );
    return () => {
      current = false;
    };
  }, [read, of]);

  const upTo = shown?.upTo;
  useEffect(() => {
    if (upTo === undefined || head <= upTo) return;
    let current = true;
    read({ after: upTo }).then(
      (page) => {
        if (!current) return;
        setShown((before) => before && withArrivals(before, page));
      },
      // A failed read is tried again when the head next moves; the page shown stays right.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [head, upTo, read]);

  const older = useAttempt();
  const readOlder = () =>
    older.attempt(async () => {
      const oldest = shown?.entries.at(-1);
      if (!oldest) return undefined;
      const page = await read({ before: oldest.seq });
      setShown((before) =>
        // Unless the filter changed or the view started again meanwhile.
        before?.of === of && before.entries.at(-1)?.seq === oldest.seq
          ? withOlder(before, page)
          : before,
      );
      return undefined;
    });

  return {
    entries: shown?.entries,
    older: shown?.older ?? false,
    problem: problem ?? older.problem,
    readingOlder: older.busy,
    readOlder,
  };
}
