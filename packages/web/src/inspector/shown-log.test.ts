import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../api/client.js';
import { KEPT_AS_NEW_ARRIVE, withArrivals, withOlder, type ShownLog } from './shown-log.js';

/** Entries `from` down to `to`, newest first, as the log answers them. */
const entries = (from: number, to: number): HistoryEntry[] =>
  Array.from({ length: from - to + 1 }, (_, i) => ({ seq: from - i }) as unknown as HistoryEntry);
const seqs = (shown: ShownLog) => shown.entries.map((entry) => entry.seq);

describe("the sync inspector's entries", () => {
  const fresh: ShownLog = { of: '', entries: entries(50, 1), older: false, upTo: 50 };

  it('puts what arrives on top, read from the head on', () => {
    const next = withArrivals(fresh, { entries: entries(53, 51), more: false, head: 53 });
    expect(seqs(next)).toEqual([...Array(53).keys()].map((i) => 53 - i));
    expect(next).toMatchObject({ older: false, upTo: 53 });
  });

  it('starts again at the newest when more arrived than a page holds', () => {
    const next = withArrivals(fresh, { entries: entries(150, 101), more: true, head: 150 });
    expect(seqs(next)).toEqual([...Array(50).keys()].map((i) => 150 - i));
    expect(next).toMatchObject({ older: true, upTo: 150 });
  });

  it('keeps a bounded number as changes keep arriving, the rest older', () => {
    let shown = fresh;
    for (let head = 51; head <= 1_000; head++) {
      shown = withArrivals(shown, { entries: entries(head, head), more: false, head });
    }
    expect(shown.entries).toHaveLength(KEPT_AS_NEW_ARRIVE);
    expect(shown.entries[0]?.seq).toBe(1_000);
    expect(shown.entries.at(-1)?.seq).toBe(1_000 - KEPT_AS_NEW_ARRIVE + 1);
    expect(shown.older).toBe(true);
  });

  it('keeps what "Show older" read, and goes on from the oldest shown', () => {
    let shown: ShownLog = { ...fresh, entries: entries(1_000, 951), older: true, upTo: 1_000 };
    for (let before = 951; before > 651; before -= 50) {
      shown = withOlder(shown, {
        entries: entries(before - 1, before - 50),
        more: true,
        head: 1_000,
      });
    }
    expect(shown.entries).toHaveLength(350);
    shown = withArrivals(shown, { entries: entries(1_001, 1_001), more: false, head: 1_001 });
    expect(shown.entries).toHaveLength(350);
    expect([shown.entries[0]?.seq, shown.entries.at(-1)?.seq]).toEqual([1_001, 652]);
    expect(shown.older).toBe(true);
  });
});
