import type { AssetView } from '../api/client.js';
import { bytesText } from '../format.js';
import { useChange } from '../library/attempt.js';
import { Problem } from '../components/forms.js';

type Version = AssetView['versions'][number];

const blobUrl = (hash: string) => `/api/v1/blobs/${encodeURIComponent(hash)}`;

/** What one version is: an edit of the original, or the original itself, and its size. */
function versionText(version: Version): string {
  const { original, render } = version.resources;
  const shown = render ?? original;
  return `${render ? 'Edited' : 'Original'} ${shown.ext.toUpperCase()}, ${bytesText(shown.size)}`;
}

/**
 * Versions made apart that the library keeps side by side (DESIGN: concurrent edits are
 * siblings, never dropped). Keeping one resolves the conflict over exactly the versions shown.
 */
export function ConflictVersions(props: {
  asset: AssetView;
  deviceNames: ReadonlyMap<string, string>;
  onChanged: () => void;
}) {
  const { asset } = props;
  const { busy, problem, change } = useChange(props.onChanged);
  const context = asset.versions.map((v) => v.id);
  return (
    <section className="versions" aria-labelledby="versions-heading">
      <h2 id="versions-heading">{asset.versions.length} versions, in conflict</h2>
      <p>These were made on different devices at once. Keep the one you want; the others go.</p>
      <ol>
        {asset.versions.map((version) => {
          const shown = version.resources.render ?? version.resources.original;
          return (
            <li key={version.id}>
              <p>
                <strong>{versionText(version)}</strong>, made on{' '}
                {props.deviceNames.get(version.device) ?? 'a device since removed'}
              </p>
              <a href={blobUrl(shown.hash)}>Download this version</a>{' '}
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  void change({ kind: 'resolve', assetId: asset.id, context, keep: [version.id] })
                }
              >
                Keep this version
              </button>
            </li>
          );
        })}
      </ol>
      <Problem text={problem} />
    </section>
  );
}
