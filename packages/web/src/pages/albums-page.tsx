import { useId, useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import {
  albumPath,
  newAlbumId,
  photosText,
  ROLE_TEXT,
  SHARED_POLL_MS,
  useAlbumLists,
} from '../albums/album-api.js';
import { replyProblem, useAttempt } from '../library/attempt.js';
import { useLibrary } from '../library/library-context.js';
import { Link, navigate } from '../router.js';
import '../albums/albums.css';
import { InlineForm, Problem, TextField } from '../components/forms.js';

/** The user's own albums, a way to make one, and the albums others shared with them. */
export function AlbumsPage() {
  const { lists: loaded, error } = useAlbumLists(SHARED_POLL_MS);

  const ownId = useId();
  const sharedId = useId();
  return (
    <section className="albums">
      <h1>Albums</h1>
      <CreateAlbum />
      <Problem text={error} />
      {loaded && (
        <>
          <section aria-labelledby={ownId}>
            <h2 id={ownId}>Your albums</h2>
            {loaded.own.length === 0 ? (
              <p className="note">No albums yet.</p>
            ) : (
              <ul className="album-list">
                {loaded.own.map((album) => (
                  <li key={album.id}>
                    <Link to={albumPath(album)}>{album.name}</Link>
                    <span className="note">
                      {photosText(album.memberCount)}
                      {album.shares?.length ? `, shared with ${album.shares.length}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby={sharedId}>
            <h2 id={sharedId}>Shared with you</h2>
            {loaded.shared.length === 0 ? (
              <p className="note">No one has shared an album with you yet.</p>
            ) : (
              <ul className="album-list">
                {loaded.shared.map((album) => (
                  <li key={`${album.library}/${album.id}`}>
                    <Link to={albumPath(album)}>{album.name}</Link>
                    <span className="note">
                      from {album.ownerName}, {photosText(album.memberCount)}; you{' '}
                      {ROLE_TEXT[album.role]}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </section>
  );
}

/** Makes an album (an op from this browser) and opens it. */
function CreateAlbum() {
  const { head, device } = useLibrary();
  const [name, setName] = useState('');
  const { busy, problem, attempt } = useAttempt();
  const create = () =>
    attempt(async () => {
      const me = await api.GET('/api/v1/me');
      if (!me.data) return failureMessage(me);
      const albumId = newAlbumId();
      const problem = replyProblem(
        await device.submit(
          { kind: 'createAlbum', albumId, owner: me.data.user.id, name: name.trim() },
          head,
        ),
      );
      if (problem === undefined) navigate(`/albums/${encodeURIComponent(albumId)}`);
      return problem;
    });
  return (
    <InlineForm label="New album" onSubmit={() => void create()} problem={problem}>
      <TextField label="Album name" value={name} onChange={setName} maxLength={512} />
      <button type="submit" disabled={busy || name.trim() === ''}>
        Create album
      </button>
    </InlineForm>
  );
}
