import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { asBlobHash } from '@keepsake/core';
import { flush, flushFolder } from '@keepsake/durable-files';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test-support/temp-dir.js';
import { sha256Of } from '../test-support/test-server.js';
import { FolderBlobStore } from './folder-blob-store.js';

// The flushes are the disk work an upload's answer waits for: counted here, and done for real.
vi.mock('@keepsake/durable-files', async (importOriginal) => {
  const real = await importOriginal<typeof import('@keepsake/durable-files')>();
  return { ...real, flush: vi.fn(real.flush), flushFolder: vi.fn(real.flushFolder) };
});

describe('FolderBlobStore', () => {
  it('takes the same flushes to store bytes it holds already: no answer comes sooner for them', async () => {
    const dir = tempDir();
    const blobs = new FolderBlobStore(join(dir, 'blobs'));
    const bytes = 'a photo someone else may have uploaded';
    const hash = asBlobHash(sha256Of(bytes));
    /** Adopts a received copy of the bytes; answers the file and the folders it flushed. */
    const adopt = async (name: string) => {
      const received = join(dir, name);
      writeFileSync(received, bytes);
      vi.mocked(flush).mockClear();
      vi.mocked(flushFolder).mockClear();
      await blobs.adoptFile(hash, received);
      expect(existsSync(received)).toBe(false);
      return {
        files: vi.mocked(flush).mock.calls.map(([path]) => path === received),
        folders: vi.mocked(flushFolder).mock.calls,
      };
    };

    const first = await adopt('first upload');
    expect(first).toEqual({ files: [true], folders: [[dirname(blobs.pathOf(hash))]] });
    expect(await adopt('the same bytes again')).toEqual(first);
    expect(readFileSync(blobs.pathOf(hash), 'utf8')).toBe(bytes);
  });
});
