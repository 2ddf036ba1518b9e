import { describe, expect, it } from 'vitest';
import { layOutTimeline } from './timeline-layout.js';

describe('the timeline laid out before loading', () => {
  it('heads each month and day and fills rows of photos, the last one short', () => {
    const { rows, years } = layOutTimeline(
      [
        { day: '2024-05-03', count: 5 },
        { day: '2024-05-01', count: 1 },
        { day: '2023-12-31', count: 2 },
        { day: 'unknown', count: 1 },
      ],
      2,
    );
    expect(
      rows.map((r) => (r.kind === 'photos' ? `${r.day}+${r.from}x${r.count}` : r.key)),
    ).toEqual([
      'm2024-05',
      'd2024-05-03',
      '2024-05-03+0x2',
      '2024-05-03+2x2',
      '2024-05-03+4x1',
      'd2024-05-01',
      '2024-05-01+0x1',
      'm2023-12',
      'd2023-12-31',
      '2023-12-31+0x2',
      'munknown',
      'unknown+0x1',
    ]);
    expect(years).toEqual([
      { year: '2024', row: 0 },
      { year: '2023', row: 7 },
    ]);
  });

  it('lays out an empty library as nothing', () => {
    expect(layOutTimeline([], 4)).toEqual({ rows: [], years: [] });
  });
});
