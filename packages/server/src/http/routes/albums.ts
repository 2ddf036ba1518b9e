import {
  asAlbumId,
  assetIdSchema,
  blobHashesOf,
  blobHashSchema,
  orSetTags,
  type Album,
  type AlbumId,
  type Asset,
  type AssetId,
  type BlobHash,
  type ShareRole,
  type UserId,
} from '@keepsake/core';
import { z } from 'zod';
import { quotaOf } from '../../config.js';
import { contributedBlobs, contributionOps } from '../../library/contribute.js';
import { SERVER_DEVICE } from '../../library/server-device.js';
import { QuotaExceededError } from '../../store/metadata-store.js';
import { ApiError, forbidden, notFound } from '../api-error.js';
import type { ServerContext } from '../server-context.js';
import { albumAssetViewSchema, albumViewSchema, replySchema } from '../views.js';
import type { ZodApp } from '../zod-app.js';
import { derivativeOf, describeAsset, renditionOf } from './assets.js';
import { sendBlob } from './blobs.js';

const albumParams = z.object({ id: z.string().min(1).max(64) });
const ownerQuery = z.object({
  owner: z.string().max(100).optional().describe("The album owner's user id; default the caller"),
});

/**
 * Albums: the caller's own, and those other users shared with them. A shared album is reached
 * as `?owner=<user id>`; everything in it is readable to its viewers and contributors, and
 * nothing else of the owner's library is — an album id that is not shared with the caller
 * answers 404 as if it did not exist.
 */
