import type { Hlc } from '@keepsake/core';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { api, failureMessage, type AssetView, type WireOp } from '../api/client.js';
import { nameOf } from '../asset-facts.js';
import { ConfirmedAction } from '../components/confirmed-action.js';
import { Thumbnail } from '../components/thumbnail-grid.js';
import { whenText } from '../format.js';
import { useChange } from '../library/attempt.js';
import { useLibrary } from '../library/library-context.js';
import './trash-page.css';
import { Problem } from '../components/forms.js';

const PAGE = 200;

interface Loaded {
  readonly assets: AssetView[];
  /** The cursor of the next page; undefined once the last page is in. */
  readonly next: string | undefined;
}

/** The trash, each photo with when the server deletes it for good; more load on scrolling. */
export function TrashPage() {
  const { head, media } = useLibrary();
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();
  // Read again whenever the library changes (a push, or a change made on this page): as many as
  // are shown, up to a page's limit.
  const [changed, setChanged] = useState(0);
  const shown = useRef(0);
  shown.current = loaded?.assets.length ?? 0;
  useEffect(() => {
    let current = true;
    const limit = Math.min(1000, Math.max(PAGE, shown.current));
    void api
      .GET('/api/v1/assets', { params: { query: { filter: 'trashed', limit } } })
      .then((result) => {
        if (!current) return;
        if (!result.data) {
          setError(`The trash could not be loaded: ${failureMessage(result)}`);
          return;
        }
        setError(undefined);
        setLoaded({ assets: result.data.assets, next: result.data.next });
      });
    return () => {
      current = false;
    };
  }, [head, media, changed]);

  const loading = useRef(false);
  const loadMore = useCallback(async () => {
    const cursor = loaded?.next;
    if (loading.current || cursor === undefined) return;
    loading.current = true;
    const result = await api.GET('/api/v1/assets', {
      params: { query: { filter: 'trashed', limit: PAGE, cursor } },
    });
    loading.current = false;
    const { data } = result;
    if (!data) {
      setError(`The trash could not be loaded: ${failureMessage(result)}`);
      return;
    }
    // A reload since this page was asked for has the list afresh: this page would repeat it.
    setLoaded((before) =>
      before?.next === cursor
        ? { assets: [...before.assets, ...data.assets], next: data.next }
        : before,
    );
  }, [loaded]);

  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = sentinel.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadMore();
      },
      { rootMargin: '800px' },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, [loadMore]);

  const onChanged = useCallback(() => {
    setChanged((n) => n + 1);
  }, []);
  return (
    <section className="trash">
      <h1>Trash</h1>
      <p className="note">
        Photos moved to the trash on any device wait here, then are deleted for good from the server
        and every device.
      </p>
      <Problem text={error} />
      {!loaded && !error && <p className="loading">Loading…</p>}
      {loaded?.assets.length === 0 && <p className="empty">The trash is empty.</p>}
      {loaded && loaded.assets.length > 0 && (
        <ul className="trash-grid" aria-label="Photos in the trash">
          {loaded.assets.map((asset) => (
            <TrashItem key={asset.id} asset={asset} onChanged={onChanged} />
          ))}
        </ul>
      )}
      <div ref={sentinel} className="sentinel" />
    </section>
  );
}

/** One trashed photo: when it goes for good, and ops from this browser to restore or purge it. */
function TrashItem({ asset, onChanged }: { asset: AssetView; onChanged: () => void }) {
  const { device } = useLibrary();
  const { busy, problem, change: submit } = useChange(onChanged);
  const nameId = useId();
  const name = nameOf(asset);
  const change = (payload: WireOp['payload']) => {
    // Ordered after the trash it undoes or ends, whichever device's clock stamped that.
    if (asset.lifecycle.state === 'trashed') device.saw([asset.lifecycle.hlc as Hlc]);
    return submit(payload);
  };
  return (
    <li className="trash-item">
      <Thumbnail asset={asset} to={`/photos/${encodeURIComponent(asset.id)}`} />
      <p id={nameId} className="name">
        {name}
      </p>
      {asset.purgeAfter && (
        <p className="purge">
          Deleted for good after{' '}
          <time dateTime={asset.purgeAfter}>{whenText(asset.purgeAfter)}</time>
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          aria-describedby={nameId}
          disabled={busy}
          onClick={() => void change({ kind: 'restore', assetId: asset.id })}
        >
          Restore
        </button>
        <ConfirmedAction
          label="Delete permanently…"
          prompt={`Delete ${name} for good, from the server and every device? This cannot be undone.`}
          confirm="Delete for good"
          describedBy={nameId}
          disabled={busy}
          onConfirm={() =>
            change({
              kind: 'purge',
              assetId: asset.id,
              // The versions seen here: one made meanwhile on another device is not thrown away.
              context: asset.versions.map((v) => v.id),
            })
          }
        />
      </div>
      <Problem text={problem} />
    </li>
  );
}
