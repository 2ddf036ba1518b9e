import type { LogEntry } from '../ops/outcome.js';
import type { Album, Asset } from './asset.js';
import { decodeAlbum, decodeAsset, encodeAlbum, encodeAsset } from './codec.js';
import type { AlbumId, AssetId, OpId } from './ids.js';
import type { ChangeLog, Library, Table } from './library.js';
import { StoredMembers } from './stored-members.js';

/**
 * Row access for one library inside a write transaction (the server's store, a device's
 * replica). Synchronous on purpose: the merge rules are synchronous, and a batch runs as one
 * transaction from first read to commit.
 */
export interface LibraryRows {
  readonly headSeq: number;
  asset(id: AssetId): string | undefined;
  /** An album without its members (they are rows of their own). */
  album(id: AlbumId): string | undefined;
  albums(): Iterable<string>;
  albumMember(album: AlbumId, member: string): string | undefined;
  pairing(key: string): string | undefined;
  seqOf(opId: OpId): number | undefined;
  entry(seq: number): LogEntry | undefined;
}

/** What a batch changed, ready to be written in the same transaction. */
export interface LibraryChanges {
  readonly entries: readonly LogEntry[];
  /** Final encoded state of every asset the batch changed; `isNew` when it had no row. */
  readonly assets: ReadonlyMap<
    AssetId,
    { readonly asset: Asset; readonly encoded: string; readonly isNew: boolean }
  >;
  /** (asset, seq) pairs: every op that named or changed an asset is in its history. */
  readonly history: readonly (readonly [AssetId, number])[];
  /** Albums without their members. */
  readonly albums: ReadonlyMap<AlbumId, string>;
  /** Changed memberships: the member's tags, or undefined when it left the album. */
  readonly albumMembers: readonly (readonly [AlbumId, string, string | undefined])[];
  readonly pairing: ReadonlyMap<string, string>;
}

interface Cached<T> {
  value: T | undefined;
  /** The encoding last known to be stored (or about to be): a change shows as a difference. */
  encoded: string | undefined;
  /** Whether the store had a row for it when the batch began. */
  readonly stored: boolean;
}

/**
 * A library the merge rules run over while its rows stay in the database. Only the rows a
 * batch touches are read and decoded; after each op the touched ones are re-encoded, and those
 * that differ are what the op changed (its history rows) and what the batch writes back.
 */
export class StoredLibrary implements Library {
  readonly assets: Table<AssetId, Asset>;
  readonly albums: Table<AlbumId, Album> & { values(): Iterable<Album> };
  readonly pairing: Table<string, AssetId | AssetId[]>;
  readonly log: ChangeLog;

  readonly #rows: LibraryRows;
  readonly #assets = new Map<AssetId, Cached<Asset>>();
  readonly #touched = new Set<AssetId>();
  readonly #dirtyAssets = new Set<AssetId>();
  readonly #albums = new Map<AlbumId, Cached<Album>>();
  #allAlbumsLoaded = false;
  readonly #pairing = new Map<string, string | undefined>();
  readonly #dirtyPairing = new Set<string>();
  readonly #entries: LogEntry[] = [];
  readonly #seqByOpId = new Map<OpId, number | undefined>();
  readonly #history: [AssetId, number][] = [];

