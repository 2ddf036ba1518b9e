import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyLogEntry } from '../merge/apply-op.js';
import { sha256Hex } from '../model/hash.js';
import { createLibrary, type MemoryLibrary } from '../model/library.js';
import { libraryWith } from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  editOp,
  hashOf,
  importOp,
  placeOp,
  purgeOp,
  trashOp,
  vid,
} from '../test-support/op-builders.js';
import { planFiles, planFolder, type PlannedFile } from './folder-layout.js';
import { groupKey } from '../device/file-kinds.js';

/** path → [role, hash, conflict copy?]: what a device folder must hold. */
function layout(library: MemoryLibrary): Record<string, [PlannedFile['role'], string, boolean]> {
  const out: Record<string, [PlannedFile['role'], string, boolean]> = {};
  for (const [path, file] of planFolder(library)) {
    expect(file.path).toBe(path);
    out[path] = [file.role, file.hash, file.conflictCopy];
  }
  return out;
}

/** Two different byte strings whose hashes (the asset ids) share their first `n` hex digits. */
function collidingBytes(n: number, label: string): [string, string] {
  const seen = new Map<string, string>();
  for (let i = 0; ; i++) {
    const bytes = `${label} ${i}`;
    const prefix = sha256Hex(bytes).slice(0, n);
    const other = seen.get(prefix);
    if (other !== undefined) return [other, bytes];
    seen.set(prefix, bytes);
  }
}

const photo = importOp({ device: PHONE, path: '2026/04/IMG_0001.HEIC', bytes: 'photo 1' });

describe('planFolder', () => {
  it('plans a live asset at each of its placements', () => {
    const library = libraryWith(
      photo,
      placeOp({ device: LAPTOP, asset: photo, path: 'Best/IMG_0001.HEIC' }),
    );
    expect(layout(library)).toEqual({
      '2026/04/IMG_0001.HEIC': ['main', hashOf('photo 1'), false],
      'Best/IMG_0001.HEIC': ['main', hashOf('photo 1'), false],
    });
    const file = planFolder(library).get('Best/IMG_0001.HEIC');
    expect(file).toMatchObject({ assetId: photo.payload.assetId, versionId: vid(photo) });
  });

  it('writes the render as the main file once the asset is edited', () => {
    const edit = editOp({ asset: photo, render: 'edited', context: [vid(photo)] });
    expect(layout(libraryWith(photo, edit))).toEqual({
      '2026/04/IMG_0001.HEIC': ['main', hashOf('edited'), false],
    });
  });

  it('puts companions beside the main file under its base name with their own extensions', () => {
    const full = importOp({
      path: 'Trip/IMG_0100.HEIC',
      bytes: 'still',
      live: { bytes: 'video', ext: 'MOV' },
      raw: { bytes: 'raw', ext: 'DNG' },
      sidecar: { bytes: 'xmp', ext: 'xmp' },
    });
    const library = libraryWith(full, placeOp({ asset: full, path: 'Copy/Renamed.HEIC' }));
    expect(layout(library)).toEqual({
      'Trip/IMG_0100.HEIC': ['main', hashOf('still'), false],
      'Trip/IMG_0100.MOV': ['live', hashOf('video'), false],
      'Trip/IMG_0100.DNG': ['raw', hashOf('raw'), false],
      'Trip/IMG_0100.xmp': ['sidecar', hashOf('xmp'), false],
      'Copy/Renamed.HEIC': ['main', hashOf('still'), false],
      'Copy/Renamed.MOV': ['live', hashOf('video'), false],
      'Copy/Renamed.DNG': ['raw', hashOf('raw'), false],
      'Copy/Renamed.xmp': ['sidecar', hashOf('xmp'), false],
    });
  });

  it('plans an asset placed at a name without an extension at exactly that name', () => {
    const copy = placeOp({ asset: photo, path: 'Backup/IMG_0001' });
    expect(Object.keys(layout(libraryWith(photo, copy))).sort()).toEqual([
      '2026/04/IMG_0001.HEIC',
      'Backup/IMG_0001',
    ]);
  });

  it('plans nothing for trashed, purged or aliased assets', () => {
    const other = importOp({ path: 'x/IMG_2.HEIC', bytes: 'other' });
    const ctx = [vid(photo)];
    expect(layout(libraryWith(photo, trashOp({ asset: photo, context: ctx })))).toEqual({});
    expect(
      layout(
        libraryWith(
          photo,
          other,
          trashOp({ asset: photo, context: ctx }),
          purgeOp({ asset: photo, context: ctx }),
        ),
      ),
    ).toEqual({ 'x/IMG_2.HEIC': ['main', hashOf('other'), false] });

    const takenAt = '2026-04-01T08:00:00.000Z';
    const video = importOp({ path: 'L/IMG_7.MOV', bytes: 'video 7', meta: { takenAt } });
    const still = importOp({ path: 'L/IMG_7.HEIC', bytes: 'still 7', meta: { takenAt } });
    const paired = libraryWith(video, still);
    expect([...planFolder(paired).values()].map((f) => f.assetId)).not.toContain(
      video.payload.assetId,
    );
    expect(layout(paired)).toEqual({
      'L/IMG_7.HEIC': ['main', hashOf('still 7'), false],
      'L/IMG_7.MOV': ['live', hashOf('video 7'), false],
    });
  });

  describe('two assets that want the same name', () => {
    // Whichever order the ids sort in, the one placed first keeps the name.
    const [small, large] = ['same name a', 'same name b'].sort((a, b) =>
      sha256Hex(a) < sha256Hex(b) ? -1 : 1,
    ) as [string, string];

    it.each([
      ['larger id placed first', large, small],
      ['smaller id placed first', small, large],
    ])(
      'leaves the name to the first and suffixes the other with ~ and 4 id chars (%s)',
      (_n, first, second) => {
        const a = importOp({ device: PHONE, path: 'D/IMG_0001.HEIC', bytes: first });
        const b = importOp({ device: LAPTOP, path: 'D/IMG_0001.JPG', bytes: second, ext: 'JPG' });
        const library = libraryWith(a, b);
        expect(layout(library)).toEqual({
          'D/IMG_0001.HEIC': ['main', hashOf(first), false],
          [`D/IMG_0001~${sha256Hex(second).slice(0, 4)}.JPG`]: ['main', hashOf(second), false],
        });
      },
    );

    it('treats names that differ only in case as the same name', () => {
      const a = importOp({ path: 'D/img_0001.heic', bytes: large });
      const b = importOp({ path: 'D/IMG_0001.HEIC', bytes: small });
      expect(Object.keys(layout(libraryWith(a, b))).sort()).toEqual(
        [`D/IMG_0001~${sha256Hex(small).slice(0, 4)}.HEIC`, 'D/img_0001.heic'].sort(),
      );
    });

    it('lengthens the suffix until it is free', () => {
      const [x, y] = collidingBytes(4, 'collide');
      expect(sha256Hex(x).slice(0, 4)).toBe(sha256Hex(y).slice(0, 4));
      const owner = importOp({ path: 'D/IMG.HEIC', bytes: 'owner' });
      const first = importOp({ path: 'D/IMG.HEIC', bytes: x });
      const second = importOp({ path: 'D/IMG.HEIC', bytes: y });
      expect(Object.keys(layout(libraryWith(owner, first, second))).sort()).toEqual(
        [
          'D/IMG.HEIC',
          `D/IMG~${sha256Hex(x).slice(0, 4)}.HEIC`,
          `D/IMG~${sha256Hex(y).slice(0, 6)}.HEIC`,
        ].sort(),
      );
    });

    it('is the same on every replica, whatever order it holds its assets in', () => {
      const ops = [
        importOp({ path: 'D/IMG_0001.HEIC', bytes: 'one' }),
        importOp({ path: 'D/IMG_0001.HEIC', bytes: 'two' }),
        importOp({ path: 'D/IMG_0001.HEIC', bytes: 'three' }),
      ];
      const server = libraryWith(...ops);
      const replica = createLibrary();
      for (const entry of server.log.entries) applyLogEntry(replica, entry);
      const reversed: MemoryLibrary = {
        ...replica,
        assets: new Map([...replica.assets].reverse()),
      };
      expect(layout(reversed)).toEqual(layout(server));
      expect(layout(replica)).toEqual(layout(server));
      expect(Object.keys(layout(server))).toHaveLength(3);
    });
  });

  it('plans the siblings of a conflict as ~conflict-<8 hash chars> copies beside the main file', () => {
    const first = editOp({
      device: PHONE,
      asset: photo,
      render: 'phone edit',
      context: [vid(photo)],
    });
    const second = editOp({
      device: LAPTOP,
      asset: photo,
      render: 'laptop edit',
      context: [vid(photo)],
    });
    const library = libraryWith(photo, first, second);

    expect(layout(library)).toEqual({
      '2026/04/IMG_0001.HEIC': ['main', hashOf('phone edit'), false],
      [`2026/04/IMG_0001~conflict-${hashOf('laptop edit').slice(0, 8)}.HEIC`]: [
        'main',
        hashOf('laptop edit'),
        true,
      ],
    });
    expect(planFolder(library).get('2026/04/IMG_0001.HEIC')?.versionId).toBe(vid(first));
  });
});

