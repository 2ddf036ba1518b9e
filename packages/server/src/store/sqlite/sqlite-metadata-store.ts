import {
  blobsOf,
  decodeAlbum,
  decodeAsset,
  submitOp,
  StoredLibrary,
  type Album,
  type AlbumId,
  type Asset,
  type AssetId,
  type BlobHash,
  type DeviceId,
  type LibraryChanges,
  type LibraryRows,
  type MediaMeta,
  type Op,
  type OpId,
  type Reply,
  type RetryLater,
  type ShareRole,
  type UserId,
} from '@keepsake/core';
import { dayOfKey, timelineKey } from '../../library/timeline.js';
import type {
  AssetListing,
  AssetSearch,
  Commit,
  AssetQuery,
  ClaimOptions,
  CommitListener,
  DerivativeRecord,
  DeviceRecord,
  DeviceStatus,
  LogPage,
  LogQuery,
  MediaRecord,
  MetadataStore,
  SharedAlbum,
  StoredBlob,
  StoredEntry,
  SubmitContext,
  SubmitRequest,
  TimelineDay,
  TimelineNeighbours,
  TroubleListener,
  UserRecord,
} from '../metadata-store.js';
import { QuotaExceededError } from '../metadata-store.js';
import { Listeners } from '../listeners.js';
import { AssetSearches } from './asset-searches.js';
import { checkpointInBackground } from './background-checkpoints.js';
import { SearchIndex } from './search-index.js';
import { TextIndex } from './text-index.js';
import { requestReads, type RequestReads } from './request-reads.js';
import { openDatabase, openReader, writeTransaction, type Db } from './database.js';
import { toDevice, toEntry, toUser, type ChangeRow, type DeviceRow, type UserRow } from './rows.js';
import {
  CHANGES_SINCE,
  GARBAGE_SCAN,
  prepareStatements,
  type Statement,
  type Statements,
} from './statements.js';
import { decodeCursor, encodeCursor } from '../cursor.js';

/** Log entries the full-text index reads in one step (one transaction): a few milliseconds' work. */
const TEXT_STEP = 500;
/** How long the store must be without batches before the index reads on. */
const TEXT_DELAY_MS = 200;
/** How long the index waits to read on after a step failed (a lock held elsewhere, a full disk). */
const TEXT_RETRY_MS = 1_000;

/**
 * The embedded store: one SQLite file, one writer, prepared statements for every query. Its
 * write transactions all go through `writeTransaction`.
 */
export class SqliteMetadataStore implements MetadataStore {
  readonly #file: string;
  readonly #db: Db;
  readonly #q: Statements;
  readonly #scanReader: Db;
  readonly #changesSince: Statement;
  readonly #libraryNumbers = new Map<UserId, number>();
  readonly #commitListeners = new Listeners<CommitListener>();
  readonly #troubleListeners = new Listeners<TroubleListener>();
  readonly #callers: RequestReads;
  readonly #search: SearchIndex;
  readonly #searches: AssetSearches;
  readonly #text: TextIndex;
  #textTimer: NodeJS.Timeout | undefined;
  readonly #stopCheckpoints: () => Promise<void>;

