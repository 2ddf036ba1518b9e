import type { AssetView } from '../api/client.js';
import { AddToAlbum } from '../albums/add-to-album.js';
import { Problem } from '../components/forms.js';
import { useChange } from '../library/attempt.js';

/** Changes made here: each is an op from this browser, and shows in the history below. */
export function PhotoActions({ asset, onChanged }: { asset: AssetView; onChanged: () => void }) {
  const { busy, problem, change } = useChange(onChanged);
  const favorite = asset.fields.favorite === true;
  const trashed = asset.lifecycle.state === 'trashed';
  const context = asset.versions.map((v) => v.id);
  return (
    <div className="actions">
      <button
        type="button"
        aria-pressed={favorite}
        disabled={busy}
        onClick={() =>
          void change({ kind: 'setField', assetId: asset.id, field: 'favorite', value: !favorite })
        }
      >
        {favorite ? '♥ Favorite' : '♡ Favorite'}
      </button>
      {trashed ? (
        <button
          type="button"
          disabled={busy}
          onClick={() => void change({ kind: 'restore', assetId: asset.id })}
        >
          Restore
        </button>
      ) : (
        <button
          type="button"
          disabled={busy}
          onClick={() => void change({ kind: 'trash', assetId: asset.id, context })}
        >
          Move to trash
        </button>
      )}
      {trashed && <span className="note">In the trash</span>}
      <AddToAlbum asset={asset} />
      <Problem text={problem} />
    </div>
  );
}
