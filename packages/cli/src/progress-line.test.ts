import { describe, expect, it } from 'vitest';
import { describeProgress } from './progress-line.js';
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
        5,
      ),
    ).toBe('uploading 12/340 files  45 MB/1.2 GB  9.0 MB/s  2m08s left');
  });

  it('shows what it can while the totals are not known', () => {
    expect(describeProgress({ phase: 'reading', files: 3, bytes: 1500 }, 0)).toBe(
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