export function albumsRoutes(app: ZodApp, ctx: ServerContext): void {
  /** The library an album lives in, and the caller's role there; 404 when the caller may not see it. */
  const access = async (caller: UserId, album: AlbumId, owner: string | undefined) => {
    const library = (owner ?? caller) as UserId;
    const role: ShareRole | 'owner' | undefined =
      library === caller ? 'owner' : await ctx.store.shareRole(library, album, caller);
    const found = role && (await ctx.store.album(library, album));
    if (!role || !found) throw notFound('album');
    return { library, role, album: found };
  };

  /**
   * A live asset of an album the caller may see, with the library that holds it; undefined when
   * the album, the membership or the asset is not there (the routes answer 404 for all three
   * alike).
   */
  const albumAsset = async (
    caller: UserId,
    album: AlbumId,
    owner: string | undefined,
    id: AssetId,
  ) => {
    const { library } = await access(caller, album, owner);
    if (!(await ctx.store.isAlbumMember(library, album, id))) return undefined;
    const asset = await ctx.store.asset(library, id);
    return asset?.lifecycle.state === 'live' ? { library, asset } : undefined;
  };

  /**
   * The library whose view of a blob of an album's asset is shown: its owner's, whoever looks.
   * Except to one who holds those bytes herself, who sees them through the album no sooner than
   * in her own library: else the album would tell her whether its owner had them before her.
   * Decided blob by blob: she may hold a Live Photo's video and not its still.
   */
  const blobShownAs = async (caller: UserId, library: UserId, hash: BlobHash) =>
    (await ctx.store.libraryHasBlob(caller, hash)) ? caller : library;

  /** The library an album's asset's thumbnails are shown as: its rendition's (see blobShownAs). */
  const shownAs = async (caller: UserId, library: UserId, asset: Asset) => {
    const rendition = renditionOf(asset);
    return rendition ? blobShownAs(caller, library, rendition.hash) : library;
  };

  /** A user's name; undefined for an id no user has (a share names whatever id its op gave). */
  const nameOf = async (user: UserId) => (await ctx.store.userById(user))?.name;

  const albumView = async (library: UserId, album: Album, role: ShareRole | 'owner') => {
    const ownerName = await nameOf(library);
    // The library exists because the album does, and a library is its user's.
    if (ownerName === undefined) throw new Error(`library ${library} has no user`);
    const shares = [...album.shares].flatMap(([user, share]) =>
      share.value === null ? [] : [{ user, role: share.value }],
    );
    return {
      id: album.id,
      owner: album.owner,
      library,
      ownerName,
      name: album.name.value,
      role,
      memberCount: await ctx.store.albumMemberCount(library, album.id),
      ...(role === 'owner' && {
        shares: await Promise.all(
          shares.map(async (share) => {
            const name = await nameOf(share.user);
            return { ...share, ...(name !== undefined && { name }) };
          }),
        ),
      }),
    };
  };

  app.get(
    '/api/v1/albums',
    {
      schema: {
        summary: 'Own albums and albums shared with the caller',
        response: {
          200: z.object({ albums: z.array(albumViewSchema), shared: z.array(albumViewSchema) }),
        },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const own = await ctx.store.albums(user.id);
      const shared = [];
      for (const share of await ctx.store.sharedWith(user.id)) {
        const album = await ctx.store.album(share.library, share.album);
        if (album) shared.push(await albumView(share.library, album, share.role));
      }
      return {
        albums: await Promise.all(own.map((album) => albumView(user.id, album, 'owner'))),
        shared,
      };
    },
  );

  app.get(
    '/api/v1/albums/:id',
    {
      schema: {
        summary: 'One album',
        params: albumParams,
        querystring: ownerQuery,
        response: { 200: z.object({ album: albumViewSchema }) },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const { library, role, album } = await access(
        user.id,
        asAlbumId(request.params.id),
        request.query.owner,
      );
      return { album: await albumView(library, album, role) };
    },
  );

  app.post(
    '/api/v1/albums/:id/contributions',
    {
      schema: {
        summary: "Add one of the caller's photos to an album shared with them as contributor",
        description:
          "The photo joins the owner's library (same bytes, same asset id, under Shared/<album>/) and the album. Safe to retry.",
        params: albumParams,
        querystring: ownerQuery,
        body: z.object({ assetId: assetIdSchema }),
        response: { 200: z.object({ results: z.array(replySchema) }) },
      },
    },
    async (request) => {
      const caller = await ctx.auth.user(request);
      const albumId = asAlbumId(request.params.id);
      const { library, role, album } = await access(caller.user.id, albumId, request.query.owner);
      if (role === 'viewer')
        throw forbidden(
          'a viewer cannot add photos to this album; ask its owner for contributor access',
        );
      const asset = await ctx.store.asset(caller.user.id, request.body.assetId);
      const ops =
        asset &&
        contributionOps(
          { user: caller.user.id, device: caller.device?.id ?? SERVER_DEVICE },
          album,
          asset,
          await ctx.store.headSeq(library),
          ctx.now(),
        );
      if (!asset || !ops) throw notFound('live asset with that id in your library');
      const blobs = contributedBlobs(asset);
      // The photo's bytes count against the owner's library, as anything it holds does: within
      // the owner's quota, or contributors could fill a library its owner then cannot upload to.
      const owner = library === caller.user.id ? undefined : await ctx.store.userById(library);
      const quota = owner && quotaOf(owner, ctx.config);
      // Under the blobs' gates, as an upload claims bytes: a collection freeing them runs wholly
      // before (and the check below fails) or after (and finds them held by the album's owner).
      await ctx.blobGate.runAll(
        blobs.map((b) => b.hash),
        async () => {
          for (const { hash } of blobs) {
            if (!(await ctx.store.libraryHasBlob(caller.user.id, hash)))
              throw notFound(`blob ${hash} in your library`);
          }
          if (library === caller.user.id) return;
          try {
            // Dated from the contributor's claim: her photo is shown in the album as she is
            // shown it, whether or not the owner had the bytes (see ClaimOptions).
            await ctx.store.addLibraryBlobs(library, blobs, ctx.now(), quota, {
              claimedAs: caller.user.id,
            });
          } catch (error) {
            if (!(error instanceof QuotaExceededError)) throw error;
            throw new ApiError(
              413,
              'quota-exceeded',
              `this photo would take the album owner's library past its quota of ${String(quota)} bytes; ask the album's owner to free space`,
            );
          }
        },
      );
      // A new claim by the owner's library may have queued the photo's media (see mediaFor).
      ctx.media.poke();
      const results = await ctx.store.submitOps(library, ops, {
        nowMs: ctx.now(),
        maxDriftMs: ctx.config.maxClockDriftMs,
      });
      return { results };
    },
  );

  app.get(
    '/api/v1/albums/:id/assets/:asset/derivatives/:role',
    {
      schema: {
        summary: "A thumbnail or preview of an album's asset (how shared albums are shown)",
        params: albumParams.extend({
          asset: assetIdSchema,
          role: z.enum(['thumbnail', 'preview']),
        }),
        querystring: ownerQuery,
      },
    },
    async (request, reply) => {
      const { user } = await ctx.auth.user(request);
      const { id, asset: assetId, role } = request.params;
      const found = await albumAsset(user.id, asAlbumId(id), request.query.owner, assetId);
      const seenAs = found && (await shownAs(user.id, found.library, found.asset));
      const hash = seenAs && (await derivativeOf(ctx.store, seenAs, found.asset, role));
      if (!hash) throw notFound(`${request.params.role} for this asset`);
      return sendBlob(ctx, request, reply, hash, {
        contentType: 'image/webp',
        addressedBy: 'asset',
      });
    },
  );

  app.get(
    '/api/v1/albums/:id/assets',
    {
      schema: {
        summary: "An album's live assets, by asset id",
        params: albumParams,
        querystring: ownerQuery.extend({
          after: assetIdSchema.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: {
          200: z.object({
            assets: z.array(albumAssetViewSchema),
            next: z.string().optional().describe('pass back as `after` for the next page'),
          }),
        },
      },
    },
    async (request) => {
      const { user } = await ctx.auth.user(request);
      const { owner, after, limit } = request.query;
      const { library, role, album } = await access(user.id, asAlbumId(request.params.id), owner);
      const assets = await ctx.store.albumAssets(library, album.id, after, limit);
      const views = await Promise.all(
        assets.map(async (asset) => ({
          ...(await describeAsset(
            ctx.store,
            ctx.config,
            (hash) => blobShownAs(user.id, library, hash),
            asset,
          )),
          ...(role === 'owner' && { memberTags: orSetTags(album.members, asset.id) }),
        })),
      );
      const last = assets.at(-1);
      return {
        assets: views,
        ...(assets.length === limit && last && { next: last.id }),
      };
    },
  );

  app.get(
    '/api/v1/albums/:id/assets/:asset/blobs/:hash',
    {
      schema: {
        summary: "Download a blob of an album's asset (how shared albums are viewed)",
        params: albumParams.extend({ asset: assetIdSchema, hash: blobHashSchema }),
        querystring: ownerQuery,
      },
    },
    async (request, reply) => {
      const { user } = await ctx.auth.user(request);
      const { id, asset: assetId, hash } = request.params;
      const found = await albumAsset(user.id, asAlbumId(id), request.query.owner, assetId);
      const holds = found?.asset.versions.some((v) => blobHashesOf(v.resources).includes(hash));
      if (!holds) throw notFound('blob');
      return sendBlob(ctx, request, reply, hash, { addressedBy: 'hash' });
    },
  );
}
