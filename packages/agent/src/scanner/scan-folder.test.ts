import { createHash, randomBytes } from 'node:crypto';
import {
  readFileSync,
  readdirSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAgentState, type StateDb } from '../state/agent-state.js';
import { FileFacts } from './file-facts.js';
import { FileHasher } from './file-hasher.js';
import { FolderScanner, type FolderScan } from './scan-folder.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

let folder: string;
let db: StateDb;
let hasher: FileHasher;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'keepsake-scan-'));
  db = openAgentState(folder);
  hasher = new FileHasher(2);
});
afterEach(async () => {
  db.close();
  await hasher.close();
  rmSync(folder, { recursive: true, force: true });
});

const put = (path: string, bytes: Buffer | string) => {
  mkdirSync(dirname(join(folder, path)), { recursive: true });
  writeFileSync(join(folder, path), bytes);
};
/** A look, with what it recorded of every file (its durable form) as a map by path. */
const withFiles = async (look: Promise<FolderScan>) => {
  const result = await look;
  const files = new Map(
    [...new FileFacts(db).all()].map((f) => [f.path, { hash: f.hash, size: f.size }]),
  );
  return { ...result, files };
};
const scan = () => withFiles(new FolderScanner(folder, new FileFacts(db), hasher).scan());

describe('scanFolder', () => {
  it('hashes every file once, then only what changed', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    put('2024/05/IMG_0001.HEIC', big);
    put('2024/05/IMG_0001.MOV', 'live video');
    put('IMG_0002.JPG', 'a photo');

    const first = await scan();
    expect(first.hashed).toBe(3);
    expect(Object.fromEntries(first.files)).toEqual({
      '2024/05/IMG_0001.HEIC': { hash: sha256(big), size: big.length },
      '2024/05/IMG_0001.MOV': { hash: sha256('live video'), size: 10 },
      'IMG_0002.JPG': { hash: sha256('a photo'), size: 7 },
    });

    expect((await scan()).hashed).toBe(0);

    // Same size, new bytes: the modification time gives it away.
    put('IMG_0002.JPG', 'A PHOTO');
    const future = new Date(Date.now() + 5000);
    utimesSync(join(folder, 'IMG_0002.JPG'), future, future);
    const edited = await scan();
    expect(edited.hashed).toBe(1);
    expect(edited.files.get('IMG_0002.JPG')?.hash).toBe(sha256('A PHOTO'));
  });

  it('leaves a file modified within the settle time for a later scan', async () => {
    put('import/IMG_0009.JPG', 'still arriving');
    const past = new Date(Date.now() - 60_000);
    put('import/IMG_0008.JPG', 'arrived a minute ago');
    utimesSync(join(folder, 'import/IMG_0008.JPG'), past, past);
    const look = await withFiles(
      new FolderScanner(folder, new FileFacts(db), hasher, 10_000).scan(),
    );
    expect(look.changing).toEqual(['import/IMG_0009.JPG']);
    expect([...look.files.keys()]).toEqual(['import/IMG_0008.JPG']);
  });

  it('does not read a moved or renamed file again, on this scan or the next', async () => {
    put('inbox/IMG_0003.JPG', 'moving photo');
    await scan();
    mkdirSync(join(folder, 'sorted'));
    renameSync(join(folder, 'inbox/IMG_0003.JPG'), join(folder, 'sorted/IMG_0003.JPG'));

    const moved = await scan();
    expect(moved.hashed).toBe(0);
    expect([...moved.files.keys()]).toEqual(['sorted/IMG_0003.JPG']);
    expect(moved.files.get('sorted/IMG_0003.JPG')?.hash).toBe(sha256('moving photo'));
    expect((await scan()).hashed).toBe(0);
  });

  it('forgets deleted files', async () => {
    put('a.JPG', 'a');
    put('b.JPG', 'b');
    await scan();
    rmSync(join(folder, 'a.JPG'));
    expect([...(await scan()).files.keys()]).toEqual(['b.JPG']);
    // Put back with the same bytes: its modification time is new, so it is read again.
    put('a.JPG', 'a');
    expect((await scan()).hashed).toBe(1);
  });

  it('leaves out what operating systems, NAS boxes and editors leave behind, its own folder and .keepsakeignore', async () => {
    put('IMG_0004.JPG', 'kept');
    for (const litter of [
      '.DS_Store',
      '._IMG_0004.JPG',
      'Thumbs.db',
      '@eaDir/IMG_0004.JPG/SYNOPHOTO_THUMB_XL.jpg',
      'IMG_0005.JPG.part',
      'export.crdownload',
      'notes.txt~',
      'drafts/IMG_0006.JPG',
      'layers/IMG_0007.psd',
    ]) {
      put(litter, 'litter');
    }
    writeFileSync(join(folder, '.keepsakeignore'), '# mine\ndrafts/\n*.psd\n');
    symlinkSync(join(folder, 'IMG_0004.JPG'), join(folder, 'link.JPG'));
    // The agent's own state (.keepsake/state.db) is in the folder too.
    expect([...(await scan()).files.keys()]).toEqual(['IMG_0004.JPG']);
  });

  it('follows a changed .keepsakeignore without being restarted', async () => {
    put('IMG_0008.JPG', 'kept');
    put('scans/page-1.tiff', 'a scanned letter');
    const scanner = new FolderScanner(folder, new FileFacts(db), hasher);
    expect((await withFiles(scanner.scan())).files.size).toBe(2);
    writeFileSync(join(folder, '.keepsakeignore'), 'scans/\n');
    expect([...(await withFiles(scanner.scan())).files.keys()]).toEqual(['IMG_0008.JPG']);
  });

  it('reports a file whose name is not valid UTF-8 instead of passing over it', async () => {
    put('IMG_0009.JPG', 'fine');
    // "café.JPG" as an old camera or a zip from Windows wrote it: Latin-1, not UTF-8.
    const latin1 = Buffer.concat([
      Buffer.from(`${folder}/caf`),
      Buffer.from([0xe9]),
      Buffer.from('.JPG'),
    ]);
    writeFileSync(latin1, 'a photo with an old name');
    const result = await scan();
    expect([...result.files.keys()]).toEqual(['IMG_0009.JPG']);
    expect(result.unreadable).toEqual([
      {
        path: 'caf\uFFFD.JPG',
        reason: expect.stringMatching(/not valid UTF-8; rename/) as unknown,
      },
    ]);
  });
});

