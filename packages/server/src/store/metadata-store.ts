import type {
  Album,
  AlbumId,
  Asset,
  AssetId,
  BlobHash,
  DeviceId,
  LogEntry,
  MediaMeta,
  Op,
  Reply,
  RetryLater,
  ShareRole,
  UserId,
} from '@keepsake/core';

// The metadata store: everything but blob bytes. SQLite implements it for one machine; the
// scale-out issue adds PostgreSQL behind the same interface. Methods are async so that a
// networked database fits; the SQLite one answers synchronously inside.

export interface UserRecord {
  readonly id: UserId;
  readonly name: string;
  readonly passwordHash: string | null;
  readonly isAdmin: boolean;
  readonly quotaBytes: number | null;
  readonly createdAt: number;
}

export interface DeviceRecord {
  readonly id: DeviceId;
  readonly userId: UserId;
  readonly name: string;
  readonly createdAt: number;
  readonly lastSeenAt: number | null;
  readonly ackedSeq: number;
  readonly revokedAt: number | null;
  /** What the device last reported of itself, if it ever did. */
  readonly status?: DeviceStatus;
}

/** A device's own account of how it is doing, as it last sent it. */
export interface DeviceStatus {
  readonly reportedAt: number;
  /** Changes made there not yet answered by the server (including those waiting for uploads). */
  readonly pendingOps: number;
  /** The last error its sync met, or null once a round went through clean. */
  readonly lastError: string | null;
}

/** A change-log entry with when the server received it. */
export interface StoredEntry extends LogEntry {
  readonly receivedAt: number;
}

/** Which change-log entries `logPage` reads: a range of seqs, of one device, one asset, or both. */
export interface LogQuery {
  /** Entries after this seq: 0 for all. */
  readonly after: number;
  /** Entries before this seq; absent for all up to the head. */
  readonly before?: number;
  readonly limit: number;
  readonly device?: DeviceId;
  readonly asset?: AssetId;
}

export interface LogPage {
  /** Newest first. */
  readonly entries: readonly StoredEntry[];
  /** Whether the range holds entries older than the page's last. */
  readonly more: boolean;
  /** The library's newest seq as the page was read. */
  readonly head: number;
}

export interface SharedAlbum {
  readonly library: UserId;
  readonly album: AlbumId;
  readonly role: ShareRole;
}

