import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../test-support/fixtures.js';
import { bufferSource } from './byte-source.js';
import { readHeifIccProfile } from './heif.js';

const profileOf = (path: string) => readHeifIccProfile(bufferSource(readFileSync(fixture(path))));

describe('readHeifIccProfile', () => {
  it("finds an iPhone photo's Display P3 profile on the tiles of its grid", async () => {
    const icc = await profileOf('heic/heic-iphone.heic');
    // An ICC profile: its size first, "acsp" at byte 36, and its description.
    expect(icc?.readUInt32BE(0)).toBe(icc?.length);
    expect(icc?.toString('latin1', 36, 40)).toBe('acsp');
    expect(icc?.toString('latin1')).toContain('Display P3');
  });

  it('answers none for an image that states its colours by code points', async () => {
    expect(await profileOf('heic/hopper.heif')).toBeUndefined();
  });
});
