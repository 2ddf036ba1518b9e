import {
  applyLogEntry,
  decodeAsset,
  groupKey,
  isInConflict,
  planFiles,
  StoredLibrary,
  type Asset,
  type AssetId,
  type Library,
  type LibraryChanges,
  type LibraryRows,
  type LogEntry,
  type PlannedFile,
} from '@keepsake/core';
import type { StateDb } from '../state/agent-state.js';
import { SyncState } from './sync-state.js';

/**
 * This device's copy of the library: the server's change log applied in seq order by the same
 * merge rules, kept in the state database one row per asset (as the server keeps it), so a
 * million-asset library is not held in memory. Replaying a page of the feed touches only the
 * rows its ops name.
 */
export class Replica {
  readonly #db: StateDb;
  readonly #state: SyncState;
  readonly #q;

  constructor(db: StateDb) {
    this.#db = db;
    this.#state = new SyncState(db);
    this.#q = {
      asset: db.prepare('SELECT state FROM replica_assets WHERE id = ?').pluck(),
      album: db.prepare('SELECT state FROM replica_albums WHERE id = ?').pluck(),
      albums: db.prepare('SELECT state FROM replica_albums').pluck(),
      member: db
        .prepare('SELECT tags FROM replica_album_members WHERE album = ? AND member = ?')
        .pluck(),
      pairing: db.prepare('SELECT value FROM replica_pairing WHERE key = ?').pluck(),
      putAsset: db.prepare(
        `INSERT INTO replica_assets (id, state, conflict) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, conflict = excluded.conflict`,
      ),
      inConflict: db.prepare('SELECT state FROM replica_assets WHERE conflict = 1').pluck(),
      conflictCount: db.prepare('SELECT count(*) FROM replica_assets WHERE conflict = 1').pluck(),
      unsettled: db.prepare('SELECT grp FROM unsettled_groups').pluck(),
      settle: db.prepare('DELETE FROM unsettled_groups WHERE grp = ?'),
      withPrefix: db
        .prepare('SELECT state FROM replica_assets WHERE id >= ? AND id < ? LIMIT 2')
        .pluck(),
      allStates: db.prepare('SELECT state FROM replica_assets').pluck(),
      putAlbum: db.prepare(
        'INSERT INTO replica_albums (id, state) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state',
      ),
      putMember: db.prepare(
        `INSERT INTO replica_album_members (album, member, tags) VALUES (?, ?, ?)
         ON CONFLICT (album, member) DO UPDATE SET tags = excluded.tags`,
      ),
      dropMember: db.prepare('DELETE FROM replica_album_members WHERE album = ? AND member = ?'),
      putPairing: db.prepare(
        'INSERT INTO replica_pairing (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      groupsOf: db.prepare('SELECT grp FROM replica_groups WHERE asset_id = ?').pluck(),
      dropGroups: db.prepare('DELETE FROM replica_groups WHERE asset_id = ?'),
      addGroup: db.prepare('INSERT OR IGNORE INTO replica_groups (grp, asset_id) VALUES (?, ?)'),
      inGroup: db
        .prepare(
          'SELECT a.state FROM replica_groups g JOIN replica_assets a ON a.id = g.asset_id WHERE g.grp = ?',
        )
        .pluck(),
      unsettleAll: db.prepare(
        'INSERT OR IGNORE INTO unsettled_groups (grp) SELECT DISTINCT grp FROM replica_groups',
      ),
      unsettle: db.prepare('INSERT OR IGNORE INTO unsettled_groups (grp) VALUES (?)'),
    };
  }

  get head(): number {
    return this.#state.replicaHead;
  }

