import {
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flush, flushFd, flushFolder, foldersFlushed, makeFolders } from './durable-files.js';

// A power cut cannot be staged here: these show each call does its file-system work and
// reports failures; that the flushes reach the disk is the kernel's promise for fsync.
describe('durable files', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'keepsake-durable-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('makes every missing folder on the way, and is a no-op for one that exists', async () => {
    const deep = join(root, 'a', 'b', 'c');
    await makeFolders(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await makeFolders(deep);
    await makeFolders(join(root, 'a', 'b', 'd'));
    expect(statSync(join(root, 'a', 'b', 'd')).isDirectory()).toBe(true);
  });

  it('refuses a folder where a file stands, and leaves the file', async () => {
    writeFileSync(join(root, 'photo.jpg'), 'bytes');
    await expect(makeFolders(join(root, 'photo.jpg', 'x'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
    expect(statSync(join(root, 'photo.jpg')).isFile()).toBe(true);
  });

  it('flushes files and folders by path and by descriptor, and says which path is missing', async () => {
    const file = join(root, 'blob');
    const fd = openSync(file, 'w');
    writeSync(fd, 'bytes');
    await flushFd(fd);
    closeSync(fd);
    await flush(file);
    await flush(root);
    await expect(flush(join(root, 'gone'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('lets a file renamed into a folder another call is still making wait for its flush', async () => {
    const shard = join(root, 'ab', 'cd');
    const making = makeFolders(shard);
    // The folder exists at once (mkdir is synchronous); its entry's flush is still running, and
    // no fsync can finish while only microtasks run.
    expect(statSync(shard).isDirectory()).toBe(true);
    let waited = false;
    const waiting = foldersFlushed(shard).then(() => {
      waited = true;
    });
    for (let turn = 0; turn < 20; turn++)
      await new Promise<void>((r) => {
        queueMicrotask(r);
      });
    expect(waited).toBe(false);
    await making;
    await waiting;
    expect(waited).toBe(true);
    await flushFolder(root);
  });
});
