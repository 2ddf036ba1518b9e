import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetId, BlobHash, IndexEntry, VersionId } from '@keepsake/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileFacts } from '../scanner/file-facts.js';
import { statFile } from '../scanner/walk-folder.js';
import { openAgentState, type StateDb } from '../state/agent-state.js';
import { AgentFiles } from './agent-files.js';
import { settleInterruptedCaseRenames } from './case-folding.js';
import { IndexStore } from './index-store.js';

// A case rename a crash interrupted, on real files and a real state database: journaled, then
// the process died before its record. (On this test's file system the two spellings are two
// names; what is checked is which of them the folder lists, as on a folding one.)

const HASH = 'ab'.repeat(32) as BlobHash;
const entry = (placement: string): IndexEntry => ({
  hash: HASH,
  size: 5,
  assetId: HASH as string as AssetId,
  versionId: 'op-000001' as VersionId,
  resources: { original: { hash: HASH, size: 5, ext: 'jpg' } },
  meta: {},
  role: 'main',
  placement,
  conflictCopy: false,
});

let folder: string;
let db: StateDb;
let deps: { db: StateDb; files: AgentFiles; facts: FileFacts; index: IndexStore };
beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'keepsake-case-'));
  db = openAgentState(folder);
  deps = { db, files: new AgentFiles(folder), facts: new FileFacts(db), index: new IndexStore(db) };
  await deps.files.prepare();
  writeFileSync(join(folder, 'IMG_2.jpg'), 'photo');
  const stat = statFile(folder, 'IMG_2.jpg');
  if (!stat) throw new Error('the photo was just written');
  deps.facts.record([{ ...stat, hash: HASH }], false);
  deps.index.put('IMG_2.jpg', entry('IMG_2.jpg'));
  db.prepare(
    'INSERT INTO case_renames (from_path, to_path, entry, stat, hash) VALUES (?, ?, ?, ?, ?)',
  ).run('IMG_2.jpg', 'img_2.jpg', JSON.stringify(entry('IMG_2.jpg')), JSON.stringify(stat), HASH);
});
afterEach(() => {
  db.close();
  rmSync(folder, { recursive: true, force: true });
});

const journaled = () => db.prepare('SELECT count(*) FROM case_renames').pluck().get();

describe('settleInterruptedCaseRenames', () => {
  it('records a rename the folder shows done under its new name, as the file was', async () => {
    const before = deps.facts.get('IMG_2.jpg');
    renameSync(join(folder, 'IMG_2.jpg'), join(folder, 'img_2.jpg'));
    await settleInterruptedCaseRenames(deps);
    expect(deps.facts.get('IMG_2.jpg')).toBeUndefined();
    expect(deps.facts.get('img_2.jpg')).toEqual(before);
    expect(deps.index.get('IMG_2.jpg')).toBeUndefined();
    expect(deps.index.get('img_2.jpg')).toEqual(entry('IMG_2.jpg'));
    expect(journaled()).toBe(0);
  });

  it('finishes a rename stopped under its temporary name, which the walk would not see', async () => {
    renameSync(join(folder, 'IMG_2.jpg'), join(folder, 'img_2.jpg.keepsake-case.tmp'));
    await settleInterruptedCaseRenames(deps);
    expect(readdirSync(folder).filter((name) => name.endsWith('.jpg'))).toEqual(['img_2.jpg']);
    expect(deps.index.get('img_2.jpg')).toEqual(entry('IMG_2.jpg'));
    expect(journaled()).toBe(0);
  });

  it('does not take another file saved under the new name since for the renamed one', async () => {
    rmSync(join(folder, 'IMG_2.jpg'));
    writeFileSync(join(folder, 'img_2.jpg'), 'another photo, saved after the crash');
    await settleInterruptedCaseRenames(deps);
    expect(deps.facts.get('img_2.jpg')).toBeUndefined();
    expect(deps.index.get('img_2.jpg')).toBeUndefined();
    expect(journaled()).toBe(0);
  });

  it('forgets a rename in a folder that is gone, and goes on', async () => {
    db.prepare(
      'INSERT INTO case_renames (from_path, to_path, entry, stat, hash) VALUES (?, ?, ?, ?, ?)',
    ).run('Trip/A.jpg', 'Trip/a.jpg', JSON.stringify(entry('Trip/A.jpg')), '{}', HASH);
    renameSync(join(folder, 'IMG_2.jpg'), join(folder, 'img_2.jpg'));
    await settleInterruptedCaseRenames(deps);
    expect(deps.index.get('img_2.jpg')).toEqual(entry('IMG_2.jpg'));
    expect(journaled()).toBe(0);
  });

  it('forgets a rename the folder does not show, and leaves the file as recorded', async () => {
    const before = deps.facts.get('IMG_2.jpg');
    await settleInterruptedCaseRenames(deps);
    expect(deps.facts.get('IMG_2.jpg')).toEqual(before);
    expect(deps.facts.get('img_2.jpg')).toBeUndefined();
    expect(deps.index.get('IMG_2.jpg')).toEqual(entry('IMG_2.jpg'));
    expect(journaled()).toBe(0);
  });
});
