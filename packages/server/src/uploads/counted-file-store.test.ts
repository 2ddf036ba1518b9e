import { Upload } from '@tus/utils';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.js';
import { CountedFileStore } from './counted-file-store.js';

const upload = (id: string, owner: string, size: number) =>
  new Upload({ id, size, offset: 0, metadata: { owner, sha256: 'a'.repeat(64) } });

describe('CountedFileStore', () => {
  it("counts each owner's unfinished uploads, and counts them again after a restart", async () => {
    const directory = tempDir();
    const store = new CountedFileStore({ directory });
    await store.create(upload('u1', 'alice', 1000));
    await store.create(upload('u2', 'alice', 500));
    await store.create(upload('u3', 'bob', 7));
    expect(await store.inProgress('alice')).toEqual({ uploads: 2, bytes: 1500 });
    await store.remove('u1');
    expect(await store.inProgress('alice')).toEqual({ uploads: 1, bytes: 500 });

    // A new process finds the count in the records left on disk.
    const restarted = new CountedFileStore({ directory });
    expect(await restarted.inProgress('alice')).toEqual({ uploads: 1, bytes: 500 });
    expect(await restarted.inProgress('bob')).toEqual({ uploads: 1, bytes: 7 });
    expect(await restarted.inProgress('carol')).toEqual({ uploads: 0, bytes: 0 });
  });

  it('counts afresh from the records after a removal fails', async () => {
    const directory = tempDir();
    const store = new CountedFileStore({ directory });
    await store.create(upload('u1', 'alice', 1000));
    await expect(store.remove('missing')).rejects.toBeDefined();
    expect(await store.inProgress('alice')).toEqual({ uploads: 1, bytes: 1000 });
  });
});
