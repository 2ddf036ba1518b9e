import { asUserId } from '@keepsake/core';
import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import {
  sha256Of,
  startTestServer,
  uploadBlob,
  type TestServer,
} from '../test-support/test-server.js';

const bytes = (name: string) => new TextEncoder().encode(`the bytes of ${name}`);

async function aliceSharesOnePhoto(t: TestServer) {
  const alice = await t.userWithDevice('alice');
  const bob = await t.userWithDevice('bob');
  const [shared, privatePhoto] = [bytes('harbour.heic'), bytes('diary.heic')];
  await uploadBlob(t.api, alice.token, shared);
  await uploadBlob(t.api, alice.token, privatePhoto);
  const ops = [
    importOpFor(alice.deviceId, shared, '2026/harbour.HEIC'),
    importOpFor(alice.deviceId, privatePhoto, '2026/diary.HEIC'),
    opFrom(alice.deviceId, {
      kind: 'createAlbum',
      albumId: 'album-trip',
      owner: alice.userId,
      name: 'Trip',
    }),
    opFrom(alice.deviceId, {
      kind: 'createAlbum',
      albumId: 'album-secret',
      owner: alice.userId,
      name: 'Secret',
    }),
    opFrom(alice.deviceId, {
      kind: 'addToAlbum',
      albumId: 'album-trip',
      assetId: sha256Of(shared),
    }),
    opFrom(alice.deviceId, {
      kind: 'addToAlbum',
      albumId: 'album-secret',
      assetId: sha256Of(privatePhoto),
    }),
    opFrom(alice.deviceId, {
      kind: 'shareAlbum',
      albumId: 'album-trip',
      user: bob.userId,
      role: 'viewer',
    }),
  ];
  const response = await t.api('/api/v1/ops', { token: alice.token, body: { ops } });
  const { results } = (await response.json()) as { results: { status: string }[] };
  expect(results.map((r) => r.status)).toEqual(ops.map(() => 'applied'));
  return { alice, bob, shared: sha256Of(shared), privatePhoto: sha256Of(privatePhoto) };
}

