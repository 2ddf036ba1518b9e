import { describe, expect, it } from 'vitest';
import { createLibrary } from '../model/library.js';
import type { BlobHash } from '../model/ids.js';
import { PHONE, hashOf, importOp, retryOf } from '../test-support/op-builders.js';
import { submitOp, type Admission } from './submit-op.js';

const photo = importOp({ device: PHONE, path: 'IMG_0001.HEIC', bytes: 'photo', hlc: 1_000 });

const admission = (stored: readonly BlobHash[], nowMs = 1_000): Admission => ({
  nowMs,
  maxDriftMs: 60_000,
  hasBlob: (hash) => stored.includes(hash),
});

describe('submitOp: a device op arriving at the server', () => {
  it('refuses an op whose blob is not uploaded yet, names it and logs nothing', () => {
    const library = createLibrary();
    const reply = submitOp(library, photo, admission([]));
    expect(reply).toMatchObject({ status: 'retry', reason: 'missing-blob' });
    expect(reply.status === 'retry' && reply.reason === 'missing-blob' && reply.missing).toEqual([
      hashOf('photo'),
    ]);
    expect(library.log.head).toBe(0);
  });

  it('refuses an op stamped too far ahead of the server clock, and logs nothing', () => {
    const library = createLibrary();
    const reply = submitOp(library, photo, admission([hashOf('photo')], 1_000 - 61_000));
    expect(reply).toMatchObject({ status: 'retry', reason: 'clock-ahead' });
    expect(library.log.head).toBe(0);
  });

  it('applies an admitted op once; a retry gets the first outcome even after its blob is gone', () => {
    const library = createLibrary();
    expect(submitOp(library, photo, admission([hashOf('photo')]))).toMatchObject({
      status: 'applied',
      seq: 1,
    });
    const retry = retryOf(photo, { ms: 10_000_000, counter: 0, node: PHONE });
    expect(submitOp(library, retry, admission([]))).toMatchObject({
      status: 'duplicate',
      seq: 1,
      first: { status: 'applied' },
    });
    expect(library.log.head).toBe(1);
  });
});
