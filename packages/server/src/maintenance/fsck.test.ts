import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dataPaths } from '../start-server.js';
import { importOpFor } from '../test-support/ops.js';
import { sha256Of, startTestServer, uploadBlob } from '../test-support/test-server.js';
import { fsck } from './fsck.js';
import { openDataDir } from './open-stores.js';

async function dataDirWithTwoPhotos() {
  const t = await startTestServer();
  const alice = await t.userWithDevice('alice');
  const photos = [randomBytes(5000), randomBytes(7000)];
  for (const [i, photo] of photos.entries()) {
    await uploadBlob(t.api, alice.token, photo);
    await t.api('/api/v1/ops', {
      token: alice.token,
      body: { ops: [importOpFor(alice.deviceId, photo, `IMG_${i}.JPG`)] },
    });
  }
  return { t, hashes: photos.map((p) => sha256Of(p)) };
}

async function check(dataDir: string) {
  const opened = openDataDir(dataDir);
  if (!opened) throw new Error('no data dir');
  try {
    return { report: await fsck(opened.store, opened.blobs), blobs: opened.blobs };
  } finally {
    await opened.store.close();
  }
}

describe('fsck', () => {
  it('finds nothing wrong with a healthy data directory', async () => {
    const { t } = await dataDirWithTwoPhotos();
    const { report } = await check(t.dataDir);
    expect(report).toMatchObject({ problems: [], notes: [], blobsChecked: 2, assetsChecked: 2 });
  });

  it('lists a blob whose bytes changed and a blob that went missing', async () => {
    const { t, hashes } = await dataDirWithTwoPhotos();
    const [flipped = '', gone = ''] = hashes;
    const { blobs } = await check(t.dataDir);
    writeFileSync(blobs.pathOf(flipped as never), randomBytes(5000));
    rmSync(blobs.pathOf(gone as never));
    const { report } = await check(t.dataDir);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`blob ${flipped}: its bytes hash to`),
        expect.stringContaining(`blob ${gone}: missing`),
      ]),
    );
  });

  it('notes a blob recorded but held by nothing, which collection would never free', async () => {
    const { t } = await dataDirWithTwoPhotos();
    // As a crash between forgetting a photo and its thumbnail once left one: a record, and
    // bytes, that no library claims and no photo names as its thumbnail.
    const orphan = randomBytes(300);
    const { blobs } = await check(t.dataDir);
    mkdirSync(dirname(blobs.pathOf(sha256Of(orphan) as never)), { recursive: true });
    writeFileSync(blobs.pathOf(sha256Of(orphan) as never), orphan);
    const db = new Database(dataPaths(t.dataDir).database);
    db.prepare('INSERT INTO blobs (hash, size, created_at) VALUES (?, ?, 0)').run(
      sha256Of(orphan),
      orphan.length,
    );
    db.close();
    const { report } = await check(t.dataDir);
    expect(report.problems).toEqual([]);
    expect(report.notes).toEqual([
      expect.stringContaining(`blob ${sha256Of(orphan)} is recorded, but no library holds it`),
    ]);
  });

  it('notes blob files the database does not know without calling them a problem', async () => {
    const { t } = await dataDirWithTwoPhotos();
    const { blobs } = await check(t.dataDir);
    // Several, so that some sort before, between and after the blobs the database knows.
    const strays = Array.from({ length: 8 }, () => randomBytes(100));
    for (const stray of strays) {
      const path = blobs.pathOf(sha256Of(stray) as never);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, stray);
    }
    const { report } = await check(t.dataDir);
    expect(report.problems).toEqual([]);
    expect(report.notes).toHaveLength(strays.length);
    for (const stray of strays) {
      expect(report.notes).toContainEqual(expect.stringContaining(sha256Of(stray)));
    }
  });

  it('reports that there is no data directory', () => {
    expect(openDataDir(join(process.cwd(), 'no-such-keepsake-data'))).toBeUndefined();
  });
});
