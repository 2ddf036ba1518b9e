import type { paths } from '../api/openapi.js';

// The timeline's search as the page's address holds it ('/?q=beach&kind=favorites'), so that
// results can be linked to and back and forward step through searches. The same parameters go
// to the server's listing and day counts.

/** The search the API takes: what the timeline's address holds, under the same names. */
export type TimelineSearch = NonNullable<paths['/api/v1/timeline']['get']['parameters']['query']>;
export type SearchKind = NonNullable<TimelineSearch['kind']>;

/** The filters, in the order the page offers them, with what the page calls each. */
export const KINDS: readonly { readonly kind: SearchKind; readonly label: string }[] = [
  { kind: 'favorites', label: 'Favorites' },
  { kind: 'videos', label: 'Videos' },
  { kind: 'live', label: 'Live Photos' },
  { kind: 'conflicts', label: 'Conflicts' },
  { kind: 'errors', label: 'Errors' },
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** What the server takes as a word (see its searchTerms): text without one is no search. */
const WORD = /[\p{L}\p{N}]/u;

/**
 * The search a query string ('?q=…') holds. Parameters the server would refuse (a kind it does
 * not know, a date that is not one, text with no word in it) are left out rather than failing.
 */
export function readSearch(query: string): TimelineSearch {
  const params = new URLSearchParams(query);
  const text = (name: string) => {
    const value = params.get(name)?.trim();
    return value && WORD.test(value) ? value : undefined;
  };
  const day = (name: string) => {
    const value = params.get(name);
    return value && DAY.test(value) ? value : undefined;
  };
  const kind = KINDS.find((k) => k.kind === params.get('kind'))?.kind;
  const q = text('q');
  const camera = text('camera');
  const from = day('from');
  const to = day('to');
  return {
    ...(kind && { kind }),
    ...(q && { q }),
    ...(camera && { camera }),
    ...(from && { from }),
    ...(to && { to }),
  };
}

/** The timeline's address for a search: '/' for none. */
export function searchPath(search: TimelineSearch): string {
  const params = new URLSearchParams();
  for (const name of ['q', 'kind', 'camera', 'from', 'to'] as const) {
    const value = search[name];
    if (value) params.set(name, value);
  }
  const query = params.toString();
  return query ? `/?${query}` : '/';
}

/** The search with one part set to `value`, or without it when `value` is empty or undefined. */
export function withPart<K extends keyof TimelineSearch>(
  search: TimelineSearch,
  name: K,
  value: TimelineSearch[K] | undefined,
): TimelineSearch {
  const rest = Object.fromEntries(Object.entries(search).filter(([key]) => key !== name));
  const trimmed = typeof value === 'string' ? value.trim() : value;
  return trimmed ? { ...rest, [name]: trimmed } : rest;
}

export const isSearching = (search: TimelineSearch): boolean => Object.keys(search).length > 0;

/** The search in words, for headings and the empty result: 'favorites, with "beach"'. */
export function describeSearch(search: TimelineSearch): string {
  const parts = [
    search.kind && KINDS.find((k) => k.kind === search.kind)?.label.toLowerCase(),
    search.q && `with “${search.q}”`,
    search.camera && `taken with “${search.camera}”`,
    search.from && `from ${search.from}`,
    search.to && `until ${search.to}`,
  ];
  return parts.filter(Boolean).join(', ');
}
