import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { api, failureMessage } from '../api/client.js';
import { dayHeading, monthHeading } from '../format.js';
import { useLibrary } from '../library/library-context.js';
import { Thumbnail } from '../components/thumbnail-grid.js';
import { DayPhotos } from '../timeline/day-photos.js';
import {
  layOutTimeline,
  UNKNOWN_DAY,
  type TimelineDay,
  type TimelineRow,
} from '../timeline/timeline-layout.js';
import { Problem } from '../components/forms.js';
import { useQueryString } from '../router.js';
import { SearchResultsNote } from '../search/search-results-note.js';
import { SearchBar } from '../search/search-bar.js';
import { readSearch, type TimelineSearch } from '../search/timeline-search.js';

const GAP = 4;
/** A thumbnail's width to aim for; the columns fill the page's width. */
const CELL = 150;
const MONTH_ROW = 56;
const DAY_ROW = 36;

/** The days of the timeline a search found, with the search they were counted for. */
interface Found {
  readonly days: readonly TimelineDay[];
  readonly search: TimelineSearch;
}

/**
 * Every photo, newest taken first, grouped by month and day. Only the rows on screen exist in
 * the page, so a library of 100,000 photos scrolls as one of 100; the scrubber jumps to a year.
 * A search (in the page's address) narrows it to what it finds, laid out the same way.
 */
export function TimelinePage() {
  const { head } = useLibrary();
  const queryString = useQueryString();
  const search = useMemo(() => readSearch(queryString), [queryString]);
  const [found, setFound] = useState<Found>();
  const [error, setError] = useState<string>();
  // Counting a big library's days is the page's dearest read: not again for a head it has seen.
  const countedAt = useRef<{ search: TimelineSearch; head: number }>(undefined);
  useEffect(() => {
    const counted = countedAt.current;
    if (counted?.search === search && head <= counted.head) return;
    let current = true;
    void api.GET('/api/v1/timeline', { params: { query: search } }).then((result) => {
      if (!current) return;
      if (!result.data) {
        setError(`The timeline could not be loaded: ${failureMessage(result)}`);
        return;
      }
      setError(undefined);
      const days = result.data.days.map(({ day, count }) => ({ day: day ?? UNKNOWN_DAY, count }));
      countedAt.current = { search, head: result.data.head };
      setFound({ days, search });
    });
    return () => {
      current = false;
    };
  }, [head, search]);

  return (
    <section className="timeline">
      <h1>Photos</h1>
      <SearchBar search={search} />
      <Problem text={error} />
      {/* Always there, so that what each search found is announced. */}
      <div role="status">
        {found && <SearchResultsNote found={found.days} search={found.search} />}
      </div>
      {found && found.days.length > 0 && <Rows days={found.days} search={found.search} />}
    </section>
  );
}

function Rows({ days, search }: { days: readonly TimelineDay[]; search: TimelineSearch }) {
  const list = useRef<HTMLDivElement>(null);
  const width = useWidth(list);
  const columns = Math.max(3, Math.floor((width + GAP) / (CELL + GAP)));
  const cell = width > 0 ? (width - GAP * (columns - 1)) / columns : CELL;
  const layout = useMemo(() => layOutTimeline(days, columns), [days, columns]);
  // A new day list means the library moved: its photos are loaded afresh.
  const photos = useMemo(() => new DayPhotos(days, search), [days, search]);
  useSyncExternalStore(photos.subscribe, photos.version);
  const { media } = useLibrary();
  useEffect(() => {
    if (media > 0) photos.refreshWaiting();
  }, [media, photos]);

  const heightOf = (row: TimelineRow | undefined) =>
    row?.kind === 'month' ? MONTH_ROW : row?.kind === 'day' ? DAY_ROW : cell + GAP;
  const virtualizer = useWindowVirtualizer({
    count: layout.rows.length,
    estimateSize: (index) => heightOf(layout.rows[index]),
    overscan: 4,
    scrollMargin: list.current?.offsetTop ?? 0,
  });
  useLayoutEffect(() => {
    virtualizer.measure();
  }, [virtualizer, cell, layout]);

  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    for (const item of items) {
      const row = layout.rows[item.index];
      if (row?.kind === 'photos') photos.want(row.day, row.from + row.count);
    }
  }, [items, layout, photos]);

  return (
    <div className="timeline-body">
      <div ref={list} className="rows" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = layout.rows[item.index];
          if (!row) return null;
          return (
            <div
              key={row.key}
              className={`row ${row.kind}`}
              style={{
                transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)`,
                height: item.size,
              }}
            >
              <Row row={row} photos={photos} columns={columns} />
            </div>
          );
        })}
      </div>
      <Problem text={photos.error} />
      <nav className="scrubber" aria-label="Years">
        {layout.years.map(({ year, row }) => (
          <button
            key={year}
            type="button"
            onClick={() => {
              virtualizer.scrollToIndex(row, { align: 'start' });
            }}
          >
            {year}
          </button>
        ))}
      </nav>
    </div>
  );
}

function Row(props: { row: TimelineRow; photos: DayPhotos; columns: number }) {
  const { row } = props;
  if (row.kind === 'month') {
    return <h2>{row.month === UNKNOWN_DAY ? 'Date unknown' : monthHeading(row.month)}</h2>;
  }
  if (row.kind === 'day') return <h3>{dayHeading(row.day)}</h3>;
  const label = row.day === UNKNOWN_DAY ? 'Date unknown' : dayHeading(row.day);
  return (
    <ul
      className="grid"
      aria-label={label}
      style={{ gridTemplateColumns: `repeat(${props.columns}, 1fr)` }}
    >
      {props.photos.photos(row.day, row.from, row.count).map((asset, i) => (
        <li key={asset?.id ?? `loading-${i}`}>
          {asset ? (
            <Thumbnail asset={asset} to={`/photos/${encodeURIComponent(asset.id)}`} />
          ) : (
            <span className="thumb" aria-hidden />
          )}
        </li>
      ))}
    </ul>
  );
}

/** The element's width, kept current as the window resizes. */
function useWidth(element: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const target = element.current;
    if (!target) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(entry.contentRect.width);
    });
    observer.observe(target);
    return () => {
      observer.disconnect();
    };
  }, [element]);
  return width;
}
