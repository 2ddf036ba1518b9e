import type { AssetView } from '../api/client.js';
import { takenAtOf } from '../asset-facts.js';
import { bytesText, takenAtText } from '../format.js';

/** What is known of the photo: when, with what, how big, where, and where it is kept. */
export function PhotoFacts({ asset }: { asset: AssetView }) {
  const version = asset.versions[0];
  const media = asset.media.original;
  const meta = { ...(media && !('pending' in media) ? media.meta : {}), ...version?.meta };
  const takenAt = takenAtOf(asset);
  const rows: [string, string][] = [];
  if (takenAt) rows.push(['Taken', takenAtText(takenAt)]);
  if (meta.camera) rows.push(['Camera', meta.camera]);
  if (meta.width && meta.height) rows.push(['Size', `${meta.width} × ${meta.height}`]);
  if (meta.gps) {
    rows.push(['Place', `${meta.gps.lat.toFixed(5)}, ${meta.gps.lon.toFixed(5)}`]);
  }
  for (const path of asset.paths) rows.push(['Kept at', path]);
  if (asset.keywords.length > 0) rows.push(['Keywords', asset.keywords.join(', ')]);
  return (
    <section className="facts" aria-labelledby="facts-heading">
      <h2 id="facts-heading">Details</h2>
      <dl>
        {rows.map(([term, value], i) => (
          <div key={i}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {version && <PhotoParts id={asset.id} resources={version.resources} />}
    </section>
  );
}

type Resources = AssetView['versions'][number]['resources'];

/** The files the photo is made of, in the order a person thinks of them. */
const PARTS: readonly [keyof Resources, string][] = [
  ['original', 'original'],
  ['render', 'edit'],
  ['live', 'Live Photo video'],
  ['raw', 'RAW'],
  ['sidecar', 'sidecar'],
];

/** Each file of the current version, to download bit-exact under the photo's name. */
function PhotoParts({ id, resources }: { id: string; resources: Resources }) {
  return (
    <ul className="parts" aria-label="Files">
      {PARTS.map(([role, label]) => {
        const part = resources[role];
        if (!part) return null;
        return (
          <li key={role}>
            <a href={`/api/v1/assets/${encodeURIComponent(id)}/parts/${role}`} download>
              Download the {label}
            </a>{' '}
            <span className="note">
              {part.ext.toUpperCase()}, {bytesText(part.size)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