  /**
   * A read-only view for the scan: it looks assets up and reads the head. Writes go through
   * `apply`, which is the only way the replica changes.
   */
  view(): Library {
    return new StoredLibrary(this.#rows());
  }

  /**
   * Applies a page of the feed (entries in seq order from head + 1) in one transaction, and
   * marks every name group an asset left or joined as unsettled, so reconcile looks there.
   */
  apply(entries: readonly LogEntry[]): void {
    if (entries.length === 0) return;
    this.#db.transaction(() => {
      const library = new StoredLibrary(this.#rows());
      for (const entry of entries) {
        applyLogEntry(library, entry);
        library.settleOp(entry.seq, undefined);
      }
      this.#write(library.changes());
      this.#state.replicaHead = library.log.head;
    })();
  }

  /** Marks groups unsettled: the folder there may differ from the plan. */
  unsettle(groups: Iterable<string>): void {
    for (const group of groups) this.#q.unsettle.run(group);
  }

  /** After a (re)install: every group the library has may need files written or adopted. */
  unsettleAll(): void {
    this.#q.unsettleAll.run();
  }

  /** The files the library puts in one name group of the folder. */
  planGroup(group: string): PlannedFile[] {
    const assets = (this.#q.inGroup.all(group) as string[]).map(decodeAsset);
    return [...planFiles(assets).values()].filter((file) => groupKey(file.placement) === group);
  }

  /** Assets with more than one current version, as this device last heard. */
  conflicts(): Asset[] {
    return (this.#q.inConflict.all() as string[]).map(decodeAsset);
  }

  conflictCount(): number {
    return this.#q.conflictCount.get() as number;
  }

  /** Groups whose files may differ from the plan. */
  unsettledGroups(): string[] {
    return this.#q.unsettled.all() as string[];
  }

  /** The folder shows the plan in this group now. */
  settle(group: string): void {
    this.#q.settle.run(group);
  }

  /** The asset whose id starts with `prefix`, if exactly one does. */
  assetByPrefix(prefix: string): Asset | 'ambiguous' | undefined {
    const rows = this.#q.withPrefix.all(prefix, `${prefix}\uffff`) as string[];
    if (rows.length > 1) return 'ambiguous';
    return rows[0] === undefined ? undefined : decodeAsset(rows[0]);
  }

  /** Every asset, streamed (verify's digest). */
  *allAssets(): Generator<Asset> {
    for (const encoded of this.#q.allStates.iterate() as IterableIterator<string>)
      yield decodeAsset(encoded);
  }

  asset(id: AssetId): Asset | undefined {
    const encoded = this.#q.asset.get(id) as string | undefined;
    return encoded === undefined ? undefined : decodeAsset(encoded);
  }

  #rows(): LibraryRows {
    const q = this.#q;
    return {
      headSeq: this.#state.replicaHead,
      asset: (id) => q.asset.get(id) as string | undefined,
      album: (id) => q.album.get(id) as string | undefined,
      albums: () => q.albums.all() as string[],
      albumMember: (album, member) => q.member.get(album, member) as string | undefined,
      pairing: (key) => q.pairing.get(key) as string | undefined,
      // The server logs each op id once, so the feed never repeats one: a replica replaying it
      // has no duplicate to find, and keeps no op ids.
      seqOf: () => undefined,
      entry: () => undefined,
    };
  }

  #write(changes: LibraryChanges): void {
    const q = this.#q;
    for (const [id, { asset, encoded }] of changes.assets) {
      q.putAsset.run(id, encoded, isInConflict(asset) ? 1 : 0);
      const before = q.groupsOf.all(id) as string[];
      const after = [...asset.paths.keys()].map(groupKey);
      q.dropGroups.run(id);
      for (const group of after) q.addGroup.run(group, id);
      this.unsettle([...before, ...after]);
    }
    for (const [id, encoded] of changes.albums) q.putAlbum.run(id, encoded);
    for (const [album, member, tags] of changes.albumMembers) {
      if (tags === undefined) q.dropMember.run(album, member);
      else q.putMember.run(album, member, tags);
    }
    for (const [key, value] of changes.pairing) q.putPairing.run(key, value);
  }
}
