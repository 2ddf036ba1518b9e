import { useCallback, useEffect, useRef, useState } from 'react';
import { api, derivativeUrl, failureMessage, type AssetView } from '../api/client.js';
import { mediaError, nameOf, takenAtOf, thumbnailSize } from '../asset-facts.js';
import { dayHeading, dayOf } from '../format.js';
import { useLibrary } from '../library/library-context.js';
import { Link } from '../router.js';

const PAGE = 200;

interface Loaded {
  readonly assets: AssetView[];
  /** The cursor of the next page; undefined once the last page is in. */
  readonly next: string | undefined;
  readonly done: boolean;
}

/** Every photo, newest taken first, grouped by the day it was taken; more load on scrolling. */
export function TimelinePage() {
  const [loaded, setLoaded] = useState<Loaded>({ assets: [], next: undefined, done: false });
  const [error, setError] = useState<string>();
  const loading = useRef(false);

  const loadMore = useCallback(async () => {
    if (loading.current || loaded.done) return;
    loading.current = true;
    const result = await api.GET('/api/v1/assets', {
      params: { query: { limit: PAGE, ...(loaded.next !== undefined && { cursor: loaded.next }) } },
    });
    loading.current = false;
    const { data } = result;
    if (!data) {
      setError(`The photos could not be loaded: ${failureMessage(result)}`);
      return;
    }
    setLoaded((before) => ({
      assets: [...before.assets, ...data.assets],
      next: data.next,
      done: data.next === undefined,
    }));
  }, [loaded]);

  // When the library changes, the photos shown so far are read again (up to a page's limit).
  const { head } = useLibrary();
  const shown = useRef(0);
  shown.current = loaded.assets.length;
  useEffect(() => {
    if (head === 0 || shown.current === 0) return;
    let current = true;
    void api
      .GET('/api/v1/assets', {
        params: { query: { limit: Math.min(1000, Math.max(PAGE, shown.current)) } },
      })
      .then(({ data }) => {
        if (current && data) {
          setLoaded({ assets: data.assets, next: data.next, done: data.next === undefined });
        }
      });
    return () => {
      current = false;
    };
  }, [head]);

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

  const days = groupByDay(loaded.assets);
  return (
    <section className="timeline">
      <h1>Photos</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {loaded.done && loaded.assets.length === 0 && (
        <p className="empty">
          No photos yet. Sync a folder with <code>keepsake sync</code> and they appear here.
        </p>
      )}
      {days.map(({ day, assets }) => (
        <section
          key={day ?? 'unknown'}
          className="day"
          aria-label={day ? dayHeading(day) : 'Date unknown'}
        >
          <h2>{day ? dayHeading(day) : 'Date unknown'}</h2>
          <ul className="grid">
            {assets.map((asset) => (
              <li key={asset.id}>
                <Thumbnail asset={asset} />
              </li>
            ))}
          </ul>
        </section>
      ))}
      <div ref={sentinel} className="sentinel" />
    </section>
  );
}

function Thumbnail({ asset }: { asset: AssetView }) {
  const size = thumbnailSize(asset);
  const name = nameOf(asset);
  const failed = mediaError(asset);
  return (
    <Link to={`/photos/${encodeURIComponent(asset.id)}`} className="thumb" label={name}>
      {size ? (
        <img
          src={derivativeUrl(asset.id, 'thumbnail')}
          width={size.width}
          height={size.height}
          loading="lazy"
          decoding="async"
          alt={name}
        />
      ) : (
        <span className="no-thumb">{failed ? 'Cannot show' : 'Preparing…'}</span>
      )}
      {asset.fields.favorite && (
        <span className="badge" aria-label="favorite">
          ♥
        </span>
      )}
    </Link>
  );
}

function groupByDay(assets: readonly AssetView[]) {
  const days: { day: string | undefined; assets: AssetView[] }[] = [];
  for (const asset of assets) {
    const day = dayOf(takenAtOf(asset));
    const last = days.at(-1);
    if (last && last.day === day) last.assets.push(asset);
    else days.push({ day, assets: [asset] });
  }
  return days;
}
