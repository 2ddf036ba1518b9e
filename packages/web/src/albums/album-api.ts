import { useEffect, useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import type { paths } from '../api/openapi.js';
import { replyProblem } from '../library/attempt.js';
import { useLibrary } from '../library/library-context.js';
import { useLoaded } from '../library/use-loaded.js';

// Albums as the pages read them. An album is one's own, or shared with one from another
// library: the album routes read that one with `?owner=<the library's user id>`.

type Answer<Operation> = Operation extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

export type AlbumView = Answer<paths['/api/v1/albums/{id}']['get']>['album'];
export type AlbumAssetView = Answer<paths['/api/v1/albums/{id}/assets']['get']>['assets'][number];
export type ShareRole = NonNullable<AlbumView['shares']>[number]['role'];

/** Where an album is read: its id, and the library that holds it when that is not the caller's. */
export interface AlbumRef {
  readonly id: string;
  readonly owner?: string | undefined;
}

/** The album routes' query for an album: `owner` for one shared with the caller. */
export const ownerQuery = (ref: AlbumRef) => (ref.owner === undefined ? {} : { owner: ref.owner });

/** Where an album stands to the caller: their own is read without an owner. */
export const refOf = (album: AlbumView): AlbumRef =>
  album.role === 'owner' ? { id: album.id } : { id: album.id, owner: album.library };

/** The album's page: /albums/<id> for one's own, /albums/<owner>/<id> for one shared with one. */
export const albumPath = (album: AlbumView) => {
  const { id, owner } = refOf(album);
  return owner === undefined
    ? `/albums/${encodeURIComponent(id)}`
    : `/albums/${encodeURIComponent(owner)}/${encodeURIComponent(id)}`;
};

/** A thumbnail through the album, so a shared album's photos show to whom it is shared with. */
export function albumThumbnailUrl(ref: AlbumRef, assetId: string): string {
  const path = `/api/v1/albums/${encodeURIComponent(ref.id)}/assets/${encodeURIComponent(assetId)}/derivatives/thumbnail`;
  return ref.owner === undefined ? path : `${path}?owner=${encodeURIComponent(ref.owner)}`;
}

/** A new album's id: random, so two devices creating albums offline never pick the same. */
export const newAlbumId = () => `album-${crypto.randomUUID()}`;

export const photosText = (count: number) => (count === 1 ? '1 photo' : `${count} photos`);

/** What the caller may do with an album, after "you". */
export const ROLE_TEXT: Record<AlbumView['role'], string> = {
  owner: 'own it',
  viewer: 'can view',
  contributor: 'can add photos',
};

/**
 * Adds one of the user's own photos to an album: an op, to their own album; to one shared with
 * them as a contributor, a contribution (the photo joins the owner's library, then the album).
 * Answers what went wrong, if anything did.
 */
export function useAddToAlbum() {
  const { head, device } = useLibrary();
  return async (album: AlbumView, assetId: string): Promise<string | undefined> => {
    if (album.role === 'owner') {
      return replyProblem(
        await device.submit({ kind: 'addToAlbum', albumId: album.id, assetId }, head),
      );
    }
    const result = await api.POST('/api/v1/albums/{id}/contributions', {
      params: { path: { id: album.id }, query: ownerQuery(refOf(album)) },
      body: { assetId },
    });
    if (!result.data) return failureMessage(result);
    return result.data.results.map(replyProblem).find((problem) => problem !== undefined);
  };
}

/** How often what another user shared is read again: their changes are not pushed to us. */
export const SHARED_POLL_MS = 30_000;

/**
 * A count that goes up every `ms` (never, when undefined): a page that shows another user's
 * library reads it again by it, since this browser's push channel tells only of its own.
 */
export function useEvery(ms: number | undefined): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (ms === undefined) return;
    const timer = setInterval(() => {
      setTick((n) => n + 1);
    }, ms);
    return () => {
      clearInterval(timer);
    };
  }, [ms]);
  return tick;
}

/**
 * The user's own albums and those shared with them, read again when the library moves and
 * every `pollMs` (what others share is not pushed to this browser).
 */
export function useAlbumLists(pollMs?: number) {
  const { head } = useLibrary();
  const tick = useEvery(pollMs);
  const { data, error } = useLoaded('The albums', () => api.GET('/api/v1/albums'), [head, tick]);
  const lists = data && { own: data.albums, shared: data.shared };
  return { lists, error };
}
