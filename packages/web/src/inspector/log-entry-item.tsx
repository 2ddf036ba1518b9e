import type { HistoryEntry } from '../api/client.js';
import { whenText } from '../format.js';
import { describeEntry } from '../history/describe-entry.js';
import { Link } from '../router.js';

// One entry of the change log: when the server received it, from which device, what it asked
// for, what came of it, and where to see the photo or album it named.

const OUTCOME_LABELS = { applied: 'Applied', merged: 'Merged', rejected: 'Rejected' } as const;

function outcomeLabel(outcome: HistoryEntry['outcome']): string {
  return outcome.status === 'rejected'
    ? `${OUTCOME_LABELS.rejected} (${outcome.reason})`
    : OUTCOME_LABELS[outcome.status];
}

const short = (id: string) => id.slice(0, 8);

/** The photo and the album the op named, if any: an album op names both or just its album. */
function targets(payload: HistoryEntry['op']['payload']) {
  const { assetId, albumId } = payload as { assetId?: unknown; albumId?: unknown };
  return {
    ...(typeof assetId === 'string' && { asset: assetId }),
    ...(typeof albumId === 'string' && { album: albumId }),
  };
}

export function LogEntryItem(props: {
  entry: HistoryEntry;
  deviceNames: ReadonlyMap<string, string>;
}) {
  const { entry } = props;
  const words = describeEntry(entry, props.deviceNames);
  const { asset, album } = targets(entry.op.payload);
  return (
    <li className={`log-entry ${words.status}`}>
      <p className="log-when">
        <time dateTime={entry.receivedAt}>{whenText(entry.receivedAt)}</time>
        <span className="log-seq"> · #{entry.seq}</span>
      </p>
      <p className="log-what">
        <strong>{words.action}</strong> <span className="log-device">on {words.device}</span>
      </p>
      <p className="log-outcome">
        <span className="outcome">{outcomeLabel(entry.outcome)}</span>
        {words.result && <span className="log-result"> {words.result}</span>}
      </p>
      {(asset ?? album) && (
        <p className="log-links">
          {asset && <Link to={`/photos/${encodeURIComponent(asset)}`}>Photo {short(asset)}</Link>}
          {album && <Link to={`/albums/${encodeURIComponent(album)}`}>Album {short(album)}</Link>}
        </p>
      )}
    </li>
  );
}
