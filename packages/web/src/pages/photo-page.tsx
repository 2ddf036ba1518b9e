import type { Hlc } from '@keepsake/core';
import { useEffect, useState } from 'react';
import { api, failureMessage, type AssetView, type HistoryEntry } from '../api/client.js';
import { nameOf } from '../asset-facts.js';
import { useLibrary } from '../library/library-context.js';
import { CaptionForm } from '../photo/caption-form.js';
import { ConflictVersions } from '../photo/conflict-versions.js';
import { PhotoActions } from '../photo/photo-actions.js';
import { PhotoFacts } from '../photo/photo-facts.js';
import { PhotoHistory } from '../photo/photo-history.js';
import { PhotoSteps } from '../photo/photo-steps.js';
import { Rendition } from '../photo/rendition.js';
import { Link } from '../router.js';
import '../photo/photo.css';

interface Loaded {
  readonly asset: AssetView;
  readonly history: readonly HistoryEntry[];
  readonly deviceNames: ReadonlyMap<string, string>;
}

/** One photo: its current rendition, what is known of it, and every op in its history. */
export function PhotoPage({ id }: { id: string }) {
  const { head, media, device } = useLibrary();
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  // Loaded again whenever the library changes (a push, or this page's own change), and when
  // thumbnails were made (its preview may be one).
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
  }, [id, head, media, changed, device]);

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
  const onChanged = () => {
    setChanged((n) => n + 1);
  };
  return (
    <article className="photo">
      <PhotoSteps id={id} head={head} />
      <h1>{nameOf(asset)}</h1>
      <PhotoActions asset={asset} onChanged={onChanged} />
      <Rendition asset={asset} />
      {asset.inConflict && (
        <ConflictVersions asset={asset} deviceNames={loaded.deviceNames} onChanged={onChanged} />
      )}
      <div className="photo-details">
        <div>
          <PhotoFacts asset={asset} />
          <CaptionForm key={asset.fields.caption ?? ''} asset={asset} onChanged={onChanged} />
        </div>
        <PhotoHistory entries={loaded.history} deviceNames={loaded.deviceNames} />
      </div>
    </article>
  );
}
