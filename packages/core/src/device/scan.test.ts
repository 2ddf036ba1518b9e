import { describe, expect, it } from 'vitest';
import type { MediaMeta } from '../model/asset.js';
import { sha256Hex } from '../model/hash.js';
import { TestDevice, kindsOf, opOfKind } from '../test-support/device-fixture.js';
import { assetOf, pathsOf, versionIds } from '../test-support/library-fixture.js';
import { LAPTOP, assetIdOf, editOp, hashOf, resource, vid } from '../test-support/op-builders.js';

const PHOTO = '2026/04/IMG_0001.HEIC';
const VIDEO = '2026/04/IMG_0001.MOV';
const SIDECAR = '2026/04/IMG_0001.XMP';

const NO_CHANGES = { writes: [], removals: [], adopt: [], forget: [] };

const at = (time: string, contentId?: string): MediaMeta => ({
  takenAt: `2026-04-01T10:00:${time}Z`,
  ...(contentId !== undefined && { contentId }),
});

/** A device whose folder holds one photo, imported, accepted and synced. */
function deviceWithPhoto() {
  const device = new TestDevice().write(PHOTO, 'photo 1');
  const imported = opOfKind(device.settle()[0], 'import');
  return { device, imported, id: imported.payload.assetId, v0: vid(imported) };
}

/** A device whose folder holds one Live Photo (still + video), imported and synced. */
function deviceWithLivePhoto() {
  const device = new TestDevice()
    .write(PHOTO, 'still', at('00', 'CID-1'))
    .write(VIDEO, 'video', at('00', 'CID-1'));
  const imported = opOfKind(device.settle()[0], 'import');
  expect(imported.payload.resources.live?.hash).toBe(hashOf('video'));
  return { device, imported, id: imported.payload.assetId, v0: vid(imported) };
}