export interface AssetListing {
  readonly assets: readonly Asset[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  readonly next?: string;
}

/** The timeline's filters: favorites, videos, Live Photos, conflicts, media errors. */
export const SEARCH_KINDS = ['favorites', 'videos', 'live', 'conflicts', 'errors'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** What a search narrows the timeline to: the assets every given part finds. */
export interface AssetSearch {
  readonly kind?: SearchKind;
  /** Words, or their beginnings, each in a path (file or folder name), caption, keyword or camera. */
  readonly text?: string;
  /** Words, or their beginnings, each in the camera's make and model. */
  readonly camera?: string;
  /** Taken on or after this day ('YYYY-MM-DD'), as the timeline groups days (timeline.ts). */
  readonly from?: string;
  /** Taken on or before this day. */
  readonly to?: string;
}

export interface AssetQuery {
  /** Live assets, the trash, or the live assets whose versions are in conflict. */
  readonly filter: 'live' | 'trashed' | 'conflicts';
  /** Only the assets this finds, in the same order, by the same cursors. */
  readonly search?: AssetSearch;
  readonly limit: number;
  readonly cursor?: string;
  /**
   * Start at the newest asset of this day of the timeline ('YYYY-MM-DD' of its UTC key, or
   * 'unknown' for those with no capture time) instead of at the newest of all; not with `cursor`.
   */
  readonly day?: string;
}

/** How many live assets the timeline holds on one day ('' for those with no capture time). */
export interface TimelineDay {
  readonly day: string;
  readonly count: number;
}

/** A live asset's neighbours in the timeline's order (newest taken first). */
export interface TimelineNeighbours {
  readonly newer?: AssetId;
  readonly older?: AssetId;
}

export interface SubmitContext {
  readonly nowMs: number;
  readonly maxDriftMs: number;
}

/** One batch of ops for one library, as `submitOps` takes it. */
export interface SubmitRequest {
  readonly library: UserId;
  readonly ops: readonly Op[];
  readonly context: SubmitContext;
  /** The ops as JSON, one text per op, when the caller has them: the change log stores these. */
  readonly opsJson?: readonly string[];
}

/** A blob the store records. */
export interface StoredBlob {
  readonly hash: BlobHash;
  readonly size: number;
  /**
   * Whether a library or a photo (as its thumbnail or preview) holds it. One that nothing holds
   * is garbage that collection, which starts from the libraries' claims, will never find.
   */
  readonly held: boolean;
}

export interface DerivativeRecord {
  readonly role: 'thumbnail' | 'preview';
  readonly hash: BlobHash;
  readonly format: string;
  readonly width: number;
  readonly height: number;
}

/** What the server made of a blob's bytes; `error` says why metadata or derivatives failed. */
export interface MediaRecord {
  readonly kind: string;
  readonly fileType?: string;
  readonly meta?: MediaMeta;
  readonly derivatives: readonly DerivativeRecord[];
  readonly error?: string;
}

/** A committed batch: the library's new head and the ids of the assets it changed. */
export interface Commit {
  readonly head: number;
  readonly changed: readonly AssetId[];
}
export type CommitListener = (library: UserId, commit: Commit) => void;
/** Work the store does on its own that failed and will be tried again: `during` says what. */
export type TroubleListener = (during: string, error: Error) => void;

/** How `addLibraryBlobs` dates a library's new claims. */
export interface ClaimOptions {
  /**
   * The claims are made for this library's (a contributor's photo joining the album owner's
   * library): each counts from the earlier of the two claims, and media that library is shown
   * already is not made again. The album then shows the photo at once, as the contributor has
   * seen it, whether or not the owner had the bytes.
   */
  readonly claimedAs?: UserId;
}

/** `addLibraryBlobs` refused blobs that would take a library past its quota; nothing was added. */
export class QuotaExceededError extends Error {
  override readonly name = 'QuotaExceededError';
}

export interface MetadataStore {
  close(): Promise<void>;

  setting(key: string): Promise<string | undefined>;
  putSetting(key: string, value: string): Promise<void>;
  deleteSetting(key: string): Promise<void>;

  createUser(user: Omit<UserRecord, 'createdAt'>, nowMs: number): Promise<UserRecord>;
  userById(id: UserId): Promise<UserRecord | undefined>;
  userByName(name: string): Promise<UserRecord | undefined>;
  users(): Promise<UserRecord[]>;
  setPasswordHash(id: UserId, passwordHash: string): Promise<void>;

  createDevice(
    device: Pick<DeviceRecord, 'id' | 'userId' | 'name'>,
    tokenHash: string,
    nowMs: number,
  ): Promise<DeviceRecord>;
  /** The device holding a token, unless it was revoked. */
  deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | undefined>;
  devices(userId: UserId): Promise<DeviceRecord[]>;
  /** Every device not revoked, with its library's head: how far behind each one is. */
  activeDevices(): Promise<(DeviceRecord & { readonly head: number })[]>;
  /** Returns false when the user has no such device. */
  revokeDevice(userId: UserId, id: DeviceId, nowMs: number): Promise<boolean>;
  deviceSeen(id: DeviceId, nowMs: number, ackedSeq?: number): Promise<void>;
  /** Records what the device reports of itself. */
  reportDeviceStatus(id: DeviceId, status: DeviceStatus): Promise<void>;

  createSession(tokenHash: string, userId: UserId, expiresAtMs: number): Promise<void>;
  sessionUser(tokenHash: string, nowMs: number): Promise<UserRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  /**
   * Applies a batch of ops to a library with the core merge rules, in one durable transaction:
   * when this resolves, every applied op is on disk with its seq and outcome.
   */
  submitOps(
    library: UserId,
    ops: readonly Op[],
    context: SubmitContext,
  ): Promise<(Reply | RetryLater)[]>;
  /**
   * Called after every batch that logged ops, whoever submitted it (a device, the retention
   * job, a contribution): the push channel and the digests listen here, in one place.
   */
  onCommit(listener: CommitListener): void;
  /** Called when work the store does on its own, unasked, fails; the server logs it. */
  onTrouble(listener: TroubleListener): void;
  /**
   * A page of the change log after `since`, in seq order, as the JSON text of its array of
   * `StoredEntry`: assembled from the stored JSON without parsing it, because a device catching
   * up on a million ops reads it this way. `head` is the library's newest seq.
   */
  changesJson(
    library: UserId,
    since: number,
    limit: number,
  ): Promise<{ readonly entries: string; readonly head: number }>;
  /**
   * The change log as a person reads it (the sync inspector): the newest `limit` entries of the
   * query's range, newest first. By asset, from the asset's history; by device, by an index.
   */
  logPage(library: UserId, query: LogQuery): Promise<LogPage>;
  headSeq(library: UserId): Promise<number>;
  asset(library: UserId, id: AssetId): Promise<Asset | undefined>;
  /** The library's assets with these ids; ids it has no asset for are left out. */
  assetsById(library: UserId, ids: readonly AssetId[]): Promise<Asset[]>;
  assets(library: UserId, query: AssetQuery): Promise<AssetListing>;
  /** The live timeline's days, newest first, with how many assets (that `search` finds) each holds. */
  timelineDays(library: UserId, search?: AssetSearch): Promise<TimelineDay[]>;
  /** The assets beside a live one on the timeline; none for an asset not on it. */
  timelineNeighbours(library: UserId, id: AssetId): Promise<TimelineNeighbours>;
  /** Every change-log entry that named or changed the asset, oldest first. */
  history(library: UserId, id: AssetId): Promise<StoredEntry[]>;
  album(library: UserId, id: AlbumId): Promise<Album | undefined>;
  albums(library: UserId): Promise<Album[]>;
  /** Albums other users shared with this user. */
  sharedWith(user: UserId): Promise<SharedAlbum[]>;
  /** The role a user holds on another library's album, if it was shared with them. */
  shareRole(library: UserId, album: AlbumId, user: UserId): Promise<ShareRole | undefined>;
  albumMemberCount(library: UserId, album: AlbumId): Promise<number>;
  /** A page of an album's member assets, by asset id. */
  albumAssets(
    library: UserId,
    album: AlbumId,
    after: AssetId | undefined,
    limit: number,
  ): Promise<Asset[]>;
  isAlbumMember(library: UserId, album: AlbumId, asset: AssetId): Promise<boolean>;

  /** Blobs waiting for metadata and derivatives, oldest first. */
  queuedMedia(limit: number): Promise<BlobHash[]>;
  /**
   * Records a blob's media, its derivative blobs (already stored) and takes it off the queue;
   * records nothing when the blob was forgotten meanwhile. Made again, it replaces what was
   * made before, and forgets the derivatives it no longer names that nothing else holds; but a
   * failure (`error`) keeps media made without one and only dates it now, so a library claiming
   * the blob lately is shown it, and the others keep it.
   */
  recordMedia(
    hash: BlobHash,
    media: MediaRecord,
    derivativeSizes: readonly number[],
    nowMs: number,
  ): Promise<void>;
  /** Sends a queued blob to the back of the queue (its processing failed; others go first). */
  requeueMedia(hash: BlobHash, nowMs: number): Promise<void>;
  /**
   * The blob's media as a library may be shown it: undefined until made after the library first
   * claimed the blob (media made before would tell it that someone else had the same bytes; its
   * claim queued the blob to be made again), or when the library holds no such blob.
   */
  mediaFor(library: UserId, hash: BlobHash): Promise<MediaRecord | undefined>;

  /**
   * Records that a library holds these blobs (its owner uploaded the bytes), as of `nowMs` even
   * for those it held already (collection spares what arrived lately); those it did not hold yet
   * join the media queue, stored before or not (see `mediaFor`). With `quotaBytes`, throws
   * QuotaExceededError and adds nothing when the blobs the library does not hold yet would take
   * its used bytes past it: uploads in progress are not in the used bytes a creation was checked
   * against, so the last word is here. With `claimedAs`, the claims are dated from that
   * library's (see ClaimOptions).
   */
  addLibraryBlobs(
    library: UserId,
    blobs: readonly { readonly hash: BlobHash; readonly size: number }[],
    nowMs: number,
    quotaBytes?: number | null,
    options?: ClaimOptions,
  ): Promise<void>;
  libraryHasBlob(library: UserId, hash: BlobHash): Promise<boolean>;
  libraryBytes(library: UserId): Promise<number>;

  /**
   * Forgets the library's blobs that no current version of its assets names (`blobHashesOf`)
   * and that arrived before `arrivedBefore` (a blob uploaded for an op not yet sent is not
   * garbage). A blob that an op names while it runs is kept. Returns the blobs no library and no
   * original holds any more, each to be freed with `forgetBlob`.
   */
  collectGarbage(library: UserId, arrivedBefore: number): Promise<BlobHash[]>;
  /** Whether the store records a blob (its bytes may be stored without one after a crash). */
  blobRecorded(hash: BlobHash): Promise<boolean>;
  /**
   * Forgets a blob collectGarbage freed, with its media record, before its bytes go, unless a
   * library or an original holds it again by now (the same bytes uploaded meanwhile): then it
   * answers undefined and keeps everything. Otherwise it also forgets the thumbnails and
   * previews that no other original holds, and answers them: their bytes go next. Every file it
   * forgot is in doubt from now until retention settles it.
   */
  forgetBlob(hash: BlobHash, nowMs: number): Promise<BlobHash[] | undefined>;

  // Blob files in doubt: files that may exist while no record names them. Whoever stores bytes
  // says so durably first (`expectBlobFiles`); recording them (`addLibraryBlobs`, `recordMedia`)
  // settles it. `forgetBlob` puts the bytes it leaves behind in doubt. A crash between the two
  // halves leaves a file only this journal knows of: retention finds it here, never by walking
  // every blob file.
  /** Notes that files for these blobs are about to be stored, before a byte of them is. */
  expectBlobFiles(hashes: readonly BlobHash[], nowMs: number): Promise<void>;
  /** Up to `limit` blobs whose files are in doubt since before `since`, oldest first. */
  blobFilesInDoubt(since: number, limit: number): Promise<BlobHash[]>;
  /** Since when the blob's file is in doubt, or undefined when it is not. */
  blobFileDoubtedSince(hash: BlobHash): Promise<number | undefined>;
  /**
   * The blob's file is recorded, or gone: it is no longer in doubt, unless someone put it in
   * doubt again at or after `doubtedBefore` (bytes being stored anew).
   */
  settleBlobFile(hash: BlobHash, doubtedBefore: number): Promise<void>;

  // Whole-store walks, for integrity checks and garbage collection, a page at a time in key
  // order (`store/walks.ts` turns them into loops).
  libraries(): Promise<UserId[]>;
  /** Up to `limit` of the library's assets with ids after `after`, by id. */
  assetsAfter(library: UserId, after: string, limit: number): Promise<Asset[]>;
  /** Up to `limit` stored blobs with hashes after `after`, by hash. */
  blobsAfter(after: string, limit: number): Promise<StoredBlob[]>;
  /** Database-level problems: page corruption, broken references, gaps in a change log. */
  checkIntegrity(): Promise<string[]>;
}
