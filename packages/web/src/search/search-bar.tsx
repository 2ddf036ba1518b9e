import { useState } from 'react';
import { navigate } from '../router.js';
import { KINDS, searchPath, withPart, type TimelineSearch } from './timeline-search.js';
import './search-bar.css';

/**
 * One search box with the filters beside it. Every change is a new page address (so back undoes
 * it): a filter at once, the words when submitted, a date when picked.
 */
export function SearchBar({ search }: { search: TimelineSearch }) {
  const [q, setQ] = useDraft(search.q ?? '');
  const [camera, setCamera] = useDraft(search.camera ?? '');
  const go = (next: TimelineSearch) => {
    navigate(searchPath(next));
  };

  return (
    <form
      role="search"
      aria-label="Search photos"
      className="search-bar"
      onSubmit={(event) => {
        event.preventDefault();
        go(withPart(withPart(search, 'q', q), 'camera', camera));
      }}
    >
      <div className="search-words">
        <label>
          <span className="visually-hidden">Search by file name, caption, keyword or camera</span>
          <input
            type="search"
            name="q"
            placeholder="Search file names, captions, keywords, cameras"
            maxLength={200}
            value={q}
            onChange={(event) => {
              setQ(event.target.value);
            }}
          />
        </label>
        <button type="submit">Search</button>
      </div>
      <div className="search-filters">
        <div role="group" aria-label="Show only" className="chips">
          {KINDS.map(({ kind, label }) => {
            const on = search.kind === kind;
            return (
              <button
                key={kind}
                type="button"
                aria-pressed={on}
                onClick={() => {
                  go(withPart(search, 'kind', on ? undefined : kind));
                }}
              >
                {label}
              </button>
            );
          })}
        </div>
        <label>
          Camera
          <input
            type="text"
            name="camera"
            maxLength={100}
            value={camera}
            onChange={(event) => {
              setCamera(event.target.value);
            }}
          />
        </label>
        <label>
          From
          <input
            type="date"
            name="from"
            value={search.from ?? ''}
            max={search.to}
            onChange={(event) => {
              go(withPart(search, 'from', event.target.value));
            }}
          />
        </label>
        <label>
          To
          <input
            type="date"
            name="to"
            value={search.to ?? ''}
            min={search.from}
            onChange={(event) => {
              go(withPart(search, 'to', event.target.value));
            }}
          />
        </label>
      </div>
    </form>
  );
}

/**
 * Text being typed into a field the address fills: the typing until the address changes (a
 * search submitted, back pressed), then the address's again.
 */
function useDraft(current: string) {
  const [draft, setDraft] = useState({ current, text: current });
  if (draft.current !== current) setDraft({ current, text: current });
  const text = draft.current === current ? draft.text : current;
  return [
    text,
    (typed: string) => {
      setDraft({ current, text: typed });
    },
  ] as const;
}