describe('scanFolder: new files', () => {
  it('imports a new file under the hash of its bytes and indexes it at the new version', () => {
    const device = new TestDevice().write(PHOTO, 'photo 1');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['import']);
    const op = opOfKind(ops[0], 'import');
    expect(op.payload).toEqual({
      kind: 'import',
      assetId: sha256Hex('photo 1'),
      resources: { original: { hash: sha256Hex('photo 1'), size: 7, ext: 'HEIC' } },
      meta: {},
      path: PHOTO,
    });
    expect(device.entry(PHOTO)).toEqual({
      hash: hashOf('photo 1'),
      size: 7,
      assetId: assetIdOf('photo 1'),
      versionId: vid(op),
      resources: op.payload.resources,
      meta: {},
      role: 'main',
      placement: PHOTO,
      conflictCopy: false,
      placementTag: op.opId,
    });
    // Nothing changed since: a second scan has nothing to say.
    expect(device.scan()).toEqual([]);
  });

  it('imports a HEIC and a MOV with the same content identifier as one Live Photo', () => {
    // The video is met first and the capture times are 5 s apart: the identifier decides.
    const device = new TestDevice()
      .write(VIDEO, 'video', at('05', 'CID-1'))
      .write(PHOTO, 'still', at('00', 'CID-1'));

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['import']);
    const op = opOfKind(ops[0], 'import');
    expect(op.payload.assetId).toBe(assetIdOf('still'));
    expect(op.payload.path).toBe(PHOTO);
    expect(op.payload.meta).toEqual(at('00', 'CID-1'));
    expect(op.payload.resources).toEqual({
      original: resource('still', 'HEIC'),
      live: resource('video', 'MOV'),
    });
    expect(device.entry(VIDEO)).toMatchObject({
      role: 'live',
      hash: hashOf('video'),
      assetId: assetIdOf('still'),
      versionId: vid(op),
      placement: PHOTO,
    });
    expect(device.entry(PHOTO)).toMatchObject({ role: 'main', versionId: vid(op) });
  });

  it('pairs a still and a video with no identifiers by name and capture times within 1 s', () => {
    const device = new TestDevice()
      .write(PHOTO, 'still', at('00'))
      .write(VIDEO, 'video', { takenAt: '2026-04-01T10:00:00.800Z' });

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['import']);
    expect(opOfKind(ops[0], 'import').payload.resources.live).toEqual(resource('video', 'MOV'));
  });

  it.each([
    ['different content identifiers', at('00', 'CID-1'), at('00', 'CID-2')],
    ['no identifiers and capture times 2 s apart', at('00'), at('02')],
  ])(
    'imports a MOV beside an unrelated still (%s) as two assets',
    (_case, stillMeta, videoMeta) => {
      const device = new TestDevice()
        .write(PHOTO, 'still', stillMeta)
        .write(VIDEO, 'other video', videoMeta);

      const ops = device.scan();

      expect(kindsOf(ops)).toEqual(['import', 'import']);
      const [still, video] = ops.map((op) => opOfKind(op, 'import').payload);
      expect(still).toMatchObject({
        assetId: assetIdOf('still'),
        path: PHOTO,
        resources: { original: resource('still', 'HEIC') },
      });
      expect(still?.resources.live).toBeUndefined();
      expect(video).toMatchObject({
        assetId: assetIdOf('other video'),
        path: VIDEO,
        resources: { original: resource('other video', 'MOV') },
      });
      expect(device.entry(VIDEO)).toMatchObject({
        role: 'main',
        assetId: assetIdOf('other video'),
        placement: VIDEO,
      });
      // The merge rules do not pair them either.
      const replies = device.applyToReplica(ops);
      expect(replies.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(assetOf(device.replica, assetIdOf('other video')).lifecycle.state).toBe('live');
    },
  );

  it('imports a JPG and a DNG with the same name as one asset with a raw', () => {
    const device = new TestDevice()
      .write('2026/04/IMG_0002.DNG', 'raw sensor data')
      .write('2026/04/IMG_0002.JPG', 'jpeg 2');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['import']);
    const op = opOfKind(ops[0], 'import');
    expect(op.payload).toMatchObject({
      assetId: assetIdOf('jpeg 2'),
      path: '2026/04/IMG_0002.JPG',
    });
    expect(op.payload.resources).toEqual({
      original: resource('jpeg 2', 'JPG'),
      raw: resource('raw sensor data', 'DNG'),
    });
    expect(device.entry('2026/04/IMG_0002.DNG')).toMatchObject({
      role: 'raw',
      versionId: vid(op),
      placement: '2026/04/IMG_0002.JPG',
    });
  });

  it('adds an XMP written beside an indexed photo as an edit with a sidecar', () => {
    const { device, id, v0 } = deviceWithPhoto();
    device.write(SIDECAR, '<xmp rating="5"/>');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['edit']);
    const edit = opOfKind(ops[0], 'edit');
    expect(edit.payload).toEqual({
      kind: 'edit',
      assetId: id,
      resources: {
        original: resource('photo 1', 'HEIC'),
        sidecar: resource('<xmp rating="5"/>', 'XMP'),
      },
      meta: {},
      context: [v0],
    });
    expect(device.entry(SIDECAR)).toMatchObject({
      role: 'sidecar',
      hash: hashOf('<xmp rating="5"/>'),
      assetId: id,
      versionId: vid(edit),
      placement: PHOTO,
    });
    expect(device.entry(PHOTO)).toMatchObject({
      role: 'main',
      hash: hashOf('photo 1'),
      versionId: vid(edit),
    });
    expect(device.applyToReplica(ops)[0]?.status).toBe('applied');
    // The index already says what the plan wants: nothing to write or adopt.
    expect(device.syncFolder()).toEqual(NO_CHANGES);
  });

  it('imports an XMP with no photo beside it as an asset of its own', () => {
    const { device } = deviceWithPhoto();
    device.write('notes/IMG_0009.XMP', '<xmp orphan/>');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['import']);
    expect(opOfKind(ops[0], 'import').payload).toEqual({
      kind: 'import',
      assetId: assetIdOf('<xmp orphan/>'),
      resources: { original: resource('<xmp orphan/>', 'XMP') },
      meta: {},
      path: 'notes/IMG_0009.XMP',
    });
    expect(device.entry('notes/IMG_0009.XMP')).toMatchObject({
      role: 'main',
      assetId: assetIdOf('<xmp orphan/>'),
    });
  });
});

