import { useEffect, useMemo, useState } from 'react';
import { api, type DeviceView } from '../api/client.js';
import { Problem } from '../components/forms.js';
import { LogEntryItem } from '../inspector/log-entry-item.js';
import { filterFromSearch, searchOfFilter, type LogFilter } from '../inspector/log-filter.js';
import { LogFilters } from '../inspector/log-filters.js';
import { useChangeLog } from '../inspector/use-change-log.js';
import { useLibrary } from '../library/library-context.js';
import { useLoaded } from '../library/use-loaded.js';
import './inspector-page.css';

/**
 * The sync inspector: every op any device sent to the library, newest first, live as the head
 * moves, with what the server made of it; narrowed to a device or a photo by the address.
 */
export function InspectorPage() {
  const [filter, setFilter] = useState(() => filterFromSearch(window.location.search));
  useEffect(() => {
    const followHistory = () => {
      setFilter(filterFromSearch(window.location.search));
    };
    window.addEventListener('popstate', followHistory);
    return () => {
      window.removeEventListener('popstate', followHistory);
    };
  }, []);
  const choose = (next: LogFilter) => {
    window.history.pushState(null, '', `/inspector${searchOfFilter(next)}`);
    setFilter(next);
  };
  const devices = useDevices();
  const deviceNames = useMemo(() => new Map(devices.map((d) => [d.id, d.name])), [devices]);
  const log = useChangeLog(filter);
  const filtered = filter.device !== undefined || filter.asset !== undefined;

  return (
    <section className="inspector">
      <h1>Sync inspector</h1>
      <p className="note">
        Every change your devices sent, newest first, as the server received it and what came of it.
        New ones appear at the top as they arrive.
      </p>
      <LogFilters
        key={searchOfFilter(filter)}
        filter={filter}
        devices={devices}
        onChange={choose}
      />
      <Problem text={log.problem} />
      {log.entries === undefined && !log.problem && <p className="loading">Loading…</p>}
      {log.entries?.length === 0 && (
        <p className="empty">
          {filtered ? 'No change matches this filter.' : 'No device has sent a change yet.'}
        </p>
      )}
      {log.entries && log.entries.length > 0 && (
        <ol className="log" aria-label="Changes, newest first">
          {log.entries.map((entry) => (
            <LogEntryItem key={entry.seq} entry={entry} deviceNames={deviceNames} />
          ))}
        </ol>
      )}
      {log.older && (
        <button type="button" disabled={log.readingOlder} onClick={() => void log.readOlder()}>
          Show older
        </button>
      )}
    </section>
  );
}

/** The user's devices, read again as the library changes (a new device's first op names it). */
function useDevices(): readonly DeviceView[] {
  const { head } = useLibrary();
  const { data } = useLoaded('The devices', () => api.GET('/api/v1/devices'), [head]);
  return data?.devices ?? [];
}