describe('planFiles by name group', () => {
  it('plans each group as the whole library plans it (property)', () => {
    // Names chosen to collide: the same base in several cases, in two folders, with
    // companions, copies and edits; the plan a device makes one group at a time must be the
    // whole library's plan.
    const names = ['a/IMG.jpg', 'a/img.JPG', 'a/Img.mov', 'b/IMG.jpg', 'b/img~1.jpg', 'a/IMG.jpeg'];
    const step = fc.record({
      path: fc.constantFrom(...names),
      bytes: fc.integer({ min: 0, max: 6 }),
      also: fc.option(fc.constantFrom(...names), { nil: undefined }),
      edit: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const ops = steps.flatMap((s, i) => {
          const made = importOp({ device: PHONE, path: s.path, bytes: `photo ${String(s.bytes)}` });
          const more = [];
          if (s.also) more.push(placeOp({ device: LAPTOP, asset: made, path: s.also }));
          if (s.edit) {
            more.push(
              editOp({
                device: LAPTOP,
                asset: made,
                render: `edit ${String(i)}`,
                context: [vid(made)],
              }),
            );
          }
          return [made, ...more];
        });
        const library = libraryWith(...ops);
        const whole = planFolder(library);
        const byGroup = new Map<string, PlannedFile>();
        const groups = new Set(
          [...library.assets.values()].flatMap((a) => [...a.paths.keys()].map(groupKey)),
        );
        for (const group of groups) {
          const assets = [...library.assets.values()].filter((a) =>
            [...a.paths.keys()].some((p) => groupKey(p) === group),
          );
          for (const file of planFiles(assets).values()) {
            if (groupKey(file.placement) === group) byGroup.set(file.path, file);
          }
        }
        expect(byGroup).toEqual(whole);
      }),
      { seed: 20261130, numRuns: 300 },
    );
  });
});