describe('scanFolder: edits', () => {
  it('turns an in-place change of the main file into an edit with the new bytes as render', () => {
    const { device, id, v0 } = deviceWithPhoto();
    device.write(PHOTO, 'photo 1, cropped');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['edit']);
    const edit = opOfKind(ops[0], 'edit');
    expect(edit.payload).toEqual({
      kind: 'edit',
      assetId: id,
      resources: {
        original: resource('photo 1', 'HEIC'),
        render: resource('photo 1, cropped', 'HEIC'),
      },
      meta: {},
      context: [v0],
    });
    expect(device.entry(PHOTO)).toMatchObject({
      hash: hashOf('photo 1, cropped'),
      size: 'photo 1, cropped'.length,
      versionId: vid(edit),
      resources: edit.payload.resources,
    });
    expect(device.applyToReplica(ops)).toEqual([{ status: 'applied', seq: 2 }]);
    expect(versionIds(assetOf(device.replica, id))).toEqual([vid(edit)]);
  });

  it('chains two offline edits: the second is based on the first, so no self-conflict', () => {
    const { device, id, v0 } = deviceWithPhoto();
    device.write(PHOTO, 'edit one');
    const first = opOfKind(device.scan()[0], 'edit');
    device.write(PHOTO, 'edit two');
    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['edit']);
    const second = opOfKind(ops[0], 'edit');
    expect(first.payload.context).toEqual([v0]);
    expect(second.payload.context).toEqual([vid(first)]);
    expect(second.payload.resources).toEqual({
      original: resource('photo 1', 'HEIC'),
      render: resource('edit two', 'HEIC'),
    });

    const replies = device.applyToReplica([first, second]);
    expect(replies.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(versionIds(assetOf(device.replica, id))).toEqual([vid(second)]);
  });

  it('writing the original bytes back makes an edit without a render', () => {
    const { device, id } = deviceWithPhoto();
    device.write(PHOTO, 'edited');
    const first = opOfKind(device.scan()[0], 'edit');
    device.write(PHOTO, 'photo 1');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['edit']);
    const undo = opOfKind(ops[0], 'edit');
    expect(undo.payload.resources).toEqual({ original: resource('photo 1', 'HEIC') });
    expect(undo.payload.context).toEqual([vid(first)]);
    expect(device.entry(PHOTO)).toMatchObject({
      hash: hashOf('photo 1'),
      versionId: vid(undo),
    });
    device.applyToReplica([first, undo]);
    expect(assetOf(device.replica, id).versions[0]?.resources.render).toBeUndefined();
  });

  it('chains edits of the main file and its Live video made in one scan', () => {
    const { device, id, v0 } = deviceWithLivePhoto();
    device.write(PHOTO, 'still, edited').write(VIDEO, 'video, trimmed');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['edit', 'edit']);
    const first = opOfKind(ops[0], 'edit');
    const second = opOfKind(ops[1], 'edit');
    expect(first.payload.context).toEqual([v0]);
    expect(first.payload.resources).toEqual({
      original: resource('still', 'HEIC'),
      live: resource('video', 'MOV'),
      render: resource('still, edited', 'HEIC'),
    });
    expect(second.payload.context).toEqual([vid(first)]);
    expect(second.payload.resources).toEqual({
      original: resource('still', 'HEIC'),
      live: resource('video, trimmed', 'MOV'),
      render: resource('still, edited', 'HEIC'),
    });
    expect(device.entry(PHOTO)).toMatchObject({
      hash: hashOf('still, edited'),
      versionId: vid(second),
    });
    expect(device.entry(VIDEO)).toMatchObject({
      hash: hashOf('video, trimmed'),
      versionId: vid(second),
      role: 'live',
    });

    const replies = device.applyToReplica(ops);
    expect(replies.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(versionIds(assetOf(device.replica, id))).toEqual([vid(second)]);
    // Both of the user's files already hold what the plan wants.
    expect(device.syncFolder()).toEqual(NO_CHANGES);
    expect(device.read(PHOTO)).toBe('still, edited');
    expect(device.read(VIDEO)).toBe('video, trimmed');
  });

  it('chains the same two edits when the scan meets the video first', () => {
    // The folder lists the video before the still, so its edit comes first.
    const device = new TestDevice()
      .write(VIDEO, 'video', at('00', 'CID-1'))
      .write(PHOTO, 'still', at('00', 'CID-1'));
    const v0 = vid(opOfKind(device.settle()[0], 'import'));
    device.write(VIDEO, 'video, trimmed').write(PHOTO, 'still, edited');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['edit', 'edit']);
    const first = opOfKind(ops[0], 'edit');
    const second = opOfKind(ops[1], 'edit');
    expect(first.payload.context).toEqual([v0]);
    expect(first.payload.resources).toEqual({
      original: resource('still', 'HEIC'),
      live: resource('video, trimmed', 'MOV'),
    });
    expect(second.payload.context).toEqual([vid(first)]);
    expect(second.payload.resources).toEqual({
      original: resource('still', 'HEIC'),
      live: resource('video, trimmed', 'MOV'),
      render: resource('still, edited', 'HEIC'),
    });
  });
});

