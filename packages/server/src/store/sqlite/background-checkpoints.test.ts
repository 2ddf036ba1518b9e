import { asUserId, opSchema } from '@keepsake/core';
import Database from 'better-sqlite3';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { importOpFor, registerBlobs } from '../../test-support/ops.js';
import { tempDir } from '../../test-support/temp-dir.js';
import { checkpointInBackground } from './background-checkpoints.js';
import { SqliteMetadataStore } from './sqlite-metadata-store.js';

const ALICE = asUserId('user-alice');

/** The change rows in the database file itself: a copy of it, without the WAL beside it. */
function changesInDatabaseFile(file: string): number {
  const copy = `${file}.copy`;
  copyFileSync(file, copy);
  const db = new Database(copy);
  try {
    // The schema itself may still be only in the WAL.
    const made = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'changes'").get();
    return made ? (db.prepare('SELECT count(*) FROM changes').pluck().get() as number) : 0;
  } finally {
    db.close();
  }
}

describe('background checkpoints', () => {
  it('copy committed ops into the database file without the writer checkpointing', async () => {
    const file = join(tempDir(), 'meta.db');
    const store = new SqliteMetadataStore(file);
    try {
      await store.createUser(
        { id: ALICE, name: 'alice', passwordHash: null, isAdmin: false, quotaBytes: null },
        0,
      );
      const op = opSchema.parse(importOpFor('device-a', 'photo', 'IMG_0001.JPG'));
      await registerBlobs(store, ALICE, [op]);
      await store.submitOps(ALICE, [op], { nowMs: Date.now(), maxDriftMs: 60_000 });
      // A handful of WAL frames: far below the writer's auto-checkpoint, so only the
      // background thread can have moved them.
      for (let waited = 0; changesInDatabaseFile(file) === 0 && waited < 10_000; waited += 50) {
        await sleep(50);
      }
      expect(changesInDatabaseFile(file)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('say a failure once while it lasts, not every time they try', async () => {
    // Not a database: every checkpoint fails with SQLITE_NOTADB, as on a disk that went bad.
    const file = join(tempDir(), 'meta.db');
    writeFileSync(file, Buffer.alloc(8192, 7));
    const failures: Error[] = [];
    const stop = checkpointInBackground(file, (error) => failures.push(error));
    try {
      for (let waited = 0; failures.length === 0 && waited < 10_000; waited += 50) {
        await sleep(50);
      }
      // Some twenty more tries.
      await sleep(1000);
      expect(failures.map((error) => error.message)).toEqual(['file is not a database']);
    } finally {
      await stop();
    }
  });

  it('say it when the database cannot be opened at all', async () => {
    const failures: Error[] = [];
    const stop = checkpointInBackground(join(tempDir(), 'gone.db'), (error) =>
      failures.push(error),
    );
    for (let waited = 0; failures.length === 0 && waited < 10_000; waited += 50) await sleep(50);
    await stop();
    expect(failures.map((error) => error.message)).toEqual(['unable to open database file']);
  });
});