  constructor(rows: LibraryRows) {
    this.#rows = rows;
    this.assets = {
      get: (id) => this.#asset(id).value,
      has: (id) => this.#asset(id).value !== undefined,
      set: (id, asset) => {
        this.#asset(id).value = asset;
        this.#touched.add(id);
      },
    };
    this.albums = {
      get: (id) => this.#album(id).value,
      has: (id) => this.#album(id).value !== undefined,
      set: (id, album) => {
        this.#album(id).value = album;
      },
      values: () => this.#allAlbums(),
    };
    this.pairing = {
      get: (key) => this.#pairingValue(key),
      has: (key) => this.#pairingValue(key) !== undefined,
      set: (key, value) => {
        this.#pairing.set(key, JSON.stringify(value));
        this.#dirtyPairing.add(key);
      },
    };
    const entries = this.#entries;
    this.log = {
      get head() {
        return rows.headSeq + entries.length;
      },
      entry: (seq) => this.#entries[seq - rows.headSeq - 1] ?? rows.entry(seq),
      // Asked twice per op (admission, then the rules): the store's answer is kept, found or not.
      seqOf: (opId) => {
        if (!this.#seqByOpId.has(opId)) this.#seqByOpId.set(opId, rows.seqOf(opId));
        return this.#seqByOpId.get(opId);
      },
      append: (entry) => {
        this.#entries.push(entry);
        this.#seqByOpId.set(entry.op.opId, entry.seq);
      },
    };
  }

  /**
   * Closes one op: finds the assets it changed, and records the op in the history of those and
   * of the asset it named (so a rejected op shows up where the user will look for it).
   */
  settleOp(seq: number, named: AssetId | undefined): void {
    const inHistory = new Set<AssetId>();
    if (named !== undefined) inHistory.add(named);
    for (const id of this.#touched) {
      const cached = this.#assets.get(id);
      if (!cached?.value) continue;
      const encoded = encodeAsset(cached.value);
      if (encoded === cached.encoded) continue;
      cached.encoded = encoded;
      this.#dirtyAssets.add(id);
      inHistory.add(id);
    }
    this.#touched.clear();
    for (const id of inHistory) this.#history.push([id, seq]);
  }

  /** Everything the batch changed. Call once every op is settled. */
  changes(): LibraryChanges {
    const assets = new Map<AssetId, { asset: Asset; encoded: string; isNew: boolean }>();
    for (const id of this.#dirtyAssets) {
      const cached = this.#assets.get(id);
      if (cached?.value && cached.encoded !== undefined) {
        assets.set(id, { asset: cached.value, encoded: cached.encoded, isNew: !cached.stored });
      }
    }
    const albums = new Map<AlbumId, string>();
    const albumMembers: [AlbumId, string, string | undefined][] = [];
    for (const [id, cached] of this.#albums) {
      if (!cached.value) continue;
      const encoded = encodeAlbumHeader(cached.value);
      if (encoded !== cached.encoded) albums.set(id, encoded);
      const members = cached.value.members;
      if (members instanceof StoredMembers) {
        for (const [member, row] of members.changedRows()) albumMembers.push([id, member, row]);
      } else {
        // A new album made by the rules: every member it has is new.
        for (const [member, tags] of members) {
          albumMembers.push([id, member, JSON.stringify([...tags])]);
        }
      }
    }
    const pairing = new Map<string, string>();
    for (const key of this.#dirtyPairing) {
      const value = this.#pairing.get(key);
      if (value !== undefined) pairing.set(key, value);
    }
    return {
      entries: this.#entries,
      assets,
      history: this.#history,
      albums,
      albumMembers,
      pairing,
    };
  }

  #asset(id: AssetId): Cached<Asset> {
    const cached = loadInto(this.#assets, id, () => this.#rows.asset(id), decodeAsset);
    // Rules change assets in place, so every asset handed out may have changed.
    this.#touched.add(id);
    return cached;
  }

  #album(id: AlbumId): Cached<Album> {
    return loadInto(
      this.#albums,
      id,
      () => this.#rows.album(id),
      (encoded) => this.#withStoredMembers(decodeAlbum(encoded)),
    );
  }

  #withStoredMembers(album: Album): Album {
    const members = new StoredMembers((member) => this.#rows.albumMember(album.id, member));
    return { ...album, members };
  }

  *#allAlbums(): Iterable<Album> {
    if (!this.#allAlbumsLoaded) {
      for (const encoded of this.#rows.albums()) {
        const album = this.#withStoredMembers(decodeAlbum(encoded));
        if (!this.#albums.has(album.id)) {
          this.#albums.set(album.id, { value: album, encoded, stored: true });
        }
      }
      this.#allAlbumsLoaded = true;
    }
    for (const cached of this.#albums.values()) if (cached.value) yield cached.value;
  }

  #pairingValue(key: string): AssetId | AssetId[] | undefined {
    let encoded = this.#pairing.get(key);
    if (encoded === undefined && !this.#pairing.has(key)) {
      encoded = this.#rows.pairing(key);
      this.#pairing.set(key, encoded);
    }
    return encoded === undefined ? undefined : (JSON.parse(encoded) as AssetId | AssetId[]);
  }
}

/** An album's own row: everything but its members. */
const encodeAlbumHeader = (album: Album): string => encodeAlbum({ ...album, members: new Map() });

function loadInto<K, T>(
  cache: Map<K, Cached<T>>,
  key: K,
  load: () => string | undefined,
  decode: (encoded: string) => T,
): Cached<T> {
  let cached = cache.get(key);
  if (!cached) {
    const encoded = load();
    cached = {
      value: encoded === undefined ? undefined : decode(encoded),
      encoded,
      stored: encoded !== undefined,
    };
    cache.set(key, cached);
  }
  return cached;
}
