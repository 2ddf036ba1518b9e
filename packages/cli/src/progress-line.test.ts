import { describe, expect, it } from 'vitest';
import { describeProgress, ProgressLine } from './progress-line.js';
import { formatAgo, formatBytes } from './format.js';

describe('progress and sizes as a person reads them', () => {
  it('shows files, bytes, rate and time left when the totals are known', () => {
    expect(
      describeProgress(
        {
          phase: 'uploading',
          files: 12,
          totalFiles: 340,
          bytes: 45_200_000,
          totalBytes: 1_200_000_000,
        },
        9_040_000,
      ),
    ).toBe('uploading 12/340 files  45 MB/1.2 GB  9.0 MB/s  2m08s left');
  });

  it('shows what it can while the totals are not known', () => {
    expect(describeProgress({ phase: 'reading', files: 3, bytes: 1500 }, undefined)).toBe(
      'reading 3 files  1.5 kB',
    );
  });

  it('formats sizes and ages', () => {
    expect([formatBytes(0), formatBytes(999), formatBytes(1000), formatBytes(2_500_000)]).toEqual([
      '0 B',
      '999 B',
      '1.0 kB',
      '2.5 MB',
    ]);
    const now = 1_000_000_000;
    expect([
      formatAgo(now - 3_000, now),
      formatAgo(now - 90_000, now),
      formatAgo(now - 3 * 86_400_000, now),
    ]).toEqual(['just now', '1 minute ago', '3 days ago']);
  });
});

/** A progress line on a fake terminal, with a clock the test moves. */
function terminalLine() {
  const drawn: string[] = [];
  const stream = {
    isTTY: true,
    write: (text: string) => drawn.push(text.replace('\r\x1b[K', '')),
  } as unknown as NodeJS.WriteStream;
  const clock = { now: 0 };
  const line = new ProgressLine(stream, () => clock.now);
  const at = (seconds: number, megabytes: number) => {
    clock.now = seconds * 1000;
    line.update({
      phase: 'uploading',
      files: megabytes,
      totalFiles: 100,
      bytes: megabytes * 1_000_000,
      totalBytes: 100_000_000,
    });
    return drawn.at(-1);
  };
  return at;
}

describe('the rate and time left', () => {
  it('follow recent progress, not a long wait before it', () => {
    const at = terminalLine();
    for (let s = 0; s <= 10; s += 1) at(s, s);
    // A minute waiting on the network, then 2 MB/s: the wait is soon forgotten.
    at(71, 12);
    expect(at(72, 14)).toBe('uploading 14/100 files  14 MB/100 MB  2.0 MB/s  43s left');
  });

  it('starts over with a round that counts from 0 again (watch mode)', () => {
    const at = terminalLine();
    for (let s = 0; s <= 10; s += 1) at(s, s * 5);
    // The next round, a minute later, counts its own bytes: 1 MB/s, not 50 MB over 70 s.
    at(70, 1);
    at(71, 2);
    expect(at(72, 3)).toBe('uploading 3/100 files  3.0 MB/100 MB  1.0 MB/s  1m37s left');
  });

  it('shows no rate or time left when nothing has moved for a while', () => {
    const at = terminalLine();
    for (let s = 0; s <= 5; s += 1) at(s, s);
    expect(at(5.5, 5)).toContain('1.0 MB/s  1m35s left');
    expect(at(40, 5)).toBe('uploading 5/100 files  5.0 MB/100 MB');
  });
});
