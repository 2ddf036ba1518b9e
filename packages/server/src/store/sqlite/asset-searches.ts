import { searchTerms } from '../../library/asset-facets.js';
import type { Cursor } from '../cursor.js';
import type { AssetSearch, SearchKind, TimelineDay } from '../metadata-store.js';
import type { Db } from './database.js';
import type { Statement } from './statements.js';

// The timeline's listings and day counts, narrowed by a search (search-index.ts keeps what they
// read). Without words to look for, each is a walk of one index in timeline order: the whole
// timeline's, or a filter's partial index, which holds only its own assets. Words go through
// the full-text index: its matches, then sorted by time, so a page costs the number of matches,
// however big the library.

/** A filter's condition, as its partial index states it (the planner needs the same text). */
const KINDS: Record<SearchKind, { readonly where: string; readonly index: string }> = {
  favorites: { where: 'a.favorite = 1', index: 'assets_favorites' },
  videos: { where: "a.kind = 'video'", index: 'assets_videos' },
  live: { where: "a.kind = 'live'", index: 'assets_live_photos' },
  conflicts: { where: 'a.in_conflict = 1', index: 'assets_in_conflict' },
  errors: { where: 'a.media_error = 1', index: 'assets_media_errors' },
};

/** An asset row of a page, with its place in the order (for the next page's cursor). */
export interface SearchRow {
  readonly id: string;
  readonly state: string;
  readonly taken_at: string;
}

/** The SQL text of a search and the values it binds; the text depends only on which parts are given. */
interface Narrowed {
  readonly from: string;
  readonly where: string;
  readonly params: Record<string, string>;
}

export class AssetSearches {
  readonly #db: Db;
  /** Prepared once per shape of search: a handful of shapes, each reused. */
  readonly #statements = new Map<string, Statement>();

  constructor(db: Db) {
    this.#db = db;
  }

  /** Up to `limit` assets after `after` in timeline order (newest taken first). */
  page(
    lib: number,
    lifecycle: string,
    search: AssetSearch,
    after: Cursor,
    limit: number,
  ): SearchRow[] {
    const { from, where, params } = narrowed(search);
    const sql = `SELECT a.id, a.state, a.taken_at FROM ${from}
      WHERE a.library = @lib AND a.lifecycle = @lifecycle ${where}
      AND (a.taken_at < @key OR (a.taken_at = @key AND a.id < @id))
      ORDER BY a.taken_at DESC, a.id DESC LIMIT @limit`;
    const values = { ...params, lib, lifecycle, key: after.key, id: after.id, limit };
    return this.#statement(sql).all(values) as SearchRow[];
  }

  /** The live timeline's days, newest first, counting only the assets the search finds. */
  days(lib: number, search: AssetSearch): TimelineDay[] {
    const { from, where, params } = narrowed(search);
    // The day of the timeline key (timeline.ts); '' (no capture time) sorts last.
    const sql = `SELECT substr(a.taken_at, 1, 10) AS day, count(*) AS count FROM ${from}
      WHERE a.library = @lib AND a.lifecycle = 'live' ${where}
      GROUP BY day ORDER BY day DESC`;
    return this.#statement(sql).all({ ...params, lib }) as TimelineDay[];
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

function narrowed(search: AssetSearch): Narrowed {
  const where: string[] = [];
  const params: Record<string, string> = {};
  const kind = search.kind && KINDS[search.kind];
  if (kind) where.push(kind.where);
  if (search.from !== undefined || search.to !== undefined) {
    // Timeline keys start with their day ('2024-05-01 2024-05-01T08:00:00.000Z'); '' (no
    // capture time) is outside every range.
    where.push('a.taken_at >= @after AND a.taken_at <= @before');
    params.after = search.from ?? '0';
    params.before = `${search.to ?? '9999-12-31'}\uffff`;
  }
  const match = textMatch(search);
  if (match === undefined) {
    const from = kind ? `assets AS a INDEXED BY ${kind.index}` : 'assets AS a';
    return { from, where: where.map((w) => `AND ${w}`).join(' '), params };
  }
  where.push('asset_text MATCH @match');
  params.match = match;
  return {
    // The matches lead: a word found in a few photos of a million reads those few.
    from: 'asset_text CROSS JOIN assets AS a ON a.n = asset_text.rowid',
    where: where.map((w) => `AND ${w}`).join(' '),
    params,
  };
}

/**
 * The full-text query: every word of `text` in any field, every word of `camera` in the camera,
 * each word also as the start of a longer one. Words hold only letters and digits, and are
 * quoted besides, so nothing typed is query syntax.
 */
function textMatch({ text, camera }: AssetSearch): string | undefined {
  const words = (input: string | undefined) =>
    searchTerms(input ?? '')
      .map((term) => `"${term}"*`)
      .join(' ');
  const anywhere = words(text);
  const inCamera = words(camera);
  const parts = [
    ...(anywhere ? [`(${anywhere})`] : []),
    ...(inCamera ? [`camera : (${inCamera})`] : []),
  ];
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}
