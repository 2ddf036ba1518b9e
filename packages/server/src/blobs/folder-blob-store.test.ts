import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { asBlobHash } from '@keepsake/core';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test-support/temp-dir.js';
import { sha256Of } from '../test-support/test-server.js';
import { FolderBlobStore } from './folder-blob-store.js';

// The renames and flushes are the disk work an upload's answer waits for: logged here in the
// order they are done (each once done, for real), a shard folder's making aside.
const steps = vi.hoisted((): string[][] => []);
vi.mock('@keepsake/durable-files', async (importOriginal) => {
  const real = await importOriginal<typeof import('@keepsake/durable-files')>();
  return {
    ...real,
    flush: async (path: string) => {
      await real.flush(path);
      steps.push(['flush', path]);
    },
    flushFolder: async (path: string) => {
      await real.flushFolder(path);
      steps.push(['flushFolder', path]);
    },
  };
});
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const rename = (from: string, to: string) => {
    real.renameSync(from, to);
    steps.push(['rename', from, to]);
  };
  return { ...real, default: { ...real, renameSync: rename }, renameSync: rename };
});

describe('FolderBlobStore', () => {
  it('stores bytes it holds already by the same disk work as new ones: no answer comes sooner for them', async () => {
    const dir = tempDir();
    const blobs = new FolderBlobStore(join(dir, 'blobs'));
    const bytes = 'a photo someone else may have uploaded';
    const hash = asBlobHash(sha256Of(bytes));
    const target = blobs.pathOf(hash);
    /** Adopts a received copy of the bytes; answers the disk work it did on the way. */
    const adopt = async (name: string) => {
      const received = join(dir, name);
      writeFileSync(received, bytes);
      steps.length = 0;
      await blobs.adoptFile(hash, received);
      return steps.map((step) => step.map((path) => (path === received ? 'received' : path)));
    };

    const first = await adopt('first upload');
    expect(first).toEqual([
      ['flush', 'received'],
      ['rename', 'received', target],
      ['flushFolder', dirname(target)],
    ]);
    // A reader of the stored blob keeps reading it while the same bytes replace it.
    const reader = openSync(target, 'r');
    expect(await adopt('the same bytes again')).toEqual(first);
    const read = Buffer.alloc(bytes.length);
    readSync(reader, read);
    closeSync(reader);
    expect(read.toString('utf8')).toBe(bytes);
    expect(readFileSync(target, 'utf8')).toBe(bytes);
  });
});
