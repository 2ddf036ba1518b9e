import { describe, expect, it } from 'vitest';
import type { Asset, MediaMeta } from '../model/asset.js';
import { createLibrary, resolveAssetId, type MemoryLibrary } from '../model/library.js';
import {
  albumOf,
  assetOf,
  keywordsOf,
  libraryWith,
  pathsOf,
  versionIds,
} from '../test-support/library-fixture.js';
import {
  LAPTOP,
  PHONE,
  addKeywordOp,
  addToAlbumOp,
  albumId,
  assetIdOf,
  createAlbumOp,
  hashOf,
  importOp,
  resource,
  setFieldOp,
  trashOp,
  vid,
} from '../test-support/op-builders.js';
import { applyOp } from './apply-op.js';

const liveAssets = (library: MemoryLibrary): Asset[] =>
  [...library.assets.values()].filter((a) => a.lifecycle.state === 'live');

describe('import', () => {
  it('makes a new asset whose id is the hash of its original', () => {
    const library = createLibrary();
    const op = importOp({
      device: PHONE,
      path: '2026/04/IMG_0001.HEIC',
      bytes: 'still 1',
      meta: { takenAt: '2026-04-01T10:00:00+02:00', width: 4032, height: 3024 },
    });

    expect(applyOp(library, op)).toEqual({ status: 'applied', seq: 1 });

    const asset = assetOf(library, assetIdOf('still 1'));
    expect(asset.lifecycle).toEqual({ state: 'live' });
    expect(asset.versions).toEqual([
      {
        id: vid(op),
        resources: { original: resource('still 1', 'HEIC') },
        meta: { takenAt: '2026-04-01T10:00:00+02:00', width: 4032, height: 3024 },
        device: PHONE,
        seq: 1,
      },
    ]);
    expect([...asset.paths.entries()]).toEqual([
      ['2026/04/IMG_0001.HEIC', new Map([[op.opId, 1]])],
    ]);
  });

  it('makes one asset when two devices import the same bytes, with both imports in the log', () => {
    const fromPhone = importOp({ device: PHONE, path: '2026/04/IMG_0001.HEIC', bytes: 'same' });
    const fromLaptop = importOp({ device: LAPTOP, path: 'Pictures/IMG_0001.HEIC', bytes: 'same' });
    const library = createLibrary();

    const replies = [applyOp(library, fromPhone), applyOp(library, fromLaptop)];

    expect(replies).toEqual([
      { status: 'applied', seq: 1 },
      { status: 'applied', note: 'already in the library: placement added', seq: 2 },
    ]);
    expect(library.log.entries.map((e) => [e.op.opId, e.outcome.status])).toEqual([
      [fromPhone.opId, 'applied'],
      [fromLaptop.opId, 'applied'],
    ]);
    expect(library.assets.size).toBe(1);
    const asset = assetOf(library, assetIdOf('same'));
    expect(pathsOf(asset)).toEqual(['2026/04/IMG_0001.HEIC', 'Pictures/IMG_0001.HEIC']);
    expect(versionIds(asset)).toEqual([vid(fromPhone)]);
  });

  it('keeps one placement, tagged by both imports, when both devices used the same path', () => {
    const a = importOp({ device: PHONE, path: '2026/IMG_0001.HEIC', bytes: 'same' });
    const b = importOp({ device: LAPTOP, path: '2026/IMG_0001.HEIC', bytes: 'same' });
    const asset = assetOf(libraryWith(a, b), assetIdOf('same'));
    expect([...asset.paths.entries()]).toEqual([
      [
        '2026/IMG_0001.HEIC',
        new Map([
          [a.opId, 1],
          [b.opId, 2],
        ]),
      ],
    ]);
  });

  it('rejects an op whose asset id is not the hash of its original', () => {
    const library = createLibrary();
    const lying = importOp({ path: 'IMG_0001.HEIC', bytes: 'real', assetId: assetIdOf('other') });

    const reply = applyOp(library, lying);

    expect(reply).toMatchObject({ status: 'rejected', reason: 'id-mismatch', seq: 1 });
    if (reply.status !== 'rejected') throw new Error('unreachable');
    expect(reply.message).toContain(hashOf('real'));
    expect(library.assets.size).toBe(0);
    expect(library.log.entries).toHaveLength(1);
  });

  it('adds a companion the asset lacked (the RAW of a RAW+JPEG pair)', () => {
    const jpeg = importOp({ device: PHONE, path: 'DSC_0001.JPG', bytes: 'jpeg' });
    const pair = importOp({
      device: LAPTOP,
      path: 'DSC_0001.JPG',
      bytes: 'jpeg',
      raw: { bytes: 'raw', ext: 'NEF' },
    });
    const asset = assetOf(libraryWith(jpeg, pair), assetIdOf('jpeg'));
    expect(versionIds(asset)).toEqual([vid(pair)]);
    expect(asset.versions[0]?.resources).toEqual({
      original: resource('jpeg', 'JPG'),
      raw: resource('raw', 'NEF'),
    });
    expect(asset.superseded.has(vid(jpeg))).toBe(true);
  });

  describe('the same bytes of a trashed asset', () => {
    const photo = importOp({ device: PHONE, path: 'IMG_0001.HEIC', bytes: 'x' });
    const trash = trashOp({ device: PHONE, asset: photo, context: [vid(photo)] });

    it('stay in the trash when the device had not seen the trash', () => {
      const library = libraryWith(photo, trash);
      const reply = applyOp(
        library,
        importOp({ device: LAPTOP, path: 'IMG_0001.HEIC', bytes: 'x', knownSeq: 1 }),
      );
      expect(reply).toMatchObject({ status: 'applied' });
      if (reply.status !== 'applied') throw new Error('unreachable');
      expect(reply.note).toMatch(/stays in the trash/);
      expect(assetOf(library, photo.payload.assetId).lifecycle.state).toBe('trashed');
    });

    it('come back from the trash when the device had seen it (a deliberate re-import)', () => {
      const library = libraryWith(photo, trash);
      const reply = applyOp(
        library,
        importOp({ device: LAPTOP, path: 'IMG_0001.HEIC', bytes: 'x', knownSeq: 2 }),
      );
      if (reply.status !== 'applied') throw new Error(`expected applied, got ${reply.status}`);
      expect(reply.note).toMatch(/restored it from the trash/);
      expect(assetOf(library, photo.payload.assetId).lifecycle).toEqual({ state: 'live' });
    });
  });
});

