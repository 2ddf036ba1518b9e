import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentFiles } from './agent-files.js';

// The only ways the agent writes to a user's folder, on real files: a file appears whole under
// its name, or leaves into the local trash, and neither happens to a file the user changed.

let folder: string;
let files: AgentFiles;
beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'keepsake-files-'));
  files = new AgentFiles(folder);
  await files.prepare();
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** A verified download, as the transfer leaves it. */
function download(hash: string, bytes: string): string {
  writeFileSync(files.downloadedFile(hash), bytes);
  return files.downloadedFile(hash);
}

const leftInTmp = () => readdirSync(join(files.root, 'tmp'));

describe('AgentFiles.place', () => {
  it('puts the bytes under the name, in a folder it makes, and leaves no temp file', async () => {
    const placed = await files.place(download('a1', 'photo'), '2026/05/a.jpg', () => true);
    expect(readFileSync(join(folder, '2026/05/a.jpg'), 'utf8')).toBe('photo');
    expect(placed?.path).toBe('2026/05/a.jpg');
    expect(leftInTmp()).toEqual([]);
  });

  it('leaves a file the user changed meanwhile as it is', async () => {
    writeFileSync(join(folder, 'a.jpg'), 'saved by the user');
    const placed = await files.place(download('a1', 'photo'), 'a.jpg', () => false);
    expect(placed).toBeUndefined();
    expect(readFileSync(join(folder, 'a.jpg'), 'utf8')).toBe('saved by the user');
    expect(leftInTmp()).toEqual([]);
  });

  it('gives a second placement of the same bytes a file of its own', async () => {
    const source = download('a1', 'photo');
    await files.place(source, 'a.jpg', () => true);
    await files.place(source, 'favourites/a.jpg', () => true);
    const inodes = ['a.jpg', 'favourites/a.jpg'].map((path) => statSync(join(folder, path)).ino);
    expect(inodes[0]).not.toBe(inodes[1]);
  });

  it('says which name is in the way when a file stands where a folder must go', async () => {
    writeFileSync(join(folder, '2026'), 'a file named like the folder');
    await expect(files.place(download('a1', 'photo'), '2026/a.jpg', () => true)).rejects.toThrow(
      '2026/a.jpg',
    );
    expect(leftInTmp()).toEqual([]);
  });
});

describe('AgentFiles.moveToTrash', () => {
  it('moves the file under the trash, stamped, keeping its path', async () => {
    mkdirSync(join(folder, '2026'));
    writeFileSync(join(folder, '2026/a.jpg'), 'photo');
    const when = new Date('2026-11-30T10:00:00.000Z');
    expect(await files.moveToTrash('2026/a.jpg', when, () => true)).toBe(true);
    expect(existsSync(join(folder, '2026/a.jpg'))).toBe(false);
    const trashed = join(files.trash, '2026-11-30T10-00-00-000Z', '2026/a.jpg');
    expect(readFileSync(trashed, 'utf8')).toBe('photo');
  });

  it('asks whether the file is still the one to remove only once the trash is ready, and keeps it if not', async () => {
    writeFileSync(join(folder, 'a.jpg'), 'photo');
    let askedWhenTrashReady = false;
    const removed = await files.moveToTrash('a.jpg', new Date(), () => {
      // The user saves the photo while the trash folder is being made: the check must see it.
      askedWhenTrashReady = readdirSync(files.trash).length > 0;
      writeFileSync(join(folder, 'a.jpg'), 'saved by the user');
      return false;
    });
    expect(askedWhenTrashReady).toBe(true);
    expect(removed).toBe(false);
    expect(readFileSync(join(folder, 'a.jpg'), 'utf8')).toBe('saved by the user');
  });
});
