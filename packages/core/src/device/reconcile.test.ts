import { describe, expect, it } from 'vitest';
import { planFolder, type PlannedFile } from '../layout/folder-layout.js';
import { asOpId, versionIdOf } from '../model/ids.js';
import type { MemoryLibrary } from '../model/library.js';
import { libraryWith } from '../test-support/library-fixture.js';
import {
  PHONE,
  editOp,
  hashOf,
  importOp,
  resource,
  trashOp,
  vid,
} from '../test-support/op-builders.js';
import type { FileFacts, IndexEntry, LocalIndex } from './local-index.js';
import { indexEntryFor, planFolderChanges } from './reconcile.js';

const PHOTO = '2026/04/IMG_0001.HEIC';
const VIDEO = '2026/04/IMG_0001.MOV';

const photo = importOp({ device: PHONE, path: PHOTO, bytes: 'photo 1' });
const v0 = vid(photo);
const edit = editOp({ device: PHONE, asset: photo, render: 'photo 1, edited', context: [v0] });

/** The library with the photo as imported; with it edited; with it trashed. */
const imported = (): MemoryLibrary => libraryWith(photo);
const edited = (): MemoryLibrary => libraryWith(photo, edit);
const trashed = (): MemoryLibrary => libraryWith(photo, trashOp({ asset: photo, context: [v0] }));

const NOTHING = { writes: [], removals: [], adopt: [], forget: [] };

function plannedAt(library: MemoryLibrary, path: string): PlannedFile {
  const file = planFolder(library).get(path);
  if (!file) throw new Error(`test expected ${path} in the plan`);
  return file;
}

/** The index entry a device holds after it synced `path` from this library. */
const syncedFrom = (library: MemoryLibrary, path: string): IndexEntry =>
  indexEntryFor(library, plannedAt(library, path));

const folderOf = (files: Record<string, string>): Map<string, FileFacts> =>
  new Map(
    Object.entries(files).map(([path, bytes]) => [
      path,
      { hash: hashOf(bytes), size: bytes.length },
    ]),
  );

const indexOf = (entries: Record<string, IndexEntry>): LocalIndex =>
  new Map(Object.entries(entries));

describe('planFolderChanges: planned files', () => {
  it('writes a planned file that is missing and unknown to the index', () => {
    const library = imported();
    const changes = planFolderChanges(planFolder(library), folderOf({}), indexOf({}));
    expect(changes).toEqual({ ...NOTHING, writes: [plannedAt(library, PHOTO)] });
  });

  it('adopts a file that already holds the planned bytes but is not indexed', () => {
    const library = imported();
    const changes = planFolderChanges(
      planFolder(library),
      folderOf({ [PHOTO]: 'photo 1' }),
      indexOf({}),
    );
    expect(changes).toEqual({ ...NOTHING, adopt: [plannedAt(library, PHOTO)] });
  });

  it('adopts a file with the planned bytes whose index entry names another version', () => {
    const library = imported();
    const stale = {
      ...syncedFrom(library, PHOTO),
      versionId: versionIdOf(asOpId('an-older-version')),
    };
    const changes = planFolderChanges(
      planFolder(library),
      folderOf({ [PHOTO]: 'photo 1' }),
      indexOf({ [PHOTO]: stale }),
    );
    expect(changes).toEqual({ ...NOTHING, adopt: [plannedAt(library, PHOTO)] });
  });

  it('does nothing when the file and its index entry already match the plan', () => {
    const library = imported();
    const changes = planFolderChanges(
      planFolder(library),
      folderOf({ [PHOTO]: 'photo 1' }),
      indexOf({ [PHOTO]: syncedFrom(library, PHOTO) }),
    );
    expect(changes).toEqual(NOTHING);
  });

  it('overwrites a file unchanged since it was synced when the plan wants other bytes', () => {
    // Synced at the import; another device's edit has since arrived.
    const library = edited();
    const changes = planFolderChanges(
      planFolder(library),
      folderOf({ [PHOTO]: 'photo 1' }),
      indexOf({ [PHOTO]: syncedFrom(imported(), PHOTO) }),
    );
    expect(changes).toEqual({ ...NOTHING, writes: [plannedAt(library, PHOTO)] });
    expect(changes.writes[0]?.hash).toBe(hashOf('photo 1, edited'));
  });

  it.each([
    ['a remote edit wants other bytes', edited],
    ['the plan still wants the synced bytes', imported],
  ])('never overwrites a file the user changed since it was synced (%s)', (_case, library) => {
    const changes = planFolderChanges(
      planFolder(library()),
      folderOf({ [PHOTO]: 'my own edit, not scanned yet' }),
      indexOf({ [PHOTO]: syncedFrom(imported(), PHOTO) }),
    );
    expect(changes).toEqual(NOTHING);
  });

  it('does not write back a planned file the user deleted: the scan sees it first', () => {
    const library = imported();
    const changes = planFolderChanges(
      planFolder(library),
      folderOf({}),
      indexOf({ [PHOTO]: syncedFrom(library, PHOTO) }),
    );
    expect(changes).toEqual(NOTHING);
  });
});