describe('Live Photo pairing', () => {
  const at = (ms: number): MediaMeta => ({
    takenAt: new Date(Date.UTC(2026, 3, 1, 8, 0, 0, ms)).toISOString(),
  });
  const still = (meta: MediaMeta, path = '2026/04/IMG_0007.HEIC') =>
    importOp({ device: PHONE, path, bytes: 'still 7', meta });
  const video = (meta: MediaMeta, path = '2026/04/IMG_0007.MOV') =>
    importOp({ device: LAPTOP, path, bytes: 'video 7', meta });
  const stillId = assetIdOf('still 7');
  const videoId = assetIdOf('video 7');

  /** The still's asset holds both halves, the video's id is an alias of it, nothing else is live. */
  function expectPaired(library: MemoryLibrary): void {
    const pair = assetOf(library, stillId);
    expect(pair.lifecycle).toEqual({ state: 'live' });
    expect(pair.versions).toHaveLength(1);
    expect(pair.versions[0]?.resources.original).toEqual(resource('still 7', 'HEIC'));
    expect(pair.versions[0]?.resources.live).toEqual(resource('video 7', 'MOV'));
    expect(assetOf(library, videoId).lifecycle).toMatchObject({ state: 'aliased', to: stillId });
    expect(assetOf(library, videoId).versions).toEqual([]);
    expect(resolveAssetId(library, videoId)).toBe(stillId);
    expect(liveAssets(library).map((a) => a.id)).toEqual([stillId]);
    expect(pathsOf(pair)).toEqual(['2026/04/IMG_0007.HEIC']);
  }

  function expectNotPaired(library: MemoryLibrary): void {
    expect(
      liveAssets(library)
        .map((a) => a.id)
        .sort(),
    ).toEqual([stillId, videoId].sort());
    expect(assetOf(library, stillId).versions[0]?.resources.live).toBeUndefined();
  }

  it('pairs a video that arrives after its still (same folder and name, 0.5 s apart)', () => {
    const s = still(at(0));
    const v = video(at(500));
    const library = libraryWith(s);
    const reply = applyOp(library, v);
    expect(reply).toEqual({
      status: 'applied',
      note: `Live Photo video paired into ${stillId}`,
      seq: 2,
    });
    expectPaired(library);
    expect(assetOf(library, videoId).lifecycle).toEqual({ state: 'aliased', to: stillId, seq: 2 });
  });

  it('pairs a still that arrives after its video', () => {
    const library = libraryWith(video(at(500)));
    const reply = applyOp(library, still(at(0)));
    if (reply.status !== 'applied') throw new Error(`expected applied, got ${reply.status}`);
    expect(reply.note).toContain(`paired with video ${videoId}`);
    expectPaired(library);
  });

  it('pairs at exactly the 1 s window', () => {
    expectPaired(libraryWith(still(at(0)), video(at(1000))));
    expectPaired(libraryWith(video(at(1000)), still(at(0))));
  });

  it.each([
    ['still first', true],
    ['video first', false],
  ])('does not pair 1.5 s apart (%s)', (_name, stillFirst) => {
    const [s, v] = [still(at(0)), video(at(1500))];
    expectNotPaired(stillFirst ? libraryWith(s, v) : libraryWith(v, s));
  });

  it.each([
    ['still first', true],
    ['video first', false],
  ])('does not pair across folders, even at the same instant (%s)', (_name, stillFirst) => {
    const [s, v] = [still(at(0)), video(at(0), '2026/05/IMG_0007.MOV')];
    expectNotPaired(stillFirst ? libraryWith(s, v) : libraryWith(v, s));
  });

  it.each([
    ['still first', true],
    ['video first', false],
  ])('pairs by Apple content identifier whatever the names and times (%s)', (_name, stillFirst) => {
    const s = still({ contentId: 'CID-1', ...at(0) });
    const v = video({ contentId: 'CID-1', ...at(9_000) }, '2026/04/IMG_0007_HEVC.MOV');
    const library = stillFirst ? libraryWith(s, v) : libraryWith(v, s);
    const pair = assetOf(library, stillId);
    expect(pair.versions[0]?.resources.live).toEqual(resource('video 7', 'MOV'));
    expect(assetOf(library, videoId).lifecycle).toMatchObject({ state: 'aliased', to: stillId });
    expect(liveAssets(library)).toHaveLength(1);
  });

  it('does not pair when the content identifiers differ, even with name and time matching', () => {
    const s = still({ contentId: 'CID-1', ...at(0) });
    const v = video({ contentId: 'CID-2', ...at(0) });
    expectNotPaired(libraryWith(s, v));
    expectNotPaired(libraryWith(v, s));
  });

  it('carries the video-only asset’s keywords, fields and placements over to the pair', () => {
    const v = video(at(0), '2026/04/IMG_0007.MOV');
    const library = libraryWith(
      v,
      addKeywordOp({ asset: v, keyword: 'fireworks' }),
      setFieldOp({ asset: v, field: 'favorite', value: true }),
      still(at(200)),
    );
    const pair = assetOf(library, stillId);
    expect(keywordsOf(pair)).toEqual(['fireworks']);
    expect(pair.fields.favorite?.value).toBe(true);
    // The video's placement becomes the pair's main file at the same name.
    expect([...(pair.paths.get('2026/04/IMG_0007.HEIC')?.keys() ?? [])].sort()).toEqual(
      [v.opId, library.log.entries[3]?.op.opId].sort(),
    );
  });

  it('makes later ops on the video id act on the pair', () => {
    const library = libraryWith(still(at(0)), video(at(300)));
    const album = albumId('fireworks');
    const replies = [
      applyOp(library, setFieldOp({ asset: videoId, field: 'caption', value: 'boom' })),
      applyOp(library, addKeywordOp({ asset: videoId, keyword: 'night' })),
      applyOp(library, createAlbumOp({ album, name: 'Fireworks' })),
      applyOp(library, addToAlbumOp({ asset: videoId, album })),
    ];
    expect(replies.map((r) => r.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const pair = assetOf(library, stillId);
    expect(pair.fields.caption?.value).toBe('boom');
    expect(keywordsOf(pair)).toEqual(['night']);
    expect([...albumOf(library, album).members.keys()]).toEqual([stillId]);
    expect(assetOf(library, videoId).fields).toEqual({});

    const seen = versionIds(pair);
    applyOp(library, trashOp({ asset: videoId, context: seen }));
    expect(assetOf(library, stillId).lifecycle.state).toBe('trashed');
  });

  it('treats the video bytes imported again as the pair, not a new asset', () => {
    const library = libraryWith(still(at(0)), video(at(300)));
    const again = importOp({ device: PHONE, path: 'Export/IMG_0007.MOV', bytes: 'video 7' });
    expect(applyOp(library, again)).toMatchObject({ status: 'applied' });
    expect(liveAssets(library).map((a) => a.id)).toEqual([stillId]);
    expect(pathsOf(assetOf(library, stillId))).toEqual([
      '2026/04/IMG_0007.HEIC',
      'Export/IMG_0007.HEIC',
    ]);
  });
});
