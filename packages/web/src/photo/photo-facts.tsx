import type { AssetView } from '../api/client.js';
import { takenAtOf } from '../asset-facts.js';
import { bytesText, takenAtText } from '../format.js';

/** What is known of the photo: when, with what, how big, where, and where it is kept. */
export function PhotoFacts({ asset }: { asset: AssetView }) {
  const version = asset.versions[0];
  const original = version?.resources.original;
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
  if (original)
    rows.push(['Original', `${original.ext.toUpperCase()}, ${bytesText(original.size)}`]);
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
      <a href={`/api/v1/assets/${encodeURIComponent(asset.id)}/original`} download>
        Download original
      </a>
    </section>
  );
}
