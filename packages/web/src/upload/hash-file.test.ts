import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashFile } from './hash-file.js';

describe('hashFile', () => {
  it('gives the SHA-256 of a file read in several chunks, reporting its progress', async () => {
    const bytes = new Uint8Array(9 * 1024 * 1024 + 7).map((_, i) => (i * 31) % 251);
    const progress: number[] = [];
    const hash = await hashFile(new Blob([bytes]), (hashed) => progress.push(hashed));
    expect(hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(progress).toEqual([4 * 1024 * 1024, 8 * 1024 * 1024, bytes.length]);
  });

  it('gives the SHA-256 of an empty file', async () => {
    expect(await hashFile(new Blob([]), () => undefined)).toBe(createHash('sha256').digest('hex'));
  });
});
