import { Link } from '../router.js';
import type { TimelineDay } from '../timeline/timeline-layout.js';
import { describeSearch, isSearching, type TimelineSearch } from './timeline-search.js';

/**
 * What a search found: how many photos, or that none match and how to see them all again. Without a search, says only that the library is empty when it is.
 */
export function SearchResultsNote(props: {
  found: readonly TimelineDay[];
  search: TimelineSearch;
}) {
  const { found, search } = props;
  if (!isSearching(search)) {
    return found.length === 0 ? (
      <p className="empty">
        No photos yet. Sync a folder with <code>keepsake sync</code> and they appear here.
      </p>
    ) : null;
  }
  const count = found.reduce((sum, day) => sum + day.count, 0);
  const photos = count === 1 ? '1 photo' : `${count.toLocaleString()} photos`;
  const clear = <Link to="/">Clear the search and filters</Link>;
  return count === 0 ? (
    <p className="empty">
      {`No photos match: ${describeSearch(search)}. `}
      {clear} to see all your photos.
    </p>
  ) : (
    <p className="search-found">
      {`${photos}: ${describeSearch(search)}. `}
      {clear}
    </p>
  );
}
