import { readFileSync } from 'node:fs';
import { fixture, readManifest } from '@keepsake/media/test-support';
import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import {
  sha256Of,
  startTestServer,
  uploadBlob,
  type TestServer,
} from '../test-support/test-server.js';

interface MediaView {
  pending?: true;
  kind?: string;
  error?: string;
  meta?: { takenAt?: string };
  derivatives?: { role: string }[];
}

/** exiftool's "2018:07:25 16:34:23" as the start of an ISO date-time. */
const isoPrefix = (exifDate: string) =>
  exifDate.slice(0, 19).replace(/^(\d{4}):(\d\d):(\d\d) /, '$1-$2-$3T');

describe('media on the server: every fixture, corrupt ones included', () => {
  it('stores each file bit-exact, reads its metadata or records why not, makes thumbnails, and keeps serving', async () => {
    const t = await startTestServer({ mediaWorkers: 1 });
    const alice = await t.userWithDevice('alice');
    const rows = readManifest().map((row) => ({
      path: row.get('path') ?? '',
      kind: row.get('kind') ?? '',
      sha256: row.get('sha256') ?? '',
      taken: row.get('date_time_original') ?? '',
    }));
    for (const row of rows) {
      const bytes = readFileSync(fixture(row.path));
      // An empty file is complete the moment its upload is created.
      const uploaded = await uploadBlob(t.api, alice.token, bytes);
      expect([row.path, uploaded.status]).toEqual([row.path, bytes.length === 0 ? 201 : 204]);
      const path = /\.[A-Za-z0-9]+$/.test(row.path) ? row.path : `${row.path}.bin`;
      const response = await t.api('/api/v1/ops', {
        token: alice.token,
        body: { ops: [importOpFor(alice.deviceId, bytes, `fixtures/${path}`)] },
      });
      expect([row.path, response.status]).toEqual([row.path, 200]);
    }
    await t.server.media.drain();
    expect((await t.api('/healthz')).status).toBe(200);

    for (const row of rows) {
      const download = await t.api(`/api/v1/blobs/${row.sha256}`, { token: alice.token });
      expect([row.path, sha256Of(new Uint8Array(await download.arrayBuffer()))]).toEqual([
        row.path,
        row.sha256,
      ]);

      const { asset } = (await (
        await t.api(`/api/v1/assets/${row.sha256}`, { token: alice.token })
      ).json()) as {
        asset: { media: { original: MediaView } };
      };
      const media = asset.media.original;
      expect([row.path, media.pending]).toEqual([row.path, undefined]);
      if (row.kind.startsWith('corrupt') || row.kind === 'empty-placeholder') {
        // Whatever could not be read is said, not hidden.
        if (media.error === undefined) expect(media.kind).toBeDefined();
        continue;
      }
      if (/^(jpeg|heic|heif|livephoto-still)$/.test(row.kind)) {
        expect([row.path, media.error]).toEqual([row.path, undefined]);
        if (row.taken)
          expect([row.path, media.meta?.takenAt?.slice(0, 19)]).toEqual([
            row.path,
            isoPrefix(row.taken),
          ]);
        const thumbnail = await t.api(`/api/v1/assets/${row.sha256}/derivatives/thumbnail`, {
          token: alice.token,
        });
        expect([row.path, thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([
          row.path,
          200,
          'image/webp',
        ]);
        // Named by the asset, whose rendition an edit replaces: asked again each time, by ETag.
        expect(thumbnail.headers.get('cache-control')).toBe('private, no-cache');
        const again = await t.api(`/api/v1/assets/${row.sha256}/derivatives/thumbnail`, {
          token: alice.token,
          headers: { 'if-none-match': thumbnail.headers.get('etag') ?? '' },
        });
        expect(again.status).toBe(304);
      }
    }
    const corrupt = rows.filter((r) => r.kind.startsWith('corrupt'));
    const errors = [];
    for (const row of corrupt) {
      const { asset } = (await (
        await t.api(`/api/v1/assets/${row.sha256}`, { token: alice.token })
      ).json()) as {
        asset: { media: { original: MediaView } };
      };
      if (asset.media.original.error) errors.push(row.path);
    }
    expect(errors.length).toBeGreaterThan(0);
  }, 300_000);
});

type User = Awaited<ReturnType<TestServer['userWithDevice']>>;

/** Uploads the bytes to the user's library and imports them, as a device does. */
async function importPhoto(t: TestServer, user: User, bytes: Uint8Array) {
  expect((await uploadBlob(t.api, user.token, bytes)).status).toBe(204);
  const imported = await t.api('/api/v1/ops', {
    token: user.token,
    body: { ops: [importOpFor(user.deviceId, bytes, 'Camera/IMG_1.JPG')] },
  });
  expect(imported.status).toBe(200);
}

/** The media of the asset's original, as its library is shown it. */
async function mediaOf(t: TestServer, user: User, asset: string): Promise<MediaView> {
  const response = await t.api(`/api/v1/assets/${asset}`, { token: user.token });
  const { asset: described } = (await response.json()) as {
    asset: { media: { original: MediaView } };
  };
  return described.media.original;
}

/** Holds the media queue still (it finds nothing to do) until the function returned is called. */
function holdMediaQueue(t: TestServer): () => void {
  const { store } = t.server.context;
  const queued = store.queuedMedia.bind(store);
  store.queuedMedia = () => Promise.resolve([]);
  return () => {
    store.queuedMedia = queued;
    t.server.media.poke();
  };
}

/**
 * Alice, and a second user her album "Door" is shared with (as `role`), on a server of their own;
 * with `alicesPhoto`, her photo of a door knocker is in it. Thumbnails are asked for by asset,
 * or by the album's path (`inAlbum`).
 */
async function doorAlbum(other: string, role: 'viewer' | 'contributor', alicesPhoto: boolean) {
  const t = await startTestServer({ mediaWorkers: 1 });
  const alice = await t.userWithDevice('alice');
  const guest = await t.userWithDevice(other);
  const photo = readFileSync(fixture('jpeg/door-knocker.jpg'));
  const asset = sha256Of(photo);
  if (alicesPhoto) await importPhoto(t, alice, photo);
  const ops = [
    opFrom(alice.deviceId, {
      kind: 'createAlbum',
      albumId: 'album-door',
      owner: alice.userId,
      name: 'Door',
    }),
    ...(alicesPhoto
      ? [opFrom(alice.deviceId, { kind: 'addToAlbum', albumId: 'album-door', assetId: asset })]
      : []),
    opFrom(alice.deviceId, { kind: 'shareAlbum', albumId: 'album-door', user: guest.userId, role }),
  ];
  expect((await t.api('/api/v1/ops', { token: alice.token, body: { ops } })).status).toBe(200);
  const inAlbum = `/api/v1/albums/album-door/assets/${asset}/derivatives/thumbnail?owner=${alice.userId}`;
  const thumbnail = (user: User, path = `/api/v1/assets/${asset}/derivatives/thumbnail`) =>
    t.api(path, { token: user.token });
  return { t, alice, guest, photo, asset, inAlbum, thumbnail };
}

describe('media of bytes another library has: no sign of it', () => {
  it("shows bob's copy of alice's photo as pending until its media is made for him, and alice hers all along", async () => {
    const {
      t,
      alice,
      guest: bob,
      photo,
      asset,
      inAlbum,
      thumbnail,
    } = await doorAlbum('bob', 'viewer', true);
    await t.server.media.drain();
    const alicesMedia = await mediaOf(t, alice, asset);
    expect(alicesMedia.derivatives?.map((d) => d.role).sort()).toEqual(['preview', 'thumbnail']);

    // Bob's copy is shown as fresh bytes are until the queue gets to them.
    const release = holdMediaQueue(t);
    await importPhoto(t, bob, photo);
    expect(await mediaOf(t, bob, asset)).toEqual({ pending: true });
    expect((await thumbnail(bob)).status).toBe(404);
    expect(await mediaOf(t, alice, asset)).toEqual(alicesMedia);
    expect((await thumbnail(alice)).status).toBe(200);
    // Holding the bytes himself, he sees them through her album no sooner than in his library.
    expect((await thumbnail(bob, inAlbum)).status).toBe(404);

    release();
    await t.server.media.drain();
    expect(await mediaOf(t, bob, asset)).toEqual(alicesMedia);
    const bobsThumbnail = await thumbnail(bob);
    expect([bobsThumbnail.status, bobsThumbnail.headers.get('content-type')]).toEqual([
      200,
      'image/webp',
    ]);
    expect(await mediaOf(t, alice, asset)).toEqual(alicesMedia);
    expect((await thumbnail(bob, inAlbum)).status).toBe(200);
  });
});

describe('a photo contributed to a shared album: no sign of whether its owner had the bytes', () => {
  const ownerHadThem = [
    ['had them already', true],
    ['did not have them', false],
  ] as const;
  /** Alice's album shared with carol as a contributor; with `had`, alice's photo is in it. */
  const carolsDoor = (had: boolean) => doorAlbum('carol', 'contributor', had);
  /** Carol adds her photo `asset` to alice's album "Door". */
  const contribute = async (t: TestServer, owner: User, carol: User, asset: string) => {
    const path = `/api/v1/albums/album-door/contributions?owner=${owner.userId}`;
    const contributed = await t.api(path, { token: carol.token, body: { assetId: asset } });
    expect(contributed.status).toBe(200);
  };

  it.each(ownerHadThem)(
    "shows carol's contribution in the album at once, as she was shown it, when its owner %s",
    async (_, had) => {
      const { t, alice, guest: carol, photo, asset, inAlbum, thumbnail } = await carolsDoor(had);
      await importPhoto(t, carol, photo);
      await t.server.media.drain();
      expect((await thumbnail(carol)).status).toBe(200);
      const alicesMedia = had ? await mediaOf(t, alice, asset) : undefined;

      // Nothing is made while she looks: what the album shows is what the claims say.
      const release = holdMediaQueue(t);
      await contribute(t, alice, carol, asset);
      expect((await thumbnail(carol, inAlbum)).status).toBe(200);
      // The owner's own media of the photo is not hidden by her claim.
      expect((await thumbnail(alice)).status).toBe(200);
      if (alicesMedia) expect(await mediaOf(t, alice, asset)).toEqual(alicesMedia);
      release();
    },
  );
  it.each(ownerHadThem)(
    'shows carol a photo she contributed before its media was made for her no sooner in the album than in her library, when its owner %s',
    async (_, had) => {
      const { t, alice, guest: carol, photo, asset, inAlbum, thumbnail } = await carolsDoor(had);
      await t.server.media.drain();
      const release = holdMediaQueue(t);
      await importPhoto(t, carol, photo);
      await contribute(t, alice, carol, asset);
      expect((await thumbnail(carol)).status).toBe(404);
      expect((await thumbnail(carol, inAlbum)).status).toBe(404);
      release();
      await t.server.media.drain();
      expect((await thumbnail(carol, inAlbum)).status).toBe(200);
    },
  );
});

describe("an album photo's other parts: each shown as the viewer's own copy would be", () => {
  it("shows bob a Live Photo's video half he holds himself no sooner through the album than in his library", async () => {
    const t = await startTestServer({ mediaWorkers: 1 });
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const still = readFileSync(fixture('livephoto/train.jpg'));
    const video = readFileSync(fixture('livephoto/train.mov'));
    for (const bytes of [still, video]) {
      expect((await uploadBlob(t.api, alice.token, bytes)).status).toBe(204);
    }
    const asset = sha256Of(still);
    const part = (bytes: Uint8Array, ext: string) => ({
      hash: sha256Of(bytes),
      size: bytes.length,
      ext,
    });
    const ops = [
      opFrom(alice.deviceId, {
        kind: 'import',
        assetId: asset,
        resources: { original: part(still, 'jpg'), live: part(video, 'mov') },
        meta: {},
        path: 'Camera/train.jpg',
      }),
      opFrom(alice.deviceId, {
        kind: 'createAlbum',
        albumId: 'album-trains',
        owner: alice.userId,
        name: 'Trains',
      }),
      opFrom(alice.deviceId, { kind: 'addToAlbum', albumId: 'album-trains', assetId: asset }),
      opFrom(alice.deviceId, {
        kind: 'shareAlbum',
        albumId: 'album-trains',
        user: bob.userId,
        role: 'viewer',
      }),
    ];
    expect((await t.api('/api/v1/ops', { token: alice.token, body: { ops } })).status).toBe(200);
    await t.server.media.drain();
    const liveMedia = async (user: User) => {
      const response = await t.api(`/api/v1/albums/album-trains/assets?owner=${alice.userId}`, {
        token: user.token,
      });
      const { assets } = (await response.json()) as { assets: { media: { live: MediaView } }[] };
      return assets[0]?.media.live;
    };
    const alicesVideo = await liveMedia(alice);
    expect(alicesVideo).toMatchObject({ kind: 'video' });
    expect(await liveMedia(bob)).toEqual(alicesVideo);

    // Bob uploads the video himself (not the still): through the album he sees it as in his own
    // library, waiting, not as alice was shown it — which would tell him she had it first.
    const release = holdMediaQueue(t);
    expect((await uploadBlob(t.api, bob.token, video)).status).toBe(204);
    expect(await liveMedia(bob)).toEqual({ pending: true });
    expect(await liveMedia(alice)).toEqual(alicesVideo);
    release();
    await t.server.media.drain();
    expect(await liveMedia(bob)).toEqual(alicesVideo);
  });
});