describe('planFolderChanges: files the plan no longer has', () => {
  it('moves an unchanged file that is no longer planned into the local trash', () => {
    const changes = planFolderChanges(
      planFolder(trashed()),
      folderOf({ [PHOTO]: 'photo 1' }),
      indexOf({ [PHOTO]: syncedFrom(imported(), PHOTO) }),
    );
    expect(changes).toEqual({ ...NOTHING, removals: [PHOTO] });
  });

  it('leaves alone a file no longer planned that the user changed since it was synced', () => {
    const changes = planFolderChanges(
      planFolder(trashed()),
      folderOf({ [PHOTO]: 'my own edit, not scanned yet' }),
      indexOf({ [PHOTO]: syncedFrom(imported(), PHOTO) }),
    );
    expect(changes).toEqual(NOTHING);
  });

  it('forgets the index entry of a file that is gone and no longer planned', () => {
    const changes = planFolderChanges(
      planFolder(trashed()),
      folderOf({}),
      indexOf({ [PHOTO]: syncedFrom(imported(), PHOTO) }),
    );
    expect(changes).toEqual({ ...NOTHING, forget: [PHOTO] });
  });

  it('leaves alone a file the index never knew', () => {
    const changes = planFolderChanges(
      planFolder(imported()),
      folderOf({ [PHOTO]: 'photo 1', 'notes/todo.txt': 'milk' }),
      indexOf({ [PHOTO]: syncedFrom(imported(), PHOTO) }),
    );
    expect(changes).toEqual(NOTHING);
  });
});

describe('indexEntryFor', () => {
  const live = importOp({
    device: PHONE,
    path: PHOTO,
    bytes: 'still',
    meta: { contentId: 'CID-1' },
    live: { bytes: 'the video', ext: 'MOV' },
  });
  const liveEdit = editOp({
    device: PHONE,
    asset: live,
    render: 'still, edited',
    live: { bytes: 'the video', ext: 'MOV' },
    meta: { contentId: 'CID-1', orientation: 6 },
    context: [vid(live)],
  });

  it("gives the main file the version's resources and the render's size", () => {
    const library = libraryWith(live, liveEdit);
    const file = plannedAt(library, PHOTO);

    const entry = indexEntryFor(library, file);

    expect(entry).toEqual({
      hash: hashOf('still, edited'),
      size: 'still, edited'.length,
      assetId: live.payload.assetId,
      versionId: vid(liveEdit),
      resources: {
        original: resource('still', 'HEIC'),
        live: resource('the video', 'MOV'),
        render: resource('still, edited', 'HEIC'),
      },
      meta: { contentId: 'CID-1', orientation: 6 },
      role: 'main',
      placement: PHOTO,
      conflictCopy: false,
    });
  });

  it("gives a companion its own role's size", () => {
    const library = libraryWith(live, liveEdit);
    const entry = indexEntryFor(library, plannedAt(library, VIDEO));
    expect(entry).toMatchObject({
      hash: hashOf('the video'),
      size: 'the video'.length,
      role: 'live',
      placement: PHOTO,
      versionId: vid(liveEdit),
    });
  });

  it("gives an unedited main file the original's size", () => {
    const library = libraryWith(live);
    const entry = indexEntryFor(library, plannedAt(library, PHOTO));
    expect(entry).toMatchObject({ hash: hashOf('still'), size: 'still'.length, role: 'main' });
  });

  it('refuses a planned file that names a version its asset does not have', () => {
    const library = imported();
    const file = {
      ...plannedAt(library, PHOTO),
      versionId: versionIdOf(asOpId('no-such-version')),
    };
    expect(() => indexEntryFor(library, file)).toThrow(/names version no-such-version/);
  });
});
