import { useState } from 'react';
import type { AssetView } from '../api/client.js';
import { Link } from '../router.js';
import { useAddToAlbum, useAlbumLists, type AlbumView } from './album-api.js';
import { useAttempt } from '../library/attempt.js';
import './albums.css';
import { InlineForm, Problem } from '../components/forms.js';

const keyOf = (album: AlbumView) => `${album.library}/${album.id}`;

/**
 * The photo page's "Add to album": to one of the user's own albums, or to one shared with them
 * as a contributor.
 */
export function AddToAlbum({ asset }: { asset: AssetView }) {
  const { lists, error } = useAlbumLists();
  // One can add to one's own albums, and to those shared with one as a contributor.
  const albums = lists && {
    own: lists.own,
    shared: lists.shared.filter((album) => album.role === 'contributor'),
  };
  const [chosen, setChosen] = useState('');
  const [added, setAdded] = useState<string>();
  const add = useAddToAlbum();
  const { busy, problem, attempt } = useAttempt();

  // Only a live photo joins an album; one in the trash is restored first.
  if (asset.lifecycle.state !== 'live') return null;
  if (error) return <Problem text={error} />;
  if (!albums) return null;
  if (albums.own.length + albums.shared.length === 0) {
    return (
      <span className="note">
        No albums to add it to yet: <Link to="/albums">make one</Link>.
      </span>
    );
  }
  const album = [...albums.own, ...albums.shared].find((a) => keyOf(a) === chosen);
  const submit = () =>
    attempt(async () => {
      if (!album) return 'Choose an album first.';
      setAdded(undefined);
      const problem = await add(album, asset.id);
      if (problem === undefined) setAdded(album.name);
      return problem;
    });
  const options = (list: readonly AlbumView[]) =>
    list.map((a) => (
      <option key={keyOf(a)} value={keyOf(a)}>
        {a.role === 'owner' ? a.name : `${a.name} (${a.ownerName})`}
      </option>
    ));
  return (
    <InlineForm label="Add to album" onSubmit={() => void submit()} problem={problem}>
      <label>
        Album
        <select
          value={chosen}
          onChange={(event) => {
            setChosen(event.target.value);
            setAdded(undefined);
          }}
        >
          <option value="">Choose an album</option>
          {albums.own.length > 0 && <optgroup label="Your albums">{options(albums.own)}</optgroup>}
          {albums.shared.length > 0 && (
            <optgroup label="Shared with you">{options(albums.shared)}</optgroup>
          )}
        </select>
      </label>
      <button type="submit" disabled={busy || !album}>
        Add to album
      </button>
      <span role="status" className="note">
        {added !== undefined && `Added to ${added}.`}
      </span>
    </InlineForm>
  );
}