describe('albums and sharing over HTTP', () => {
  it('shows a viewer the shared album and its photos, and nothing else of the library', async () => {
    const t = await startTestServer();
    const { alice, bob, shared, privatePhoto } = await aliceSharesOnePhoto(t);
    const get = (path: string) => t.api(path, { token: bob.token });

    const listing = (await (await get('/api/v1/albums')).json()) as {
      albums: unknown[];
      shared: { id: string; role: string; memberCount: number }[];
    };
    expect(listing.albums).toEqual([]);
    expect(listing.shared).toMatchObject([{ id: 'album-trip', role: 'viewer', memberCount: 1 }]);

    const inAlbum = `/api/v1/albums/album-trip/assets?owner=${alice.userId}`;
    const members = (await (await get(inAlbum)).json()) as { assets: { id: string }[] };
    expect(members.assets.map((a) => a.id)).toEqual([shared]);
    const viaAlbum = await get(
      `/api/v1/albums/album-trip/assets/${shared}/blobs/${shared}?owner=${alice.userId}`,
    );
    expect(viaAlbum.status).toBe(200);
    expect(await viaAlbum.text()).toBe('the bytes of harbour.heic');

    // Everything else answers 404, exactly like things that do not exist.
    for (const path of [
      `/api/v1/albums/album-trip/assets/${privatePhoto}/blobs/${privatePhoto}?owner=${alice.userId}`,
      `/api/v1/albums/album-secret?owner=${alice.userId}`,
      `/api/v1/albums/album-secret/assets?owner=${alice.userId}`,
      `/api/v1/albums/album-nothing?owner=${alice.userId}`,
      `/api/v1/blobs/${shared}`,
      `/api/v1/assets/${shared}`,
      `/api/v1/assets/${privatePhoto}/history`,
    ]) {
      expect([path, (await get(path)).status]).toEqual([path, 404]);
    }
  });

  it("names the album's owner and its shares, and gives the membership's tags to the owner alone", async () => {
    const t = await startTestServer();
    const { alice, bob, shared } = await aliceSharesOnePhoto(t);
    type Listing = {
      albums: { id: string; shares?: unknown[] }[];
      shared: { id: string; library: string; ownerName: string; role: string; shares?: unknown }[];
    };
    const list = async (token: string) =>
      (await (await t.api('/api/v1/albums', { token })).json()) as Listing;

    expect((await list(bob.token)).shared).toEqual([
      expect.objectContaining({ id: 'album-trip', library: alice.userId, ownerName: 'alice' }),
    ]);
    expect((await list(bob.token)).shared[0]).not.toHaveProperty('shares');
    const own = (await list(alice.token)).albums.find((album) => album.id === 'album-trip');
    expect(own?.shares).toEqual([{ user: bob.userId, name: 'bob', role: 'viewer' }]);

    type Members = { assets: { id: string; memberTags?: string[]; media: object }[] };
    const members = async (token: string) =>
      (await (
        await t.api(`/api/v1/albums/album-trip/assets?owner=${alice.userId}`, { token })
      ).json()) as Members;
    const [mine] = (await members(alice.token)).assets;
    expect(mine?.id).toBe(shared);
    expect(mine?.memberTags).toHaveLength(1);
    expect(mine?.media).toHaveProperty('original');
    const [theirs] = (await members(bob.token)).assets;
    expect(theirs?.id).toBe(shared);
    expect(theirs).not.toHaveProperty('memberTags');

    // The tags are what a remove needs: with them, the photo leaves the album.
    const remove = opFrom(alice.deviceId, {
      kind: 'removeFromAlbum',
      albumId: 'album-trip',
      assetId: shared,
      tags: mine?.memberTags ?? [],
    });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [remove] } });
    expect((await members(bob.token)).assets).toEqual([]);
  });

  it("lets a contributor add their own photo: it joins the owner's library and the album, once", async () => {
    const t = await startTestServer();
    const { alice, bob } = await aliceSharesOnePhoto(t);
    const carol = await t.userWithDevice('carol');
    const asContributor = opFrom(alice.deviceId, {
      kind: 'shareAlbum',
      albumId: 'album-trip',
      user: bob.userId,
      role: 'contributor',
    });
    const asViewer = opFrom(alice.deviceId, {
      kind: 'shareAlbum',
      albumId: 'album-trip',
      user: carol.userId,
      role: 'viewer',
    });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [asContributor, asViewer] } });

    const bobsPhoto = bytes('bob at the harbour.heic');
    await uploadBlob(t.api, bob.token, bobsPhoto);
    await t.api('/api/v1/ops', {
      token: bob.token,
      body: { ops: [importOpFor(bob.deviceId, bobsPhoto, 'Camera/IMG_9.HEIC')] },
    });
    const contribute = (token: string, assetId: string) =>
      t.api(`/api/v1/albums/album-trip/contributions?owner=${alice.userId}`, {
        token,
        body: { assetId },
      });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await contribute(bob.token, sha256Of(bobsPhoto));
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: { status: string }[] };
      expect(results.map((r) => r.status)).toEqual(
        attempt === 0 ? ['applied', 'applied'] : ['duplicate', 'duplicate'],
      );
    }
    const mine = (await (
      await t.api(`/api/v1/assets/${sha256Of(bobsPhoto)}`, { token: alice.token })
    ).json()) as {
      asset: { paths: string[] };
    };
    expect(mine.asset.paths).toEqual(['Shared/Trip/IMG_9.HEIC']);
    const own = await t.api(`/api/v1/blobs/${sha256Of(bobsPhoto)}`, { token: alice.token });
    expect(await own.text()).toBe('the bytes of bob at the harbour.heic');
    const members = (await (
      await t.api(`/api/v1/albums/album-trip/assets?owner=${alice.userId}`, { token: carol.token })
    ).json()) as {
      assets: { id: string }[];
    };
    expect(members.assets.map((a) => a.id).sort()).toEqual(
      [sha256Of(bobsPhoto), sha256Of(bytes('harbour.heic'))].sort(),
    );

    const carolsPhoto = bytes('carol.heic');
    await uploadBlob(t.api, carol.token, carolsPhoto);
    await t.api('/api/v1/ops', {
      token: carol.token,
      body: { ops: [importOpFor(carol.deviceId, carolsPhoto, 'c.HEIC')] },
    });
    expect((await contribute(carol.token, sha256Of(carolsPhoto))).status).toBe(403);
    // Nobody can push someone else's photo in: it must be in the contributor's own library.
    expect((await contribute(bob.token, sha256Of(carolsPhoto))).status).toBe(404);
  });

  it("refuses a contribution past the owner's quota: the owner's library is not filled for them", async () => {
    // Alice's two photos take 48 of her 100 bytes; Bob's 58-byte photo fits his quota, not hers.
    const t = await startTestServer({ defaultQuotaBytes: 100 });
    const { alice, bobsPhoto, contribute } = await bobReadyToContribute(t);
    expect(bobsPhoto.length).toBe(58);
    const usedBefore = await t.server.context.store.libraryBytes(asUserId(alice.userId));

    const response = await contribute();
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('quota-exceeded');
    expect(error.message).toContain('quota of 100 bytes');
    expect(await t.server.context.store.libraryBytes(asUserId(alice.userId))).toBe(usedBefore);
    const blob = await t.api(`/api/v1/blobs/${sha256Of(bobsPhoto)}`, { token: alice.token });
    expect(blob.status).toBe(404);
  });

  it("counts a contribution at the bytes' stored size, not the size the contributor's op declared", async () => {
    const t = await startTestServer();
    const { alice, bobsPhoto, contribute } = await bobReadyToContribute(t, 0);
    const usedBefore = await t.server.context.store.libraryBytes(asUserId(alice.userId));

    expect((await contribute()).status).toBe(200);
    expect(await t.server.context.store.libraryBytes(asUserId(alice.userId))).toBe(
      usedBefore + bobsPhoto.length,
    );
  });

  it("refuses an album in someone else's name, a share with its owner or with no one, storing nothing", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    const submit = async (payload: Parameters<typeof opFrom>[1]) => {
      const response = await t.api('/api/v1/ops', {
        token: alice.token,
        body: { ops: [opFrom(alice.deviceId, payload)] },
      });
      return { status: response.status, body: await response.json() };
    };
    const refusal = (message: string) => ({
      status: 400,
      body: { error: { code: 'bad-request', message } },
    });
    const album = { kind: 'createAlbum', albumId: 'album-trip', name: 'Trip' } as const;
    expect(await submit({ ...album, owner: bob.userId })).toEqual(
      refusal(
        `body.ops.0.payload.owner: an album is created in its owner's library: give your own user id (${alice.userId})`,
      ),
    );
    expect((await submit({ ...album, owner: alice.userId })).status).toBe(200);
    const share = { kind: 'shareAlbum', albumId: 'album-trip', role: 'viewer' } as const;
    expect(await submit({ ...share, user: alice.userId })).toEqual(
      refusal('body.ops.0.payload.user: the album is yours already; share it with another user'),
    );
    expect(await submit({ ...share, user: 'user-nobody-at-all' })).toEqual(
      refusal('body.ops.0.payload.user: no user has the id user-nobody-at-all'),
    );
    // Withdrawing a share names no one new: it is taken whoever it names.
    expect((await submit({ ...share, user: 'user-nobody-at-all', role: null })).status).toBe(200);
    const listed = (await (await t.api('/api/v1/albums', { token: alice.token })).json()) as {
      albums: { owner: string; shares: unknown[] }[];
    };
    expect(listed.albums).toEqual([expect.objectContaining({ owner: alice.userId, shares: [] })]);
  });

  it('takes the access away on the next request once the share is withdrawn', async () => {
    const t = await startTestServer();
    const { alice, bob } = await aliceSharesOnePhoto(t);
    const album = `/api/v1/albums/album-trip?owner=${alice.userId}`;
    expect((await t.api(album, { token: bob.token })).status).toBe(200);
    const unshare = opFrom(alice.deviceId, {
      kind: 'shareAlbum',
      albumId: 'album-trip',
      user: bob.userId,
      role: null,
    });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [unshare] } });
    expect((await t.api(album, { token: bob.token })).status).toBe(404);
  });

  it("lists the owner's assets newest first, page by page, with each asset's history", async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const ops = [];
    for (let day = 1; day <= 5; day++) {
      const photo = bytes(`day-${day}`);
      await uploadBlob(t.api, alice.token, photo);
      const op = importOpFor(alice.deviceId, photo, `2026/05/day-${day}.JPG`);
      ops.push({
        ...op,
        payload: { ...op.payload, meta: { takenAt: `2026-05-0${day}T12:00:00+02:00` } },
      });
    }
    await t.api('/api/v1/ops', { token: alice.token, body: { ops } });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await (
        await t.api(`/api/v1/assets?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
          token: alice.token,
        })
      ).json()) as { assets: { paths: string[] }[]; next?: string };
      seen.push(...page.assets.flatMap((a) => a.paths));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1].map((day) => `2026/05/day-${day}.JPG`));

    const id = sha256Of(bytes('day-3'));
    const fav = opFrom(alice.deviceId, {
      kind: 'setField',
      assetId: id,
      field: 'favorite',
      value: true,
    });
    await t.api('/api/v1/ops', { token: alice.token, body: { ops: [fav] } });
    const { history } = (await (
      await t.api(`/api/v1/assets/${id}/history`, { token: alice.token })
    ).json()) as {
      history: { op: { payload: { kind: string }; device: string }; outcome: { status: string } }[];
    };
    expect(history.map((e) => [e.op.payload.kind, e.op.device, e.outcome.status])).toEqual([
      ['import', alice.deviceId, 'applied'],
      ['setField', alice.deviceId, 'applied'],
    ]);
    const bad = await t.api('/api/v1/assets?cursor=not-a-cursor', { token: alice.token });
    expect(bad.status).toBe(400);
  });

  it('keeps an edited photo in its place in the timeline when the edit carries no capture time', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const ops = [];
    for (let day = 1; day <= 3; day++) {
      const photo = bytes(`edit-day-${day}`);
      await uploadBlob(t.api, alice.token, photo);
      const op = importOpFor(alice.deviceId, photo, `2026/06/day-${day}.JPG`);
      ops.push({
        ...op,
        payload: { ...op.payload, meta: { takenAt: `2026-06-0${day}T09:00:00Z` } },
      });
    }
    await t.api('/api/v1/ops', { token: alice.token, body: { ops } });
    const original = sha256Of(bytes('edit-day-2'));
    const render = bytes('edit-day-2 rendered without EXIF');
    await uploadBlob(t.api, alice.token, render);
    const { results } = (await (
      await t.api('/api/v1/ops', {
        token: alice.token,
        body: {
          ops: [
            opFrom(alice.deviceId, {
              kind: 'edit',
              assetId: original,
              resources: {
                original: { hash: original, size: bytes('edit-day-2').length, ext: 'JPG' },
                render: { hash: sha256Of(render), size: render.length, ext: 'JPG' },
              },
              meta: {},
              context: [ops[1]?.opId],
            }),
          ],
        },
      })
    ).json()) as { results: { status: string }[] };
    expect(results.map((r) => r.status)).toEqual(['applied']);
    const page = (await (await t.api('/api/v1/assets', { token: alice.token })).json()) as {
      assets: { paths: string[] }[];
    };
    expect(page.assets.flatMap((a) => a.paths)).toEqual(
      [3, 2, 1].map((day) => `2026/06/day-${day}.JPG`),
    );
  });
});

/**
 * Alice's album shared with Bob as contributor, and Bob's 58-byte photo uploaded and imported
 * into his library, its op declaring `declaredSize` bytes (its true size unless given).
 */
async function bobReadyToContribute(t: TestServer, declaredSize?: number) {
  const { alice, bob } = await aliceSharesOnePhoto(t);
  const share = opFrom(alice.deviceId, {
    kind: 'shareAlbum',
    albumId: 'album-trip',
    user: bob.userId,
    role: 'contributor',
  });
  await t.api('/api/v1/ops', { token: alice.token, body: { ops: [share] } });
  const bobsPhoto = bytes('a long name for a photo of bob at the harbour');
  expect((await uploadBlob(t.api, bob.token, bobsPhoto)).status).toBe(204);
  const hash = sha256Of(bobsPhoto);
  const size = declaredSize ?? bobsPhoto.length;
  const imported = opFrom(bob.deviceId, {
    kind: 'import',
    assetId: hash,
    resources: { original: { hash, size, ext: 'HEIC' } },
    meta: {},
    path: 'Camera/IMG_9.HEIC',
  });
  await t.api('/api/v1/ops', { token: bob.token, body: { ops: [imported] } });
  const contribute = () =>
    t.api(`/api/v1/albums/album-trip/contributions?owner=${alice.userId}`, {
      token: bob.token,
      body: { assetId: hash },
    });
  return { alice, bobsPhoto, contribute };
}
