import { asBlobHash, asDeviceId, asOpId, type Op, type OpPayload } from '@keepsake/core';
import { describe, expect, it } from 'vitest';
import { filesOfOp, importOps, type StoredFile } from './import-ops.js';

let made = 0;
const stamp = (payload: OpPayload): Op => {
  made += 1;
  return {
    opId: asOpId(`web-test-${String(made).padStart(4, '0')}`),
    device: asDeviceId('web-device-1'),
    hlc: { ms: 1_700_000_000_000 + made, counter: 0, node: asDeviceId('web-device-1') },
    knownSeq: 0,
    payload,
  };
};

const file = (path: string, digit: string, meta: StoredFile['meta'] = {}): StoredFile => ({
  path,
  hash: asBlobHash(digit.repeat(64)),
  size: 100,
  meta,
});

const LIVE = { contentId: 'E905E6C6', takenAt: '2021-04-10T11:44:00+01:00' };

describe('importOps', () => {
  it('makes a Live Photo still and its video one asset, beside a photo of its own', () => {
    const still = file('Uploads/2026-11-30/train.jpg', 'a', LIVE);
    const video = file('Uploads/2026-11-30/train.mov', 'b', LIVE);
    const other = file('Uploads/2026-11-30/car.heic', 'c');
    const ops = importOps([still, video, other], stamp);
    expect(ops.map((op) => op.payload.kind)).toEqual(['import', 'import']);
    const [live] = ops.filter((op) => op.payload.kind === 'import' && op.payload.resources.live);
    expect(live?.payload).toMatchObject({
      path: still.path,
      resources: { original: { hash: still.hash, ext: 'jpg' }, live: { hash: video.hash } },
      meta: LIVE,
    });
    expect(live && filesOfOp(live, [still, video, other])).toEqual([still, video]);
  });

  it('keeps a video beside a still apart when the pairing rule says they are not one', () => {
    const ops = importOps(
      [
        file('a/IMG_1.jpg', 'a', { contentId: 'one' }),
        file('a/IMG_1.mp4', 'b', { contentId: 'two' }),
      ],
      stamp,
    );
    expect(ops).toHaveLength(2);
    expect(ops.every((op) => op.payload.kind === 'import' && !op.payload.resources.live)).toBe(
      true,
    );
  });

  it('makes the same bytes at two paths one asset with two placements', () => {
    const first = file('a/x.jpg', 'a');
    const copy = file('b/x.jpg', 'a');
    const ops = importOps([first, copy], stamp);
    expect(ops.map((op) => op.payload.kind)).toEqual(['import', 'place']);
    const [imported, placed] = ops;
    expect(imported && filesOfOp(imported, [first, copy])).toEqual([first]);
    expect(placed && filesOfOp(placed, [first, copy])).toEqual([copy]);
  });
});