describe('scanFolder: moves and copies', () => {
  it('turns a rename into a move with the placement tags the replica holds, not an import', () => {
    const { device, imported, id, v0 } = deviceWithPhoto();
    device.rename(PHOTO, 'Trips/IMG_0001.HEIC');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['move']);
    expect(ops[0]?.payload).toEqual({
      kind: 'move',
      assetId: id,
      from: PHOTO,
      fromTags: [imported.opId],
      to: 'Trips/IMG_0001.HEIC',
      context: [v0],
    });
    expect(device.index.has(PHOTO)).toBe(false);
    expect(device.entry('Trips/IMG_0001.HEIC')).toMatchObject({
      placement: 'Trips/IMG_0001.HEIC',
      versionId: v0,
      role: 'main',
    });
    device.applyToReplica(ops);
    expect(pathsOf(assetOf(device.replica, id))).toEqual(['Trips/IMG_0001.HEIC']);
    expect(device.syncFolder()).toEqual(NO_CHANGES);
  });

  it('moves a Live Photo renamed with its video as one move', () => {
    const { device, imported, id } = deviceWithLivePhoto();
    device.rename(PHOTO, 'Trips/IMG_0001.HEIC').rename(VIDEO, 'Trips/IMG_0001.MOV');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['move']);
    expect(ops[0]?.payload).toMatchObject({
      from: PHOTO,
      fromTags: [imported.opId],
      to: 'Trips/IMG_0001.HEIC',
    });
    expect(device.entry('Trips/IMG_0001.MOV')).toMatchObject({ role: 'live', assetId: id });
    expect([...device.index.keys()].sort()).toEqual(['Trips/IMG_0001.HEIC', 'Trips/IMG_0001.MOV']);
    device.applyToReplica(ops);
    expect(device.syncFolder()).toEqual(NO_CHANGES);
  });

  it('turns a copy into a second placement of the same asset', () => {
    const { device, imported, id, v0 } = deviceWithPhoto();
    device.copy(PHOTO, 'Best/IMG_0001.HEIC');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['place']);
    expect(ops[0]?.payload).toEqual({ kind: 'place', assetId: id, path: 'Best/IMG_0001.HEIC' });
    expect(device.entry('Best/IMG_0001.HEIC')).toMatchObject({
      placement: 'Best/IMG_0001.HEIC',
      versionId: v0,
      assetId: id,
    });
    expect(device.entry(PHOTO)).toMatchObject({ placement: PHOTO, versionId: vid(imported) });
    device.applyToReplica(ops);
    expect(pathsOf(assetOf(device.replica, id))).toEqual([
      '2026/04/IMG_0001.HEIC',
      'Best/IMG_0001.HEIC',
    ]);
    expect(device.replica.assets.size).toBe(1);
    expect(device.syncFolder()).toEqual(NO_CHANGES);
  });

  it("places the pair where its Live video alone was copied, under the still's extension", () => {
    const { device, id } = deviceWithLivePhoto();
    device.copy(VIDEO, 'Best/IMG_0001.MOV');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['place']);
    expect(ops[0]?.payload).toEqual({ kind: 'place', assetId: id, path: 'Best/IMG_0001.HEIC' });
    expect(device.entry('Best/IMG_0001.MOV')).toMatchObject({
      role: 'live',
      assetId: id,
      placement: 'Best/IMG_0001.HEIC',
    });
    device.applyToReplica(ops);
    const changes = device.syncFolder();
    expect(changes.writes.map((f) => f.path)).toEqual(['Best/IMG_0001.HEIC']);
    expect(device.read('Best/IMG_0001.HEIC')).toBe('still');
  });
});

