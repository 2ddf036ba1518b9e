import type { Hlc } from '@keepsake/core';
import { useEffect, useState } from 'react';
import {
  api,
  derivativeUrl,
  failureMessage,
  type AssetView,
  type HistoryEntry,
} from '../api/client.js';
import { AddToAlbum } from '../albums/add-to-album.js';
import { mediaError, nameOf, takenAtOf } from '../asset-facts.js';
import { bytesText, takenAtText, whenText } from '../format.js';
import { describeEntry } from '../history/describe-entry.js';
import { useChange } from '../library/attempt.js';
import { useLibrary } from '../library/library-context.js';
import { Link } from '../router.js';
import { Problem } from '../components/forms.js';

interface Loaded {
  readonly asset: AssetView;
  readonly history: readonly HistoryEntry[];
  readonly deviceNames: ReadonlyMap<string, string>;
}

/** One photo: its current rendition, what is known of it, and every op in its history. */
export function PhotoPage({ id }: { id: string }) {
  const { head, device } = useLibrary();
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  // Loaded again whenever the library changes (a push, or this page's own change).
  const [changed, setChanged] = useState(0);
  useEffect(() => {
    let current = true;
    const path = { params: { path: { id } } };
    void Promise.all([
      api.GET('/api/v1/assets/{id}', path),
      api.GET('/api/v1/assets/{id}/history', path),
      api.GET('/api/v1/devices'),
    ]).then(([asset, history, devices]) => {
      if (!current) return;
      if (!asset.data || !history.data) {
        setError(failureMessage(asset.data ? history : asset));
        return;
      }
      device.saw(history.data.history.map((entry) => entry.op.hlc as Hlc));
      setLoaded({
        asset: asset.data.asset,
        history: history.data.history,
        deviceNames: new Map(devices.data?.devices.map((d) => [d.id, d.name]) ?? []),
      });
    });
    return () => {
      current = false;
    };
  }, [id, head, changed, device]);

  if (error) {
    return (
      <section className="empty">
        <h1>Photo not found</h1>
        <p role="alert">{error}</p>
        <Link to="/">Back to your photos</Link>
      </section>
    );
  }
  if (!loaded) return <p className="loading">Loading…</p>;
  const { asset } = loaded;
  return (
    <article className="photo">
      <h1>{nameOf(asset)}</h1>
      <Actions
        asset={asset}
        onChanged={() => {
          setChanged((n) => n + 1);
        }}
      />
      <Rendition asset={asset} />
      <div className="photo-details">
        <Facts asset={asset} />
        <History entries={loaded.history} deviceNames={loaded.deviceNames} />
      </div>
    </article>
  );
}

/** Changes made here: each is an op from this browser, and shows in the history below. */
function Actions({ asset, onChanged }: { asset: AssetView; onChanged: () => void }) {
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

function Rendition({ asset }: { asset: AssetView }) {
  const media = asset.media.render ?? asset.media.original;
  const preview =
    media && !('pending' in media)
      ? media.derivatives.find((d) => d.role === 'preview')
      : undefined;
  const failed = mediaError(asset);
  if (!preview) {
    return (
      <p className="no-preview">
        {failed
          ? `The server could not read this file (${failed}); the original is kept as it is.`
          : 'The preview is being made.'}
      </p>
    );
  }
  return (
    <img
      className="preview"
      src={derivativeUrl(asset.id, 'preview')}
      width={preview.width}
      height={preview.height}
      alt={nameOf(asset)}
    />
  );
}

function Facts({ asset }: { asset: AssetView }) {
  const version = asset.versions[0];
  const original = version?.resources.original;
  const media = asset.media.original;
  const meta = { ...(media && !('pending' in media) ? media.meta : {}), ...version?.meta };
  const takenAt = takenAtOf(asset);
  const rows: [string, string][] = [];
  if (takenAt) rows.push(['Taken', takenAtText(takenAt)]);
  if (meta.camera) rows.push(['Camera', meta.camera]);
  if (meta.width && meta.height) rows.push(['Size', `${meta.width} × ${meta.height}`]);
  if (meta.gps) {
    rows.push(['Place', `${meta.gps.lat.toFixed(5)}, ${meta.gps.lon.toFixed(5)}`]);
  }
  if (original)
    rows.push(['Original', `${original.ext.toUpperCase()}, ${bytesText(original.size)}`]);
  for (const path of asset.paths) rows.push(['Kept at', path]);
  if (asset.fields.caption) rows.push(['Caption', asset.fields.caption]);
  if (asset.inConflict) rows.push(['Versions', `${asset.versions.length}, in conflict`]);
  return (
    <section className="facts" aria-labelledby="facts-heading">
      <h2 id="facts-heading">Details</h2>
      <dl>
        {rows.map(([term, value], i) => (
          <div key={i}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <a href={`/api/v1/assets/${encodeURIComponent(asset.id)}/original`} download>
        Download original
      </a>
    </section>
  );
}

function History(props: {
  entries: readonly HistoryEntry[];
  deviceNames: ReadonlyMap<string, string>;
}) {
  return (
    <section className="history" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <ol>
        {props.entries.map((entry) => {
          const words = describeEntry(entry, props.deviceNames);
          return (
            <li key={entry.seq} className={words.status}>
              <p>
                <strong>{words.action}</strong> on {words.device},{' '}
                <time dateTime={entry.receivedAt}>{whenText(entry.receivedAt)}</time>
              </p>
              {words.result && <p className="result">{words.result}</p>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
