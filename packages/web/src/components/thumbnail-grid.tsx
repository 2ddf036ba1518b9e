import type { ReactNode } from 'react';
import { derivativeUrl, type AssetView } from '../api/client.js';
import { nameOf, noThumbnailText, thumbnailSize } from '../asset-facts.js';
import { Link } from '../router.js';
import type { Selection } from './selection.js';
import './thumbnail-grid.css';

/**
 * One photo's tile: its thumbnail (from the caller's own library unless `src` says otherwise),
 * or why there is none yet; a link when `to` is given.
 */
export function Thumbnail(props: { asset: AssetView; src?: string; to?: string }) {
  const { asset } = props;
  const size = thumbnailSize(asset);
  const name = nameOf(asset);
  const placeholder = noThumbnailText(asset);
  const content = (
    <>
      {size ? (
        <img
          src={props.src ?? derivativeUrl(asset.id, 'thumbnail')}
          width={size.width}
          height={size.height}
          loading="lazy"
          decoding="async"
          alt={name}
        />
      ) : (
        <span className="no-thumb">{placeholder}</span>
      )}
      {asset.fields.favorite && (
        <span className="badge" role="img" aria-label="favorite">
          ♥
        </span>
      )}
    </>
  );
  return props.to === undefined ? (
    <span className="thumb">{content}</span>
  ) : (
    // A tile's name holds the words it shows, for those who speak to select it.
    <Link to={props.to} className="thumb" label={size ? name : `${name}: ${placeholder}`}>
      {content}
    </Link>
  );
}

/** Photos as a grid of tiles that fills the page's width, each with its controls under it. */
export function ThumbnailGrid<A extends AssetView>(props: {
  assets: readonly A[];
  /** The list's accessible name. */
  label: string;
  tile: (asset: A) => { src?: string; to?: string };
  controls?: (asset: A) => ReactNode;
  /** Given, each tile has a box to pick it with. */
  selection?: Selection;
}) {
  const { selection } = props;
  return (
    <ul className="grid thumbnail-grid" aria-label={props.label}>
      {props.assets.map((asset) => (
        <li key={asset.id}>
          <Thumbnail asset={asset} {...props.tile(asset)} />
          {selection && (
            <label className="pick">
              <input
                type="checkbox"
                checked={selection.selected.has(asset.id)}
                onChange={() => {
                  selection.toggle(asset.id);
                }}
              />
              Select <span className="visually-hidden">{nameOf(asset)}</span>
            </label>
          )}
          {props.controls?.(asset)}
        </li>
      ))}
    </ul>
  );
}
