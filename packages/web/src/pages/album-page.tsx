import { useEffect, useId, useRef, useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import { nameOf } from '../asset-facts.js';
import {
  albumThumbnailUrl,
  ownerQuery,
  photosText,
  ROLE_TEXT,
  SHARED_POLL_MS,
  useEvery,
  type AlbumAssetView,
  type AlbumRef,
  type AlbumView,
} from '../albums/album-api.js';
import { replyProblem, useAttempt } from '../library/attempt.js';
import { AlbumSharing } from '../albums/album-sharing.js';
import { PhotoPicker } from '../albums/photo-picker.js';
import { ActionButton } from '../components/action-button.js';
import { SelectionBar, useSelection } from '../components/selection.js';
import { ThumbnailGrid } from '../components/thumbnail-grid.js';
import { useLibrary } from '../library/library-context.js';
import { Link } from '../router.js';
import '../albums/albums.css';
import { InlineForm, Problem, TextField } from '../components/forms.js';

const PAGE = 200;

interface Loaded {
  readonly album: AlbumView;
  readonly assets: readonly AlbumAssetView[];
  /** Where the next page of photos starts; undefined once all are in. */
  readonly next: string | undefined;
}

/**
 * One album: its photos, read through the album routes so that one shared with the user shows
 * as to its owner; renaming, removing and sharing to its owner, adding photos to its owner and
 * contributors. A viewer sees the photos and nothing to change.
 */
export function AlbumPage(where: AlbumRef) {
  const { id, owner } = where;
  const { head, media } = useLibrary();
  const tick = useEvery(owner === undefined ? undefined : SHARED_POLL_MS);
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  // Read again on every change: as many photos as are shown, up to a page's limit.
  const [changed, setChanged] = useState(0);
  const reload = () => {
    setChanged((n) => n + 1);
  };
  const shown = useRef(0);
  shown.current = loaded?.assets.length ?? 0;
  useEffect(() => {
    let current = true;
    const query = ownerQuery({ id, owner });
    const limit = Math.min(1000, Math.max(PAGE, shown.current));
    void Promise.all([
      api.GET('/api/v1/albums/{id}', { params: { path: { id }, query } }),
      api.GET('/api/v1/albums/{id}/assets', {
        params: { path: { id }, query: { ...query, limit } },
      }),
    ]).then(([album, assets]) => {
      if (!current) return;
      if (!album.data || !assets.data) {
        setError(failureMessage(album.data ? assets : album));
        return;
      }
      setError(undefined);
      setLoaded({ album: album.data.album, assets: assets.data.assets, next: assets.data.next });
    });
    return () => {
      current = false;
    };
  }, [id, owner, head, media, tick, changed]);

  const selection = useSelection();
  const removeFromAlbum = useRemoveFromAlbum();
  const loadingMore = useAttempt();
  const more = (after: string) =>
    loadingMore.attempt(async () => {
      const result = await api.GET('/api/v1/albums/{id}/assets', {
        params: { path: { id }, query: { ...ownerQuery(where), after, limit: PAGE } },
      });
      const { data } = result;
      if (!data) return `More photos could not be loaded: ${failureMessage(result)}`;
      // Only onto the list this page continued: a reload meanwhile started it afresh.
      setLoaded((before) =>
        before?.next === after
          ? { ...before, assets: [...before.assets, ...data.assets], next: data.next }
          : before,
      );
      return undefined;
    });

  const photosId = useId();
  if (error) {
    return (
      <section className="empty">
        <h1>Album not found</h1>
        <p role="alert">{error}</p>
        <Link to="/albums">Back to the albums</Link>
      </section>
    );
  }
  if (!loaded) return <p className="loading">Loading…</p>;
  const { album, assets, next } = loaded;
  const owns = album.role === 'owner';
  return (
    <article className="album">
      <h1>{album.name}</h1>
      <p className="note">
        {photosText(album.memberCount)}
        {!owns && `; shared with you by ${album.ownerName}: you ${ROLE_TEXT[album.role]}`}
      </p>
      {owns && <RenameAlbum key={album.name} album={album} onChanged={reload} />}
      <section aria-labelledby={photosId}>
        <h2 id={photosId}>Photos</h2>
        {assets.length === 0 && <p className="note">No photos in this album yet.</p>}
        <ThumbnailGrid
          assets={assets}
          label={`Photos in ${album.name}`}
          tile={(asset) => ({
            src: albumThumbnailUrl(where, asset.id),
            // Only the owner has a page for the photo: to others, its library is not theirs.
            ...(owns && { to: `/photos/${encodeURIComponent(asset.id)}` }),
          })}
          {...(owns && {
            controls: (asset: AlbumAssetView) => (
              <ActionButton
                text="Remove"
                label={`Remove ${nameOf(asset)} from the album`}
                run={() => removeFromAlbum(album, asset)}
                onDone={reload}
              />
            ),
            selection,
          })}
        />
        {owns && (
          <SelectionBar
            selection={selection}
            verb={(photos) => `Remove ${photos} from the album`}
            act={(id) =>
              removeFromAlbum(
                album,
                assets.find((a) => a.id === id),
              )
            }
            onDone={reload}
          />
        )}
        {next !== undefined && (
          <button
            type="button"
            className="more"
            disabled={loadingMore.busy}
            onClick={() => void more(next)}
          >
            Show more photos
          </button>
        )}
        <Problem text={loadingMore.problem} />
      </section>
      {album.role !== 'viewer' && (
        <PhotoPicker album={album} inAlbum={new Set(assets.map((a) => a.id))} onAdded={reload} />
      )}
      {owns && <AlbumSharing album={album} onChanged={reload} />}
    </article>
  );
}

function RenameAlbum({ album, onChanged }: { album: AlbumView; onChanged: () => void }) {
  const { head, device } = useLibrary();
  const [name, setName] = useState(album.name);
  const { busy, problem, attempt } = useAttempt(onChanged);
  const rename = () =>
    attempt(async () =>
      replyProblem(
        await device.submit({ kind: 'renameAlbum', albumId: album.id, name: name.trim() }, head),
      ),
    );
  return (
    <InlineForm label="Rename album" onSubmit={() => void rename()} problem={problem}>
      <TextField label="Album name" value={name} onChange={setName} maxLength={512} />
      <button type="submit" disabled={busy || name.trim() === '' || name.trim() === album.name}>
        Rename
      </button>
    </InlineForm>
  );
}

/** Removing a photo from an album, as an op from this browser; answers what went wrong. */
function useRemoveFromAlbum() {
  const { head, device } = useLibrary();
  return async (album: AlbumView, asset: AlbumAssetView | undefined) => {
    if (!asset) return 'that photo is no longer shown in the album';
    return replyProblem(
      await device.submit(
        {
          kind: 'removeFromAlbum',
          albumId: album.id,
          assetId: asset.id,
          // The adds seen here: one made meanwhile elsewhere keeps the photo in (add wins).
          tags: asset.memberTags ?? [],
        },
        head,
      ),
    );
  };
}
