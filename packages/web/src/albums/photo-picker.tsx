import { useEffect, useId, useState } from 'react';
import { api, failureMessage, type AssetView } from '../api/client.js';
import { nameOf } from '../asset-facts.js';
import { ThumbnailGrid } from '../components/thumbnail-grid.js';
import { useAddToAlbum, type AlbumView } from './album-api.js';
import './albums.css';
import { ActionButton } from '../components/action-button.js';
import { Problem } from '../components/forms.js';
import { SelectionBar, useSelection } from '../components/selection.js';

const PAGE = 60;

/**
 * The album's owner and its contributors add their own photos from here: a grid of their
 * library, newest first, shown on demand.
 */
export function PhotoPicker(props: {
  album: AlbumView;
  /** The album's photos loaded so far: those say they are in it already. */
  inAlbum: ReadonlySet<string>;
  onAdded: () => void;
}) {
  const [open, setOpen] = useState(false);
  const headingId = useId();
  const listId = useId();
  return (
    <section className="picker" aria-labelledby={headingId}>
      <h2 id={headingId}>Add photos</h2>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => {
          setOpen((was) => !was);
        }}
      >
        {open ? 'Hide your photos' : 'Choose from your photos'}
      </button>
      <div id={listId} className="picker-photos">
        {open && <YourPhotos {...props} />}
      </div>
    </section>
  );
}

function YourPhotos(props: {
  album: AlbumView;
  inAlbum: ReadonlySet<string>;
  onAdded: () => void;
}) {
  const [assets, setAssets] = useState<readonly AssetView[]>([]);
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  /** The first page (no cursor) replaces what is shown; a next page adds to it. */
  const load = async (cursor?: string) => {
    const result = await api.GET('/api/v1/assets', {
      params: { query: { limit: PAGE, ...(cursor !== undefined && { cursor }) } },
    });
    const { data } = result;
    if (!data) {
      setError(`Your photos could not be loaded: ${failureMessage(result)}`);
      return;
    }
    setAssets((before) => (cursor === undefined ? data.assets : [...before, ...data.assets]));
    setNext(data.next);
  };
  useEffect(() => {
    // Once, when opened: a photo added from here says so through `inAlbum`, not a reload.
    void load();
  }, []);
  const selection = useSelection();
  const add = useAddToAlbum();
  return (
    <>
      <Problem text={error} />
      <SelectionBar
        selection={selection}
        verb={(photos) => `Add ${photos} to the album`}
        act={(id) => add(props.album, id)}
        onDone={props.onAdded}
      />
      <ThumbnailGrid
        assets={assets}
        label="Your photos"
        tile={() => ({})}
        selection={selection}
        controls={(asset) =>
          props.inAlbum.has(asset.id) ? (
            <span className="note">In the album</span>
          ) : (
            <ActionButton
              text="Add"
              label={`Add ${nameOf(asset)} to the album`}
              run={() => add(props.album, asset.id)}
              onDone={props.onAdded}
            />
          )
        }
      />
      {next !== undefined && (
        <button type="button" className="more" onClick={() => void load(next)}>
          Show more of your photos
        </button>
      )}
    </>
  );
}
