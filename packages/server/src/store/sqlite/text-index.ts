import { decodeAsset, type Asset } from '@keepsake/core';
import { assetText } from '../../library/asset-facets.js';
import { writeTransaction, type Db } from './database.js';

// The full-text index (`asset_text`, keyed by the asset's row number) follows the change log
// behind the writes rather than inside them: indexing an asset's words cost ingest about a
// fifth of its time, and nobody searches within the millisecond of an import. Each library
// records how far into its log the index has read (`libraries.text_indexed_seq`); a search
// first reads the rest, so it always sees every change made before it, and between searches
// the store reads on in small steps while it is idle. A crash loses nothing: the position is
// committed with the index rows it covers.

/** The words of an asset, one field per column of `asset_text`. */
function textOf(asset: Asset): [string, string, string, string] {
  const { names, caption, keywords, camera } = assetText(asset);
  return [names, caption, keywords, camera];
}

/** What the index reads of an asset's row. */
export interface AssetRow {
  readonly n: number;
  readonly state: string;
  readonly search_text: string;
}

export class TextIndex {
  readonly #db: Db;
  readonly #q;

  constructor(db: Db) {
    this.#db = db;
    this.#q = {
      behind: db
        .prepare('SELECT n FROM libraries WHERE text_indexed_seq < head_seq ORDER BY n')
        .pluck(),
      position: db.prepare('SELECT text_indexed_seq FROM libraries WHERE n = ?').pluck(),
      setPosition: db.prepare('UPDATE libraries SET text_indexed_seq = ? WHERE n = ?'),
      entries: db.prepare(
        'SELECT seq, op FROM changes WHERE library = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      asset: db.prepare('SELECT n, state, search_text FROM assets WHERE library = ? AND id = ?'),
      setText: db.prepare('UPDATE assets SET search_text = ? WHERE n = ?'),
      insertText: db.prepare(
        'INSERT INTO asset_text (rowid, names, caption, keywords, camera) VALUES (?, ?, ?, ?, ?)',
      ),
      deleteText: db.prepare('DELETE FROM asset_text WHERE rowid = ?'),
    };
  }

  /** The libraries whose index has not read their whole log. */
  behind(): number[] {
    return this.#q.behind.all() as number[];
  }

  /**
   * Reads up to `limit` more entries of the library's log into the index, in one transaction;
   * answers whether entries remain.
   */
  catchUp(lib: number, limit: number): boolean {
    return writeTransaction(this.#db, () => {
      const from = this.#q.position.get(lib) as number;
      const entries = this.#q.entries.all(lib, from, limit) as { seq: number; op: string }[];
      const last = entries.at(-1);
      if (!last) return false;
      const named = new Set<string>();
      for (const { op } of entries) {
        const { payload } = JSON.parse(op) as { payload: { assetId?: string } };
        if (payload.assetId !== undefined) named.add(payload.assetId);
      }
      for (const id of named) this.#reindex(lib, id);
      this.#q.setPosition.run(last.seq, lib);
      return entries.length === limit;
    });
  }

  /** Indexes the asset's words as they are now, and those of the asset it was folded into. */
  #reindex(lib: number, id: string): void {
    const row = this.#q.asset.get(lib, id) as AssetRow | undefined;
    if (!row) return;
    const asset = decodeAsset(row.state);
    // A Live Photo half imported apart becomes part of its partner: the partner gained a path.
    if (asset.lifecycle.state === 'aliased') this.#reindex(lib, asset.lifecycle.to);
    this.index(row, asset);
  }

  /** Indexes a row's words as its asset holds them now, if they changed. */
  index(row: AssetRow, asset: Asset = decodeAsset(row.state)): void {
    const fields = textOf(asset);
    const text = JSON.stringify(fields);
    if (text === row.search_text) return;
    this.#q.setText.run(text, row.n);
    if (row.search_text !== '') this.#q.deleteText.run(row.n);
    if (fields.some((field) => field !== '')) this.#q.insertText.run(row.n, ...fields);
  }
}