  constructor(file: string) {
    this.#file = file;
    this.#db = openDatabase(file);
    this.#q = prepareStatements(this.#db);
    this.#callers = requestReads(this.#db);
    this.#search = new SearchIndex(this.#db);
    this.#searches = new AssetSearches(this.#db);
    this.#text = new TextIndex(this.#db);
    this.#indexTextWhenIdle();
    this.#scanReader = openReader(file);
    this.#changesSince = this.#scanReader.prepare(CHANGES_SINCE);
    this.#stopCheckpoints = checkpointInBackground(file, (error) => {
      this.#tellTrouble('checkpointing the database in the background', error);
    });
  }

  /** The library's number inside the store (every big table is keyed by it). */
  #lib(library: UserId): number {
    let n = this.#libraryNumbers.get(library);
    if (n === undefined) {
      const found = this.#q.libraryNumber.get(library) as number | undefined;
      if (found === undefined) throw new Error(`no library ${library}`);
      n = found;
      this.#libraryNumbers.set(library, n);
    }
    return n;
  }

  /**
   * Reads the logs into the full-text index a step at a time, each step a short transaction,
   * once no batch has come for TEXT_DELAY_MS: a batch waits at most one step behind it, and a
   * busy stretch of ingest is not slowed by it at all (see text-index.ts).
   */
  #indexTextWhenIdle(delayMs = TEXT_DELAY_MS): void {
    clearTimeout(this.#textTimer);
    this.#textTimer = setTimeout(() => {
      this.#textTimer = undefined;
      try {
        const [lib] = this.#text.behind();
        if (lib === undefined) return;
        this.#text.catchUp(lib, TEXT_STEP);
      } catch (error) {
        // Thrown here, it would end the store's thread and the server with it, for an index
        // that only searches wait on (and a search reads the rest of the log itself): said,
        // and tried later.
        this.#tellTrouble('reading the change log into the search index', asError(error));
        this.#indexTextWhenIdle(TEXT_RETRY_MS);
        return;
      }
      // The next step at once, unless a batch comes meanwhile (it puts this off again).
      this.#indexTextWhenIdle(0);
    }, delayMs).unref();
  }

  async close(): Promise<void> {
    clearTimeout(this.#textTimer);
    await this.#stopCheckpoints();
    this.#scanReader.close();
    this.#db.close();
  }

  setting(key: string): Promise<string | undefined> {
    return Promise.resolve(this.#q.setting.get(key) as string | undefined);
  }
  putSetting(key: string, value: string): Promise<void> {
    this.#q.putSetting.run(key, value);
    return Promise.resolve();
  }
  deleteSetting(key: string): Promise<void> {
    this.#q.deleteSetting.run(key);
    return Promise.resolve();
  }

  createUser(user: Omit<UserRecord, 'createdAt'>, nowMs: number): Promise<UserRecord> {
    writeTransaction(this.#db, () => {
      this.#q.insertUser.run(
        user.id,
        user.name,
        user.passwordHash,
        user.isAdmin ? 1 : 0,
        user.quotaBytes,
        nowMs,
      );
      this.#q.insertLibrary.run(user.id);
    });
    return Promise.resolve({ ...user, createdAt: nowMs });
  }
  userById(id: UserId): Promise<UserRecord | undefined> {
    return this.#callers.userById(id);
  }
  userByName(name: string): Promise<UserRecord | undefined> {
    const row = this.#q.userByName.get(name) as UserRow | undefined;
    return Promise.resolve(row && toUser(row));
  }
  users(): Promise<UserRecord[]> {
    return Promise.resolve((this.#q.users.all() as UserRow[]).map(toUser));
  }
  setPasswordHash(id: UserId, passwordHash: string): Promise<void> {
    this.#q.setPasswordHash.run(passwordHash, id);
    return Promise.resolve();
  }

  createDevice(
    device: Pick<DeviceRecord, 'id' | 'userId' | 'name'>,
    tokenHash: string,
    nowMs: number,
  ): Promise<DeviceRecord> {
    this.#q.insertDevice.run(device.id, device.userId, device.name, tokenHash, nowMs);
    return Promise.resolve({
      ...device,
      createdAt: nowMs,
      lastSeenAt: null,
      ackedSeq: 0,
      revokedAt: null,
    });
  }
  deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | undefined> {
    return this.#callers.deviceByTokenHash(tokenHash);
  }
  devices(userId: UserId): Promise<DeviceRecord[]> {
    return Promise.resolve((this.#q.devices.all(userId) as DeviceRow[]).map(toDevice));
  }
  activeDevices(): Promise<(DeviceRecord & { head: number })[]> {
    const rows = this.#q.activeDevices.all() as (DeviceRow & { head_seq: number })[];
    return Promise.resolve(rows.map((r) => ({ ...toDevice(r), head: r.head_seq })));
  }
  revokeDevice(userId: UserId, id: DeviceId, nowMs: number): Promise<boolean> {
    return Promise.resolve(this.#q.revokeDevice.run(nowMs, id, userId).changes > 0);
  }
  reportDeviceStatus(id: DeviceId, status: DeviceStatus): Promise<void> {
    this.#q.reportDeviceStatus.run(status.reportedAt, status.pendingOps, status.lastError, id);
    return Promise.resolve();
  }

  deviceSeen(id: DeviceId, nowMs: number, ackedSeq?: number): Promise<void> {
    this.#q.deviceSeen.run(nowMs, ackedSeq ?? null, id);
    return Promise.resolve();
  }

  createSession(tokenHash: string, userId: UserId, expiresAtMs: number): Promise<void> {
    this.#q.insertSession.run(tokenHash, userId, expiresAtMs);
    return Promise.resolve();
  }
  sessionUser(tokenHash: string, nowMs: number): Promise<UserRecord | undefined> {
    return this.#callers.sessionUser(tokenHash, nowMs);
  }
  deleteSession(tokenHash: string): Promise<void> {
    this.#q.deleteSession.run(tokenHash);
    return Promise.resolve();
  }

  submitOps(
    library: UserId,
    ops: readonly Op[],
    context: SubmitContext,
  ): Promise<(Reply | RetryLater)[]> {
    const [result = new Error('no result')] = this.submitBatches([{ library, ops, context }]);
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  }

  /**
   * Several batches, from any libraries, in one durable transaction: one commit and one fsync
   * for all of them (group commit). A batch that fails takes only itself back. Returns each
   * batch's replies, or the error it failed with.
   *
   * A batch almost never fails (a rejected op is a reply, not a failure), so the group first runs
   * bare; only if one throws is it all rolled back and run again with each batch in a savepoint
   * of its own. A savepoint costs a copy of every page a batch touches, which is most of them.
   */
  submitBatches(batches: readonly SubmitRequest[]): ((Reply | RetryLater)[] | Error)[] {
    let group: Group;
    try {
      group = writeTransaction(this.#db, () => this.#applyGroup(batches, false));
    } catch (error) {
      if (batches.length === 1) return [asError(error)];
      group = writeTransaction(this.#db, () => this.#applyGroup(batches, true));
    }
    for (const [library, commit] of group.commits) {
      this.#commitListeners.tell(library, commit);
    }
    if (group.commits.length > 0) this.#indexTextWhenIdle();
    return group.results;
  }

  onCommit(listener: CommitListener): void {
    this.#commitListeners.add(listener);
  }

  onTrouble(listener: TroubleListener): void {
    this.#troubleListeners.add(listener);
  }

  #tellTrouble(during: string, error: Error): void {
    this.#troubleListeners.tell(during, error);
  }

  /** Applies each batch inside the open transaction; with `isolated`, each in a savepoint. */
  #applyGroup(batches: readonly SubmitRequest[], isolated: boolean): Group {
    const commits: [UserId, Commit][] = [];
    const results = batches.map((batch) => {
      const apply = () => this.#applyBatch(batch);
      if (!isolated) {
        const { replies, commit } = apply();
        if (commit) commits.push([batch.library, commit]);
        return replies;
      }
      try {
        // better-sqlite3 turns a transaction inside a transaction into a savepoint.
        const { replies, commit } = this.#db.transaction(apply)();
        if (commit) commits.push([batch.library, commit]);
        return replies;
      } catch (error) {
        return asError(error);
      }
    });
    return { results, commits };
  }

  /** One batch, inside the group's transaction. */
  #applyBatch({ library, ops, context, opsJson }: SubmitRequest) {
    const stored = new StoredLibrary(this.#rowsOf(library));
    const lib = this.#lib(library);
    const admission = {
      nowMs: context.nowMs,
      maxDriftMs: context.maxDriftMs,
      hasBlob: (hash: BlobHash) => this.#q.libraryBlob.get(lib, hash) !== undefined,
    };
    const replies = ops.map((op) => {
      const head = stored.log.head;
      const reply = submitOp(stored, op, admission);
      if (stored.log.head > head) stored.settleOp(stored.log.head, namedAsset(op));
      return reply;
    });
    const changes = stored.changes();
    const json = new Map(opsJson?.map((text, i) => [ops[i], text]));
    this.#write(library, changes, context.nowMs, (op) => json.get(op) ?? JSON.stringify(op));
    const head = changes.entries.at(-1)?.seq;
    const commit: Commit | undefined =
      head === undefined ? undefined : { head, changed: [...changes.assets.keys()] };
    return { replies, commit };
  }

  #rowsOf(library: UserId): LibraryRows {
    const q = this.#q;
    const lib = this.#lib(library);
    return {
      headSeq: this.#headSeq(library),
      asset: (id) => q.assetState.get(lib, id) as string | undefined,
      album: (id) => q.albumState.get(lib, id) as string | undefined,
      albums: () => q.albumStates.all(lib) as string[],
      albumMember: (album, member) => q.albumMember.get(lib, album, member) as string | undefined,
      pairing: (key) => q.pairing.get(lib, key) as string | undefined,
      seqOf: (opId: OpId) => q.seqOf.get(lib, opId) as number | undefined,
      entry: (seq) => {
        const row = q.change.get(lib, seq) as ChangeRow | undefined;
        return row && toEntry(row);
      },
    };
  }

  #write(
    library: UserId,
    changes: LibraryChanges,
    nowMs: number,
    opJson: (op: Op) => string,
  ): void {
    const q = this.#q;
    const lib = this.#lib(library);
    for (const entry of changes.entries) {
      q.insertChange.run(
        lib,
        entry.seq,
        entry.op.opId,
        entry.op.device,
        opJson(entry.op),
        JSON.stringify(entry.outcome),
        nowMs,
      );
    }
    const head = changes.entries.at(-1)?.seq;
    if (head === undefined) return;
    const history = new Map<AssetId, string>();
    for (const [id, seq] of changes.history) history.set(id, `${history.get(id) ?? ''},${seq}`);
    // The batch's moves in and out of each day, written once per day it touched (a camera roll's
    // 500 imports fall on a handful of days): one upsert per import cost a tenth of its time.
    const dayCounts = new Map<string, number>();
    const countDay = (key: string, by: 1 | -1) => {
      const day = dayOfKey(key);
      dayCounts.set(day, (dayCounts.get(day) ?? 0) + by);
    };
    for (const [id, { asset, encoded, isNew }] of changes.assets) {
      const lifecycle = asset.lifecycle.state;
      const takenAt = timelineKey(asset);
      const inConflict = asset.versions.length > 1 ? 1 : 0;
      const seqs = history.get(id) ?? '';
      history.delete(id);
      const { favorite, kind, mediaError } = this.#search.columns(lib, asset);
      if (isNew) {
        q.insertAsset.run(
          ...[lib, id, encoded, lifecycle, takenAt, inConflict, head, seqs],
          ...[favorite, kind, mediaError],
        );
        if (lifecycle === 'live') countDay(takenAt, 1);
        this.#search.noteBlobs(lib, asset);
        continue;
      }
      // Most changes leave the timeline's and the filters' columns as they were: rewriting only
      // the state keeps their indexes out of the write; the next most, the timeline's.
      const timeline = [lifecycle, takenAt, inConflict];
      const facets = [favorite, kind, mediaError];
      const sameAll = [...timeline, ...facets];
      if (q.updateAssetState.run(encoded, head, seqs, lib, id, ...sameAll).changes === 0) {
        const where = [lib, id, ...timeline];
        if (q.updateAssetFacets.run(encoded, ...facets, head, seqs, ...where).changes === 0) {
          const before = q.timelineOf.get(lib, id) as { lifecycle: string; taken_at: string };
          q.updateAsset.run(
            ...[encoded, lifecycle, takenAt, inConflict, ...facets],
            ...[head, seqs, lib, id],
          );
          // Its place in the timeline may have moved: out of one day's count, into another's.
          if (before.lifecycle === 'live') countDay(before.taken_at, -1);
          if (lifecycle === 'live') countDay(takenAt, 1);
        }
      }
      this.#search.noteBlobs(lib, asset);
    }
    for (const [day, by] of dayCounts) if (by !== 0) q.countDay.run(lib, day, by);
    // Ops that named an asset without changing it (a rejected edit, say) still join its history.
    for (const [id, seqs] of history) q.appendHistory.run(seqs, lib, id);
    for (const [id, encoded] of changes.albums) {
      q.upsertAlbum.run(lib, id, encoded);
      q.deleteShares.run(lib, id);
      for (const [user, share] of decodeAlbum(encoded).shares) {
        if (share.value !== null) q.insertShare.run(lib, id, user, share.value);
      }
    }
    for (const [album, member, tags] of changes.albumMembers) {
      if (tags === undefined) q.deleteAlbumMember.run(lib, album, member);
      else q.upsertAlbumMember.run(lib, album, member, tags);
    }
    for (const [key, value] of changes.pairing) q.upsertPairing.run(lib, key, value);
    q.setHead.run(head, lib);
  }

  changesJson(
    library: UserId,
    since: number,
    limit: number,
  ): Promise<{ entries: string; head: number }> {
    const rows = this.#changesSince.all(this.#lib(library), since, limit) as ChangeRow[];
    const entries = rows.map(
      (r) => `{"seq":${r.seq},"op":${r.op},"outcome":${r.outcome},"receivedAt":${r.received_at}}`,
    );
    return Promise.resolve({ entries: `[${entries.join(',')}]`, head: this.#headSeq(library) });
  }

  logPage(library: UserId, { after, before, limit, device, asset }: LogQuery): Promise<LogPage> {
    const lib = this.#lib(library);
    const below = before ?? Number.MAX_SAFE_INTEGER;
    // One row past the page says whether there is more.
    const rows =
      asset !== undefined
        ? this.#assetLog(lib, asset, device, after, below, limit + 1)
        : ((device === undefined
            ? this.#q.logPage.all(lib, after, below, limit + 1)
            : this.#q.deviceLogPage.all(lib, device, after, below, limit + 1)) as ChangeRow[]);
    return Promise.resolve({
      entries: rows.slice(0, limit).map(toEntry),
      more: rows.length > limit,
      head: this.#headSeq(library),
    });
  }

  /**
   * Up to `wanted` entries of the asset's history between two seqs, newest first, those of
   * `device` only if it is given: the asset's row lists its seqs, so no index of the log by
   * asset is needed, and one asset's history is short next to the log.
   */
  #assetLog(
    lib: number,
    asset: AssetId,
    device: DeviceId | undefined,
    after: number,
    below: number,
    wanted: number,
  ): ChangeRow[] {
    const history = (this.#q.assetHistory.get(lib, asset) as string | undefined) ?? '';
    const seqs = history
      .split(',')
      .filter(Boolean)
      .map(Number)
      .filter((seq) => seq > after && seq < below)
      .sort((a, b) => b - a);
    const rows: ChangeRow[] = [];
    for (const seq of seqs) {
      if (rows.length === wanted) break;
      const row = this.#q.changeWithDevice.get(lib, seq) as
        (ChangeRow & { device_id: string }) | undefined;
      if (row && (device === undefined || row.device_id === device)) rows.push(row);
    }
    return rows;
  }

  headSeq(library: UserId): Promise<number> {
    return Promise.resolve(this.#headSeq(library));
  }

  #headSeq(library: UserId): number {
    return (this.#q.headSeq.get(this.#lib(library)) as number | undefined) ?? 0;
  }

  asset(library: UserId, id: AssetId): Promise<Asset | undefined> {
    return Promise.resolve(this.#asset(this.#lib(library), id));
  }

  assetsById(library: UserId, ids: readonly AssetId[]): Promise<Asset[]> {
    const lib = this.#lib(library);
    return Promise.resolve(ids.flatMap((id) => this.#asset(lib, id) ?? []));
  }

  #asset(lib: number, id: AssetId): Asset | undefined {
    const state = this.#q.assetState.get(lib, id) as string | undefined;
    return state === undefined ? undefined : decodeAsset(state);
  }

  async assets(library: UserId, query: AssetQuery): Promise<AssetListing> {
    // The first page starts after a key greater than any timestamp (or than any of its day's).
    const after =
      query.cursor !== undefined
        ? decodeCursor(query.cursor)
        : query.day === 'unknown'
          ? { key: '', id: '\uffff' }
          : { key: query.day === undefined ? '\uffff' : `${query.day}\uffff`, id: '' };
    const lifecycle = query.filter === 'trashed' ? 'trashed' : 'live';
    const search: AssetSearch =
      query.filter === 'conflicts' ? { ...query.search, kind: 'conflicts' } : (query.search ?? {});
    const lib = this.#lib(library);
    await this.#textBefore(lib, search);
    const rows = this.#searches.page(lib, lifecycle, search, after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const more = rows.length > query.limit && last;
    return Promise.resolve({
      assets: page.map((r) => decodeAsset(r.state)),
      ...(more && { next: encodeCursor({ key: last.taken_at, id: last.id }) }),
    });
  }

  async timelineDays(library: UserId, search: AssetSearch = {}): Promise<TimelineDay[]> {
    const lib = this.#lib(library);
    // The whole timeline's counts are kept as it changes; a search's are counted now.
    if (Object.keys(search).length === 0) return this.#q.countedDays.all(lib) as TimelineDay[];
    await this.#textBefore(lib, search);
    return this.#searches.days(lib, search);
  }

  /**
   * A search for words sees every change made before it: the index first reads the rest of the
   * log, a step at a time with a turn for other calls between. After a long burst of ingest (a
   * new device's whole library, the index never idle) the rest can be a million entries: read in
   * one go, they held every device's batches behind one search for seconds. The last step and
   * the search run with no turn between, so no change slips in unindexed.
   */
  async #textBefore(lib: number, search: AssetSearch): Promise<void> {
    if (search.text === undefined && search.camera === undefined) return;
    while (this.#text.catchUp(lib, TEXT_STEP)) await new Promise(setImmediate);
  }

  timelineNeighbours(library: UserId, id: AssetId): Promise<TimelineNeighbours> {
    const lib = this.#lib(library);
    const row = this.#q.timelineKey.get(lib, id) as { taken_at: string } | undefined;
    if (!row) return Promise.resolve({});
    const key = [lib, row.taken_at, row.taken_at, id];
    const newer = this.#q.timelineNewer.get(...key) as AssetId | undefined;
    const older = this.#q.timelineOlder.get(...key) as AssetId | undefined;
    return Promise.resolve({ ...(newer && { newer }), ...(older && { older }) });
  }

  history(library: UserId, id: AssetId): Promise<StoredEntry[]> {
    const history = (this.#q.assetHistory.get(this.#lib(library), id) as string | undefined) ?? '';
    const seqs = history.split(',').filter(Boolean).map(Number);
    return Promise.resolve(
      seqs.flatMap((seq) => {
        const change = this.#q.change.get(this.#lib(library), seq) as ChangeRow | undefined;
        return change ? [toEntry(change)] : [];
      }),
    );
  }

  album(library: UserId, id: AlbumId): Promise<Album | undefined> {
    const state = this.#q.albumState.get(this.#lib(library), id) as string | undefined;
    return Promise.resolve(state === undefined ? undefined : this.#withMembers(library, state));
  }
  albums(library: UserId): Promise<Album[]> {
    const states = this.#q.albumStates.all(this.#lib(library)) as string[];
    return Promise.resolve(states.map((state) => this.#withMembers(library, state)));
  }

  sharedWith(user: UserId): Promise<SharedAlbum[]> {
    const rows = this.#q.sharedWith.all(user) as {
      library_id: string;
      album_id: string;
      role: string;
    }[];
    return Promise.resolve(
      rows.map((r) => ({
        library: r.library_id as UserId,
        album: r.album_id as AlbumId,
        role: r.role as ShareRole,
      })),
    );
  }
  shareRole(library: UserId, album: AlbumId, user: UserId): Promise<ShareRole | undefined> {
    return Promise.resolve(
      this.#q.shareRole.get(this.#lib(library), album, user) as ShareRole | undefined,
    );
  }
  albumMemberCount(library: UserId, album: AlbumId): Promise<number> {
    return Promise.resolve(this.#q.memberCount.get(this.#lib(library), album) as number);
  }
  albumAssets(
    library: UserId,
    album: AlbumId,
    after: AssetId | undefined,
    limit: number,
  ): Promise<Asset[]> {
    const rows = this.#q.albumAssets.all(this.#lib(library), album, after ?? '', limit) as {
      state: string;
    }[];
    return Promise.resolve(rows.map((r) => decodeAsset(r.state)));
  }
  isAlbumMember(library: UserId, album: AlbumId, asset: AssetId): Promise<boolean> {
    return Promise.resolve(this.#q.albumMember.get(this.#lib(library), album, asset) !== undefined);
  }

  /**
   * In two steps, so that a million-asset library never stalls the store: the scan reads a
   * snapshot on a connection of its own, a chunk of assets at a time with a turn for other
   * calls between; the sweep then frees the candidates in short write transactions.
   */
  async collectGarbage(library: UserId, arrivedBefore: number): Promise<BlobHash[]> {
    const lib = this.#lib(library);
    const scan = await this.#scanForGarbage(lib, arrivedBefore);
    return this.#sweep(lib, scan);
  }

  /** The library's unreferenced blobs as of one seq (see GARBAGE_SCAN). */
  async #scanForGarbage(lib: number, arrivedBefore: number): Promise<GarbageScan> {
    const db = openReader(this.#file);
    try {
      db.exec('BEGIN');
      const seq = db.prepare(GARBAGE_SCAN.headSeq).pluck().get(lib) as number;
      db.exec(GARBAGE_SCAN.start);
      const chunkEnd = db.prepare(GARBAGE_SCAN.chunkEnd).pluck();
      const collect = db.prepare(GARBAGE_SCAN.collect);
      for (let after = ''; ;) {
        await new Promise(setImmediate);
        const end = chunkEnd.get(lib, after) as string | null;
        if (end === null) break;
        collect.run(lib, after, end);
        after = end;
      }
      const candidates = db.prepare(GARBAGE_SCAN.unreferenced).all(lib, arrivedBefore) as {
        hash: BlobHash;
        size: number;
      }[];
      db.exec('COMMIT');
      return { seq, arrivedBefore, candidates };
    } finally {
      db.close();
    }
  }

  /**
   * Releases the library's claim on the scan's candidates, a chunk per transaction with a turn
   * for other calls between, except those an op logged after the scan's snapshot names (that op
   * may have put them back into use) and those uploaded again since the scan (their claim is new
   * again). Returns the blobs nothing holds now; their records stay until `forgetBlob`, which
   * decides again under the blob's gate.
   */
  async #sweep(lib: number, { seq, arrivedBefore, candidates }: GarbageScan): Promise<BlobHash[]> {
    const q = this.#q;
    const namedSince = new Set<BlobHash>();
    let seen = seq;
    const freed: BlobHash[] = [];
    for (let start = 0; start < candidates.length; start += GARBAGE_SWEEP_CHUNK) {
      if (start > 0) await new Promise(setImmediate);
      writeTransaction(this.#db, () => {
        for (const row of q.opsSince.all(lib, seen) as { seq: number; op: string }[]) {
          for (const hash of blobsOf(JSON.parse(row.op) as Op)) namedSince.add(hash);
          seen = row.seq;
        }
        for (const { hash, size } of candidates.slice(start, start + GARBAGE_SWEEP_CHUNK)) {
          if (namedSince.has(hash)) continue;
          // Gone already (another collection got there first), or uploaded again since the scan.
          if (q.deleteStaleLibraryBlob.run(lib, hash, arrivedBefore).changes === 0) continue;
          q.addUsedBytes.run(-size, lib);
          if (!this.#held(hash)) freed.push(hash);
        }
      });
    }
    return freed;
  }

  blobRecorded(hash: BlobHash): Promise<boolean> {
    return Promise.resolve(this.#q.blobExists.get(hash) !== undefined);
  }

  expectBlobFiles(hashes: readonly BlobHash[], nowMs: number): Promise<void> {
    writeTransaction(this.#db, () => {
      for (const hash of hashes) this.#q.doubtBlobFile.run(hash, nowMs);
    });
    return Promise.resolve();
  }
  blobFilesInDoubt(since: number, limit: number): Promise<BlobHash[]> {
    return Promise.resolve(this.#q.blobFilesInDoubt.all(since, limit) as BlobHash[]);
  }
  blobFileDoubtedSince(hash: BlobHash): Promise<number | undefined> {
    return Promise.resolve(this.#q.blobFileDoubtedSince.get(hash) as number | undefined);
  }
  settleBlobFile(hash: BlobHash, doubtedBefore: number): Promise<void> {
    this.#q.settleStaleBlobFile.run(hash, doubtedBefore);
    return Promise.resolve();
  }

  forgetBlob(hash: BlobHash, nowMs: number): Promise<BlobHash[] | undefined> {
    const q = this.#q;
    return Promise.resolve(
      writeTransaction(this.#db, () => {
        if (this.#held(hash)) return undefined;
        const derived = q.derivativesOf.all(hash) as { hash: BlobHash }[];
        this.#forget(hash, nowMs);
        // Thumbnails no other original holds go in the same transaction: forgotten one by one
        // later, a crash between would leave their records held by nothing, never collected.
        const unowned = derived.map((d) => d.hash).filter((d) => !this.#held(d));
        for (const derivative of unowned) this.#forget(derivative, nowMs);
        return unowned;
      }),
    );
  }

  /** Drops a blob's records; its file is in doubt until deleted (a crash first leaves it there). */
  #forget(hash: BlobHash, nowMs: number): void {
    const q = this.#q;
    q.doubtBlobFile.run(hash, nowMs);
    // Media work may have finished for it meanwhile: its records go with it.
    q.deleteDerivativesOf.run(hash);
    q.deleteMedia.run(hash);
    this.#search.forgetBlob(hash);
    q.dequeueMedia.run(hash);
    q.deleteBlob.run(hash);
  }

  /** Whether a library holds the blob, or it is a thumbnail or preview of an original. */
  #held(hash: BlobHash): boolean {
    return this.#q.blobHeld.get({ hash }) === 1;
  }

  libraries(): Promise<UserId[]> {
    return Promise.resolve((this.#q.libraries.all() as { id: UserId }[]).map((r) => r.id));
  }

  assetsAfter(library: UserId, after: string, limit: number): Promise<Asset[]> {
    const states = this.#q.assetsAfter.all(this.#lib(library), after, limit) as string[];
    return Promise.resolve(states.map(decodeAsset));
  }

  blobsAfter(after: string, limit: number): Promise<StoredBlob[]> {
    const rows = this.#q.blobsAfter.all(after, limit) as (Omit<StoredBlob, 'held'> & {
      held: number;
    })[];
    return Promise.resolve(rows.map((r) => ({ ...r, held: r.held === 1 })));
  }

  checkIntegrity(): Promise<string[]> {
    const problems: string[] = [];
    const integrity = this.#db.pragma('integrity_check') as { integrity_check: string }[];
    for (const { integrity_check } of integrity) {
      if (integrity_check !== 'ok') problems.push(`database: ${integrity_check}`);
    }
    const broken = this.#db.pragma('foreign_key_check') as { table: string; parent: string }[];
    for (const { table, parent } of broken) {
      problems.push(`database: a row of ${table} refers to a missing row of ${parent}`);
    }
    const logs = this.#q.logShape.all() as {
      id: string;
      head_seq: number;
      n: number;
      top: number | null;
    }[];
    for (const { id, head_seq, n, top } of logs) {
      if (n !== head_seq || (top ?? 0) !== head_seq) {
        problems.push(
          `library ${id}: change log has ${n} entries up to seq ${top ?? 0}, head says ${head_seq}`,
        );
      }
    }
    return Promise.resolve(problems);
  }

  #withMembers(library: UserId, header: string): Album {
    const album = decodeAlbum(header);
    const rows = this.#q.albumMembers.all(this.#lib(library), album.id) as {
      asset_id: string;
      tags: string;
    }[];
    for (const { asset_id, tags } of rows) {
      album.members.set(asset_id, new Map(JSON.parse(tags) as [OpId, number][]));
    }
    return album;
  }

  addLibraryBlobs(
    library: UserId,
    blobs: readonly { readonly hash: BlobHash; readonly size: number }[],
    nowMs: number,
    quotaBytes?: number | null,
    { claimedAs }: ClaimOptions = {},
  ): Promise<void> {
    const q = this.#q;
    const lib = this.#lib(library);
    const claimant = claimedAs === undefined ? undefined : this.#lib(claimedAs);
    try {
      writeTransaction(this.#db, () => {
        // Bytes already stored count at their stored size, not the caller's word for it (a
        // contribution's size comes from the contributor's op).
        const sized = blobs.map(({ hash, size }) => ({
          hash,
          size: (q.blobSize.get(hash) as number | undefined) ?? size,
        }));
        // What takes room: the blobs the library does not hold yet, each once.
        const lacking = new Map<BlobHash, number>();
        for (const { hash, size } of sized) {
          if (q.libraryBlob.get(lib, hash) === undefined) lacking.set(hash, size);
        }
        let adding = 0;
        for (const size of lacking.values()) adding += size;
        // Checked in the transaction that adds them: concurrent uploads each passed their
        // creation's check against the same used bytes, and only one of them can be last.
        if (quotaBytes !== undefined && quotaBytes !== null) {
          this.#checkQuota(lib, adding, quotaBytes);
        }
        for (const { hash, size } of sized) {
          q.settleBlobFile.run(hash);
          q.insertBlob.run(hash, size, nowMs);
          const inherited = claimant === undefined ? undefined : this.#claimedAt(claimant, hash);
          q.upsertLibraryBlob.run(lib, hash, size, nowMs, inherited ?? nowMs);
          if (inherited !== undefined) q.claimNoLaterThan.run(inherited, lib, hash);
          // A library is shown only media made after its first claim (see mediaFor), so the claim
          // queues the media to be made, again if the bytes were stored before: bytes someone
          // else had stay pending exactly as long as fresh ones. Media an inherited claim is shown
          // already was shown to the claimant too: making it again would hide nothing.
          const shown = inherited !== undefined && this.#shownMedia(lib, hash);
          if (lacking.has(hash) && !shown) q.enqueueMedia.run(hash, nowMs);
        }
        if (adding > 0) q.addUsedBytes.run(adding, lib);
      });
    } catch (error) {
      // A refusal is an answer, as the interface says: a rejection, not a throw.
      return Promise.reject(asError(error));
    }
    return Promise.resolve();
  }

  /** When the library first claimed the blob; undefined when it holds no such blob. */
  #claimedAt(lib: number, hash: BlobHash): number | undefined {
    return this.#q.claimedAt.get(lib, hash) as number | undefined;
  }

  /** Whether the library is shown the blob's media (see mediaFor). */
  #shownMedia(lib: number, hash: BlobHash): boolean {
    return this.#q.mediaFor.get(lib, hash) !== undefined;
  }

  /** Throws QuotaExceededError if `adding` more bytes would take the library past `quotaBytes`. */
  #checkQuota(lib: number, adding: number, quotaBytes: number): void {
    const used = (this.#q.usedBytes.get(lib) as number | undefined) ?? 0;
    if (adding > 0 && used + adding > quotaBytes) {
      throw new QuotaExceededError(
        `the library holds ${String(used)} bytes; ${String(adding)} more would pass its quota of ${String(quotaBytes)} bytes`,
      );
    }
  }
  requeueMedia(hash: BlobHash, nowMs: number): Promise<void> {
    this.#q.requeueMedia.run(nowMs, hash);
    return Promise.resolve();
  }
  queuedMedia(limit: number): Promise<BlobHash[]> {
    return Promise.resolve(this.#q.queuedMedia.all(limit) as BlobHash[]);
  }

  recordMedia(
    hash: BlobHash,
    media: MediaRecord,
    derivativeSizes: readonly number[],
    nowMs: number,
  ): Promise<void> {
    const q = this.#q;
    writeTransaction(this.#db, () => {
      // Forgotten while it was being read: its thumbnails stay in doubt, deleted a day later.
      if (q.blobExists.get(hash) === undefined) return;
      // Made again for a new claim and failed (a time or pixel limit under load, a decoder
      // change): the good media stands, made for the new claimant as fresh media would be.
      if (media.error !== undefined && q.goodMediaExists.get(hash) !== undefined) {
        q.redateMedia.run(this.#madeAt(hash, nowMs), hash);
      } else {
        this.#replaceMedia(hash, media, derivativeSizes, nowMs);
        this.#search.mediaChanged(hash, media);
      }
      q.dequeueMedia.run(hash);
    });
    return Promise.resolve();
  }

  /** Records the blob's media in place of any made before (see recordMedia). */
  #replaceMedia(
    hash: BlobHash,
    media: MediaRecord,
    derivativeSizes: readonly number[],
    nowMs: number,
  ): void {
    const q = this.#q;
    const before = q.derivativesOf.all(hash) as { hash: BlobHash }[];
    q.deleteDerivativesOf.run(hash);
    media.derivatives.forEach((d, i) => {
      q.settleBlobFile.run(d.hash);
      q.insertBlob.run(d.hash, derivativeSizes[i] ?? 0, nowMs);
      // What frees the thumbnail with the last original it belongs to.
      q.insertDerivative.run(hash, d.role, d.hash);
    });
    // Made again (for a library's new claim) into other bytes: the thumbnails it replaced that
    // nothing else holds go as a forgotten blob's do, or no collection would ever free them.
    for (const { hash: old } of before) if (!this.#held(old)) this.#forget(old, nowMs);
    q.upsertMedia.run(
      hash,
      media.kind,
      media.fileType ?? null,
      media.meta ? JSON.stringify(media.meta) : null,
      JSON.stringify(media.derivatives),
      media.error ?? null,
      this.#madeAt(hash, nowMs),
    );
  }

  /**
   * When media recorded now was made: after every claim on its blob recorded so far, whatever the
   * clock says. A clock stepped back must not hide it for good from the library that claimed last.
   */
  #madeAt(hash: BlobHash, nowMs: number): number {
    const latestClaim = this.#q.latestClaim.get(hash) as number | null;
    return Math.max(nowMs, latestClaim ?? nowMs);
  }

  mediaFor(library: UserId, hash: BlobHash): Promise<MediaRecord | undefined> {
    const row = this.#q.mediaFor.get(this.#lib(library), hash) as
      | {
          kind: string;
          file_type: string | null;
          meta: string | null;
          derivatives: string;
          error: string | null;
        }
      | undefined;
    if (!row) return Promise.resolve(undefined);
    return Promise.resolve({
      kind: row.kind,
      ...(row.file_type !== null && { fileType: row.file_type }),
      ...(row.meta !== null && { meta: JSON.parse(row.meta) as MediaMeta }),
      derivatives: JSON.parse(row.derivatives) as DerivativeRecord[],
      ...(row.error !== null && { error: row.error }),
    });
  }

  libraryHasBlob(library: UserId, hash: BlobHash): Promise<boolean> {
    return this.#callers.libraryHasBlob(library, hash);
  }
  libraryBytes(library: UserId): Promise<number> {
    return this.#callers.libraryBytes(library);
  }
}

/** The asset an op names, if any: its history shows the op whatever the outcome. */
const namedAsset = (op: Op): AssetId | undefined =>
  'assetId' in op.payload ? op.payload.assetId : undefined;

/** Candidates a garbage sweep frees in one transaction. */
const GARBAGE_SWEEP_CHUNK = 1000;

/** What a garbage scan found, the seq of the snapshot it read, and the age it looked for. */
interface GarbageScan {
  readonly seq: number;
  /** Candidates arrived before this; a claim refreshed since is no longer one. */
  readonly arrivedBefore: number;
  readonly candidates: readonly { readonly hash: BlobHash; readonly size: number }[];
}

/** Each batch's replies (or its failure) and the commits to announce once the group is durable. */
interface Group {
  readonly results: ((Reply | RetryLater)[] | Error)[];
  readonly commits: [UserId, Commit][];
}

/** Anything thrown, as an Error (a store answers every failed call with one). */
export const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));
