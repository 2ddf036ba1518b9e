import { applyOp, createLibrary, opSchema, type Asset } from '@keepsake/core';
import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import { dayOfKey, timelineKey } from './timeline.js';

const DEVICE = 'device-01';

/** A photo imported with `takenAt` as its capture time, then given `override` if one is set. */
function photo(takenAt: string | undefined, override?: string | null): Asset {
  const library = createLibrary();
  const imported = importOpFor(DEVICE, `photo taken ${String(takenAt)}`, 'IMG_0001.JPG');
  const op = opSchema.parse({
    ...imported,
    payload: { ...imported.payload, meta: takenAt === undefined ? {} : { takenAt } },
  });
  applyOp(library, op);
  if (override !== undefined) {
    const id = op.payload.kind === 'import' ? op.payload.assetId : undefined;
    const set = { kind: 'setField', assetId: id, field: 'takenAtOverride', value: override };
    applyOp(library, opSchema.parse(opFrom(DEVICE, set)));
  }
  const [asset] = library.assets.values();
  if (!asset) throw new Error('the import made no asset');
  return asset;
}

describe('timelineKey', () => {
  it('groups a photo under the date it was taken on where it was taken, whatever UTC says', () => {
    // An evening in California is the next morning in UTC; early morning in Tokyo, the day before.
    expect(dayOfKey(timelineKey(photo('2024-05-01T19:30:00-07:00')))).toBe('2024-05-01');
    expect(dayOfKey(timelineKey(photo('2024-05-03T01:00:00+09:00')))).toBe('2024-05-03');
    // A time with no zone is the camera's clock: its date is the date.
    expect(dayOfKey(timelineKey(photo('2024-05-01T23:59:00')))).toBe('2024-05-01');
    expect(timelineKey(photo('2024-05-01T19:30:00-07:00'))).toBe(
      '2024-05-01 2024-05-02T02:30:00.000Z',
    );
  });

  it('orders by day, then by the instant each was taken, so two zones on one day interleave', () => {
    const [utc7, utc8, utc830, may2, may1Late] = [
      '2024-05-01T09:00:00+02:00', // 07:00 UTC
      '2024-05-01T03:00:00-05:00', // 08:00 UTC
      '2024-05-01T10:30:00+02:00', // 08:30 UTC
      '2024-05-02T00:30:00+02:00', // 1 May 22:30 UTC, 2 May where it was taken
      '2024-05-01T20:00:00-05:00', // 2 May 01:00 UTC, 1 May where it was taken
    ].map((takenAt) => timelineKey(photo(takenAt)));
    expect([may2, utc830, may1Late, utc7, utc8].sort()).toEqual([
      utc7,
      utc8,
      utc830,
      may1Late,
      may2,
    ]);
  });

  it('takes a date set by hand over the camera, and sorts a photo with no date last', () => {
    expect(dayOfKey(timelineKey(photo('2024-05-01T12:00:00Z', '1999-12-31T23:00:00-03:00')))).toBe(
      '1999-12-31',
    );
    expect(dayOfKey(timelineKey(photo('2024-05-01T12:00:00Z', null)))).toBe('2024-05-01');
    expect(timelineKey(photo(undefined))).toBe('');
    expect(['', timelineKey(photo('1970-01-01T00:00:00Z'))].sort()[0]).toBe('');
  });
});