describe('scanFolder: deletions', () => {
  it('removes the only placement, seeing all versions, so the server trashes the asset', () => {
    const { device, imported, id, v0 } = deviceWithPhoto();
    device.write(PHOTO, 'edited offline');
    const pending = opOfKind(device.scan()[0], 'edit');
    device.remove(PHOTO);

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['move']);
    const removal = opOfKind(ops[0], 'move');
    expect(removal.payload).toMatchObject({
      assetId: id,
      from: PHOTO,
      fromTags: [imported.opId],
      to: null,
    });
    expect([...removal.payload.context].sort()).toEqual([v0, vid(pending)].sort());
    expect(device.index.size).toBe(0);
    // The edit and the removal arrive in order: the removal had seen the edit, so it trashes.
    const replies = device.applyToReplica([pending, removal]);
    expect(replies.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(assetOf(device.replica, id).lifecycle.state).toBe('trashed');
    // The placement stays, so a restore brings the file back where it was.
    expect(pathsOf(assetOf(device.replica, id))).toEqual([PHOTO]);
  });

  it('deletes a file whose import has not reached the replica yet, and it stays deleted', () => {
    const device = new TestDevice().write(PHOTO, 'photo 1');
    const imported = opOfKind(device.scan()[0], 'import');
    device.remove(PHOTO);

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['move']);
    expect(ops[0]?.payload).toMatchObject({ from: PHOTO, fromTags: [imported.opId], to: null });
    expect(device.applyToReplica([imported, ...ops]).map((r) => r.status)).toEqual([
      'applied',
      'applied',
    ]);
    expect(assetOf(device.replica, imported.payload.assetId).lifecycle.state).toBe('trashed');
    expect(device.syncFolder().writes).toEqual([]);
    expect(device.folder.has(PHOTO)).toBe(false);
  });

  it('deletes a renamed file before the rename is confirmed, and it stays deleted', () => {
    const { device, id } = deviceWithPhoto();
    device.rename(PHOTO, 'Trips/IMG_0001.HEIC');
    const rename = opOfKind(device.scan()[0], 'move');
    device.remove('Trips/IMG_0001.HEIC');

    const ops = device.scan();

    expect(ops[0]?.payload).toMatchObject({
      from: 'Trips/IMG_0001.HEIC',
      fromTags: [rename.opId],
      to: null,
    });
    expect(device.applyToReplica([rename, ...ops]).map((r) => r.status)).toEqual([
      'applied',
      'applied',
    ]);
    expect(assetOf(device.replica, id).lifecycle.state).toBe('trashed');
    expect(device.syncFolder().writes).toEqual([]);
  });

  it('removes just the placement when the asset has another', () => {
    const { device, id, v0 } = deviceWithPhoto();
    device.copy(PHOTO, 'Best/IMG_0001.HEIC');
    const place = opOfKind(device.settle()[0], 'place');
    device.remove('Best/IMG_0001.HEIC');

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['move']);
    expect(ops[0]?.payload).toEqual({
      kind: 'move',
      assetId: id,
      from: 'Best/IMG_0001.HEIC',
      fromTags: [place.opId],
      to: null,
      context: [v0],
    });
    expect(device.applyToReplica(ops)[0]?.status).toBe('applied');
    expect(pathsOf(assetOf(device.replica, id))).toEqual([PHOTO]);
    expect(assetOf(device.replica, id).lifecycle.state).toBe('live');
  });

  it('resolves a conflict by keeping the other sibling when the conflict copy is deleted', () => {
    const { device, id, v0 } = deviceWithPhoto();
    device.write(PHOTO, 'phone edit');
    const phoneEdit = opOfKind(device.scan()[0], 'edit');
    const laptopEdit = editOp({
      device: LAPTOP,
      asset: id,
      original: resource('photo 1', 'HEIC'),
      render: 'laptop edit',
      context: [v0],
    });
    device.provide('laptop edit');
    const replies = device.applyToReplica([phoneEdit, laptopEdit]);
    expect(replies.map((r) => r.status)).toEqual(['applied', 'merged']);
    // The local edit stays in place; the remote sibling arrives as a conflict copy beside it.
    const copy = `2026/04/IMG_0001~conflict-${hashOf('laptop edit').slice(0, 8)}.HEIC`;
    expect(device.syncFolder().writes.map((f) => f.path)).toEqual([copy]);
    expect(device.entry(copy)).toMatchObject({ conflictCopy: true, versionId: vid(laptopEdit) });
    device.remove(copy);

    const ops = device.scan();

    expect(kindsOf(ops)).toEqual(['resolve']);
    expect(ops[0]?.payload).toEqual({
      kind: 'resolve',
      assetId: id,
      context: [vid(laptopEdit)],
      keep: [vid(phoneEdit)],
    });
    expect(device.applyToReplica(ops)[0]?.status).toBe('applied');
    expect(versionIds(assetOf(device.replica, id))).toEqual([vid(phoneEdit)]);
    expect(device.syncFolder()).toEqual(NO_CHANGES);
    expect(device.read(PHOTO)).toBe('phone edit');
  });
});