describe('names in another Unicode normalization', () => {
  const nfd = 'Cafe\u0301'; // "Café" as macOS writes it: e + combining acute accent
  const nfc = nfd.normalize('NFC');

  it('renames an NFD name to the NFC the library uses, on a file system that tells them apart', async () => {
    mkdirSync(join(folder, nfd));
    put(`${nfd}/${nfd}.jpg`, 'a photo copied from a Mac');
    const result = await scan();
    expect([...result.files.keys()]).toEqual([`${nfc}/${nfc}.jpg`]);
    expect(readdirSync(folder).filter((n) => !n.startsWith('.'))).toEqual([nfc]);
    expect(readdirSync(join(folder, nfc))).toEqual([`${nfc}.jpg`]);
  });

  it('reports two names that only normalization tells apart, and syncs the NFC one', async () => {
    put(`${nfc}.jpg`, 'one photo');
    put(`${nfd}.jpg`, 'another photo');
    const result = await scan();
    expect([...result.files.keys()]).toEqual([`${nfc}.jpg`]);
    expect(result.unreadable).toEqual([
      {
        path: `${nfd}.jpg`,
        reason: expect.stringMatching(/only in Unicode normalization/) as unknown,
      },
    ]);
  });
});

describe('FileHasher', () => {
  it('says which file could not be read, and why', async () => {
    await expect(hasher.hash(join(folder, 'missing.JPG'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('reads a big import a slice per look, leaving the rest for the next look and losing nothing', async () => {
    for (let i = 0; i < 5; i++) put(`import/IMG_000${String(i)}.JPG`, randomBytes(1000));
    // Each look may start reading until 1500 bytes are under way: two files a look.
    const scanner = new FolderScanner(folder, new FileFacts(db), hasher, 0, () => 1500);
    const looks = [];
    for (let i = 0; i < 4; i++) looks.push(await withFiles(scanner.scan()));
    expect(looks.map((look) => [look.hashed, look.unread, look.files.size])).toEqual([
      [2, 3, 2],
      [2, 1, 4],
      [1, 0, 5],
      [0, 0, 5],
    ]);
    // Files left unread say the next look has work now; the last looks have none.
    expect(looks[0]?.settlesAt).toBeLessThanOrEqual(Date.now());
    expect(looks[3]?.settlesAt).toBeUndefined();

    // A move that made a new inode (a copy, then a delete), beside new files: while any file
    // is left unread, the vanished one stays known (it may be the move's unread end).
    const moved = looks[3]?.files.get('import/IMG_0000.JPG');
    renameSync(join(folder, 'import/IMG_0000.JPG'), join(folder, 'old.tmp'));
    put('later/IMG_0000.JPG', readFileSync(join(folder, 'old.tmp')));
    rmSync(join(folder, 'old.tmp'));
    for (let i = 0; i < 3; i++) put(`later/new-${String(i)}.JPG`, randomBytes(1000));
    for (let look = await withFiles(scanner.scan()); ; look = await withFiles(scanner.scan())) {
      if (look.unread === 0) {
        expect(look.files.has('import/IMG_0000.JPG')).toBe(false);
        expect(look.files.get('later/IMG_0000.JPG')).toEqual(moved);
        break;
      }
      expect(look.files.get('import/IMG_0000.JPG')).toEqual(moved);
    }
  });

  it('does not let files that cannot be read use up a look', async () => {
    put('locked.JPG', randomBytes(2000));
    put('b.JPG', randomBytes(1000));
    put('c.JPG', randomBytes(1000));
    // The system refuses to read one file (simulated: these tests may run as root, who reads
    // anything). Whatever order the walk finds them in, the first look reads the others.
    const refusing = {
      hash: (path: string) =>
        path.endsWith('locked.JPG')
          ? Promise.reject(Object.assign(new Error('permission denied'), { code: 'EACCES' }))
          : hasher.hash(path),
    } as unknown as FileHasher;
    const scanner = new FolderScanner(folder, new FileFacts(db), refusing, 0, () => 1500);
    let look = await withFiles(scanner.scan());
    expect([...look.files.keys()].sort()).toEqual(['b.JPG', 'c.JPG']);
    if (look.unread > 0) look = await withFiles(scanner.scan());
    expect(look.unreadable).toEqual([{ path: 'locked.JPG', reason: 'EACCES' }]);
  });
});
