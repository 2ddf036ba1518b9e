import type { HistoryEntry } from '../api/client.js';
import { whenText } from '../format.js';
import { describeEntry } from '../history/describe-entry.js';

/** Every op that touched the photo, in plain words, with what came of it. */
export function PhotoHistory(props: {
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
