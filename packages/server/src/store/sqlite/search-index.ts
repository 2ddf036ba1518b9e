import { decodeAsset, type Asset, type BlobHash } from '@keepsake/core';
import { assetFilters, currentBlobs, type AssetKind } from '../../library/asset-facets.js';
import { forEachAssetRow, type Db } from './database.js';
import { TextIndex, type AssetRow } from './text-index.js';

// Keeps the assets' filter columns (favorite, kind, media_error) and `asset_blobs` in step with
// the assets, inside the transaction that writes them; the full-text index follows behind
// (text-index.ts). The schema is in migrations.ts.

/** An asset's filter columns, in the order the asset statements take them. */
export interface SearchColumns {
  readonly favorite: 0 | 1;
  readonly kind: AssetKind;
  readonly mediaError: 0 | 1;
}

/** Blobs a version can name at most (original, live, raw, render, sidecar). */
const ROLES = 5;

export class SearchIndex {
  readonly #q;
  /**
   * Every blob whose media has ever been an error here: a superset (one read well since stays),
   * so an asset none of whose blobs is in it shows no error without a query. Nearly all assets.
   */
  readonly #errorBlobs: Set<string>;

  constructor(db: Db) {
    const hashes = Array.from({ length: ROLES }, () => '?').join(', ');
    this.#errorBlobs = new Set(
      db
        .prepare('SELECT hash FROM media INDEXED BY media_errors WHERE error IS NOT NULL')
        .pluck()
        .all() as string[],
    );
    this.#q = {
      // As mediaFor shows it: only media made after the library's claim counts.
      mediaError: db
        .prepare(
          `SELECT EXISTS (SELECT 1 FROM library_blobs AS c JOIN media AS m ON m.hash = c.hash
           WHERE c.library = ? AND c.hash IN (${hashes}) AND m.error IS NOT NULL
           AND m.made_at >= c.claimed_at)`,
        )
        .pluck(),
      insertAssetBlob: db.prepare(
        'INSERT OR IGNORE INTO asset_blobs (hash, library, asset_id) VALUES (?, ?, ?)',
      ),
      // The assets that may name a blob, in every library that claims it: its own asset (a
      // primary original's hash is the asset's id) and those asset_blobs lists.
      assetsNaming: db.prepare(
        `SELECT a.n, a.library, a.state, a.media_error FROM library_blobs AS c
           JOIN assets AS a ON a.library = c.library AND a.id = c.hash WHERE c.hash = @hash
         UNION
         SELECT a.n, a.library, a.state, a.media_error FROM asset_blobs AS b
           JOIN assets AS a ON a.library = b.library AND a.id = b.asset_id WHERE b.hash = @hash`,
      ),
      setMediaError: db.prepare('UPDATE assets SET media_error = ? WHERE n = ?'),
      forgetBlob: db.prepare('DELETE FROM asset_blobs WHERE hash = ?'),
    };
  }

  /** The filter columns of `asset`, a row of library `lib`. */
  columns(lib: number, asset: Asset): SearchColumns {
    const { favorite, kind } = assetFilters(asset);
    return { favorite: favorite ? 1 : 0, kind, mediaError: this.#mediaError(lib, asset) };
  }

  /** Notes the blobs other than its id that the asset's current version names (asset_blobs). */
  noteBlobs(lib: number, asset: Asset): void {
    for (const hash of currentBlobs(asset)) {
      if (hash !== (asset.id as string)) this.#q.insertAssetBlob.run(hash, lib, asset.id);
    }
  }

  /** A blob's media record changed: the assets naming it may show an error now, or no longer. */
  mediaChanged(hash: BlobHash, { error }: { readonly error?: string }): void {
    if (error !== undefined) this.#errorBlobs.add(hash);
    const rows = this.#q.assetsNaming.all({ hash }) as {
      n: number;
      library: number;
      state: string;
      media_error: number;
    }[];
    for (const row of rows) {
      const mediaError = this.#mediaError(row.library, decodeAsset(row.state));
      if (mediaError !== row.media_error) this.#q.setMediaError.run(mediaError, row.n);
    }
  }

  /** A blob's records are forgotten: no asset is to be checked for it again. */
  forgetBlob(hash: BlobHash): void {
    this.#q.forgetBlob.run(hash);
  }

  #mediaError(lib: number, asset: Asset): 0 | 1 {
    const hashes = currentBlobs(asset);
    if (!hashes.some((hash) => this.#errorBlobs.has(hash))) return 0;
    const padded = Array.from({ length: ROLES }, (_, i) => hashes[i] ?? null);
    return this.#q.mediaError.get(lib, ...padded) === 1 ? 1 : 0;
  }
}

/**
 * The search migration's second half: the new columns, the full-text index and asset_blobs for
 * the assets stored before them, computed as the store computes them for every write since.
 */
export function backfillSearch(db: Db): void {
  const index = new SearchIndex(db);
  const text = new TextIndex(db);
  const setColumns = db.prepare(
    'UPDATE assets SET favorite = ?, kind = ?, media_error = ? WHERE n = ?',
  );
  forEachAssetRow<AssetRow & { library: number }>(
    db,
    ['library', 'state', 'search_text'],
    (row) => {
      const asset = decodeAsset(row.state);
      const { favorite, kind, mediaError } = index.columns(row.library, asset);
      setColumns.run(favorite, kind, mediaError, row.n);
      index.noteBlobs(row.library, asset);
      text.index(row, asset);
    },
  );
  // Every asset's words are in: the index has read each log to its end.
  db.exec('UPDATE libraries SET text_indexed_seq = head_seq');
}
