import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  blobsOf,
  defaultRules,
  groupKey,
  HybridClock,
  indexEntryFor,
  isInConflict,
  type Asset,
  type Version,
  type VersionId,
  MAX_OPS_PER_BATCH,
  type BlobHash,
  type DeviceId,
  type Op,
  type OpId,
  type OpPayload,
} from '@keepsake/core';
import type { DeviceConfig } from '../device-config.js';
import { FileFacts } from '../scanner/file-facts.js';
import { FileHasher } from '../scanner/file-hasher.js';
import { syncedHere, type IgnoreRules } from '../scanner/ignore-rules.js';
import { defaultReadBudget, FolderScanner, type FolderScan } from '../scanner/scan-folder.js';
import { ServerApi, ServerApiError } from '../server-api.js';
import { openAgentState, type StateDb } from '../state/agent-state.js';
import { BlobTransfer, ONE_REQUEST_BYTES } from '../transfer/blob-transfer.js';
import { AgentFiles, copyHolding } from './agent-files.js';
import { backoffMs, isTransient, sleep } from './backoff.js';
import { IndexStore } from './index-store.js';
import { recordLocalChanges } from './local-changes.js';
import { Outbox, type StagedBlob } from './outbox.js';
import { reconcileFolder, type ReconcileDeps } from './reconcile-folder.js';
import { settleInterruptedCaseRenames } from './case-folding.js';
import { explain, type Explanation } from './explain.js';
import { folderStatus, type FolderStatus } from './folder-status.js';
import { Replica } from './replica.js';
import { verifyFolder, type Verification } from './verify-folder.js';
import { SyncState } from './sync-state.js';
import { UsageError } from '../usage-error.js';

/** Feed entries read per request. */
const PULL_PAGE = 1000;
/**
 * Blobs checked for presence and uploaded per step; after each step the ops whose blobs are all
 * up are sent, so other devices start downloading while the rest upload.
 */
const UPLOAD_STEP = 100;
/** Uploads in flight at once: each waits mostly on the server's fsyncs, not on the link. */
const PARALLEL_UPLOADS = 8;

/** Whether a round found the folder and the server in step: nothing done, pending or amiss. */
export const isInStep = (r: RoundReport): boolean =>
  isIdle(r) && r.waiting.length + r.unsyncable.length + r.errors.length === 0;

/** Whether a round found nothing to do. */
export const isIdle = (r: RoundReport): boolean =>
  r.opsMade + r.uploaded + r.opsSent + r.entriesPulled + r.written + r.removed === 0;

/** What one round of the loop did; a round that did nothing means the folder is in step. */
export interface RoundReport {
  readonly opsMade: number;
  readonly uploaded: number;
  readonly opsSent: number;
  readonly entriesPulled: number;
  readonly written: number;
  readonly removed: number;
  /** Files still being written, groups blocked, ops unanswered: it will get there. */
  readonly waiting: string[];
  /** Files that cannot be synced until the user acts (unreadable, or a name to change). */
  readonly unsyncable: string[];
  /**
   * How long until the next look has files to read: the first file still being written will
   * have settled, or 0 when this look left files unread.
   */
  readonly settlesInMs?: number;
  readonly errors: string[];
}

/** How far a long step has come: files and bytes done, out of how many when known. */
export interface SyncProgress {
  readonly phase: 'reading' | 'uploading' | 'downloading';
  readonly files: number;
  readonly bytes: number;
  readonly totalFiles?: number;
  readonly totalBytes?: number;
}

export interface SyncEvents {
  /** A line of what is happening, for a log or a progress display. */
  onActivity?(message: string): void;
  /** Progress of the step under way (reading files, uploading, downloading). */
  onProgress?(progress: SyncProgress): void;
}

export interface FolderSyncOptions {
  /** Bytes one look reads at most before they are synced (default: `defaultReadBudget`). */
  readonly lookBytes?: number | undefined;
}

/** How long a file must go unmodified before it is read (a copy or import still writing it). */
export const SETTLE_MS = 150;

/**
 * Keeps one folder in step with the server, the loop of DESIGN.md §6 that the simulation
 * models (test/sim's SimDevice): look at the folder and record what changed as ops, upload
 * the blobs they need, send the ops, read the feed into the replica, then bring the folder to
 * the library's plan. Every step's effect is in the state database before the next one starts,
 * so a crash anywhere resumes where it stopped and a retry of any request is harmless.
 */
export class FolderSync {
  readonly db: StateDb;
  readonly #files: AgentFiles;
  readonly #facts: FileFacts;
  /** What the server was last told of this device (see #reportStatus). */
  #reported: { readonly pendingOps: number; readonly lastError: string | null } | undefined;
  readonly #hasher: FileHasher;
  readonly #scanner: FolderScanner;
  readonly #replica: Replica;
  readonly #index: IndexStore;
  readonly #outbox: Outbox;
  readonly #state: SyncState;
  readonly #api: ServerApi;
  readonly #transfer: BlobTransfer;
  readonly #clock: HybridClock;
  readonly #events: SyncEvents;
  #prepared = false;
  #lastLook: FolderScan | undefined;

  constructor(
    readonly folder: string,
    private readonly device: DeviceConfig,
    events: SyncEvents = {},
    options: FolderSyncOptions = {},
  ) {
    // Gone, it is most likely a drive not mounted: made afresh, it would fill with the whole
    // library, on the disk underneath.
    if (!existsSync(folder)) {
      throw new UsageError(
        `${folder} is missing (a drive not mounted, or moved away?): put it back and sync again; to sync into a new empty folder there, create it first`,
      );
    }
    this.db = openAgentState(folder);
    this.#files = new AgentFiles(folder);
    this.#facts = new FileFacts(this.db);
    this.#hasher = new FileHasher();
    const { lookBytes } = options;
    this.#scanner = new FolderScanner(
      folder,
      this.#facts,
      this.#hasher,
      SETTLE_MS,
      lookBytes === undefined ? defaultReadBudget : () => lookBytes,
    );
    this.#replica = new Replica(this.db);
    this.#index = new IndexStore(this.db);
    this.#outbox = new Outbox(this.db);
    this.#state = new SyncState(this.db);
    this.#api = new ServerApi(device.server);
    this.#transfer = new BlobTransfer(this.#api.origin, device.token);
    this.#events = events;
    this.#adoptState();
    this.#clock = new HybridClock(
      device.deviceId as never,
      () => Date.now() + this.#state.clockOffsetMs,
    );
    const last = this.#state.lastStamp;
    if (last) this.#clock.rewind(last);
  }

  /**
   * A folder's state belongs to one device: another device's is refused, not mixed in, unless
   * this device registered in its place (login --force), which takes it over with the changes
   * it had not sent.
   */
  #adoptState(): void {
    const owner = this.#state.device;
    const me = this.device.deviceId;
    const heir = owner !== undefined && (this.device.formerDeviceIds ?? []).includes(owner);
    if (owner && owner !== me && !heir) {
      throw new ServerApiError(
        `${this.folder} is synced by another device (${owner}); sync it from that device's config, or move its .keepsake folder away to start over`,
      );
    }
    this.db.transaction(() => {
      if (heir) this.#outbox.resign(me as DeviceId);
      this.#state.device = me;
      this.#state.installation ??= randomBytes(9).toString('base64url');
    })();
  }

  async close(): Promise<void> {
    await this.#hasher.close();
    this.db.close();
  }

  /**
   * One round of the loop. `lookAgain: false` (woken by the server, with no file-system event
   * since the last look) skips walking the folder and reconciles against the last look: every
   * write and removal checks the file again before it touches it.
   */
  async round(options: { lookAgain?: boolean } = {}): Promise<RoundReport> {
    try {
      const report = await this.#round(options);
      await this.#reportStatus(report.errors[0] ?? null);
      this.db.transaction(() => {
        this.#state.lastRound = {
          at: Date.now(),
          errors: [...report.errors, ...report.unsyncable],
          waiting: report.waiting,
        };
        if (isInStep(report)) {
          this.#state.lastInStepAt = Date.now();
        }
      })();
      return report;
    } catch (error) {
      this.#state.lastRound = { at: Date.now(), errors: [(error as Error).message], waiting: [] };
      await this.#reportStatus((error as Error).message);
      throw error;
    }
  }

  /**
   * Tells the server what is pending here and the last error, when either changed since it was
   * last told. A report that cannot be sent (the server is what failed) is tried after the next
   * round; it is never worth failing a round for.
   */
  async #reportStatus(lastError: string | null): Promise<void> {
    const status = { pendingOps: this.#outbox.pendingOps, lastError };
    const told = this.#reported;
    if (told?.pendingOps === status.pendingOps && told.lastError === status.lastError) return;
    try {
      await this.#api.reportStatus(this.device.token, status);
      this.#reported = status;
    } catch {
      // Sent again after the next round.
    }
  }

  async #round({ lookAgain = true }: { lookAgain?: boolean }): Promise<RoundReport> {
    if (!this.#prepared) {
      await this.#files.prepare();
      this.#prepared = true;
    }
    const errors: string[] = [];
    if (!this.#state.bootstrapped) await this.#bootstrap();
    const fresh = lookAgain || !this.#lastLook;
    // A look sees the folder as it is, whoever changed it: echoes of the agent's own changes
    // still to come are news again (at worst, one more look).
    if (fresh) this.#files.ownChanges.forget();
    const look = !fresh && this.#lastLook ? this.#lastLook : await this.#look();
    if (fresh) this.#followRules(look.rules);
    const ops = !fresh
      ? []
      : await recordLocalChanges(look, {
          db: this.db,
          facts: this.#facts,
          files: this.#files,
          index: this.#index,
          outbox: this.#outbox,
          replica: this.#replica,
          stamp: (payload) => this.#stamp(payload),
          onRecorded: () => {
            this.#state.lastStamp = this.#clock.last;
          },
        });
    if (ops.length > 0) this.#say(`${String(ops.length)} local change(s) recorded`);
    const uploaded = await this.#upload();
    const opsSent = await this.#push();
    const entriesPulled = await this.#pull();
    let written = 0;
    let removed = 0;
    const waiting = look.changing.map((path) => `${path}: still being written`);
    const unsyncable = look.unreadable.map((u) => `${u.path}: ${u.reason}`);
    if (look.unread > 0) {
      // Brought to the plan once every file was read: an unread one may be a file the plan
      // would otherwise fetch again, or one of a move whose other end was read.
      waiting.push(`${String(look.unread)} file(s) to read in the next look`);
    } else if (this.#outbox.pendingOps === 0 && this.#outbox.stagedTotals().count === 0) {
      const reconciled = await reconcileFolder(look, this.#reconcileDeps());
      written = reconciled.written;
      removed = reconciled.removed;
      errors.push(...reconciled.errors);
      if (reconciled.notHere > 0) {
        this.#say(
          `${String(reconciled.notHere)} file(s) of the library not placed here: .keepsakeignore leaves them out, or a linked folder is on their way`,
        );
      }
      if (reconciled.left > 0) waiting.push(`${String(reconciled.left)} name group(s) not settled`);
    } else {
      waiting.push(`${String(this.#outbox.pendingOps)} op(s) not yet answered`);
    }
    return {
      ...(look.settlesAt !== undefined && {
        settlesInMs: Math.max(0, look.settlesAt - Date.now()),
      }),
      opsMade: ops.length,
      uploaded,
      opsSent,
      entriesPulled,
      written,
      removed,
      waiting,
      unsyncable,
      errors,
    };
  }

  /**
   * Rounds until one does nothing and nothing is waiting: the folder and the server are in
   * step. Gives up after `timeoutMs`, returning the last round (its `waiting` and `errors`
   * say why it is not quiet).
   */
  async untilQuiet(timeoutMs = 10 * 60_000): Promise<RoundReport> {
    const deadline = Date.now() + timeoutMs;
    let failures = 0;
    for (;;) {
      let report: RoundReport | undefined;
      try {
        report = await this.round();
        failures = report.errors.length > 0 ? failures + 1 : 0;
        if (isIdle(report) && report.waiting.length + report.errors.length === 0) return report;
      } catch (error) {
        // A cut connection or a server restart: wait and go on, as the running agent does.
        if (!isTransient(error) || Date.now() > deadline) throw error;
        failures += 1;
        this.#say(`${(error as Error).message}; trying again`);
      }
      if (Date.now() > deadline && report) return report;
      const wait =
        failures > 0
          ? backoffMs(failures)
          : report && isIdle(report)
            ? (report.settlesInMs ?? SETTLE_MS)
            : 0;
      await sleep(Math.min(wait, deadline - Date.now()));
    }
  }

  /**
   * The first round of a new (or re-made) state: read the whole feed, then match the folder
   * against it before any scan, so files already in the library are recognised as synced
   * rather than imported again.
   */
  async #bootstrap(): Promise<void> {
    await this.#pull();
    this.#replica.unsettleAll();
    const look = await this.#look(true);
    this.#followRules(look.rules);
    await reconcileFolder(look, this.#reconcileDeps());
    this.#state.bootstrapped = true;
  }

  /**
   * When the folder's ignore rules changed, files it synced that they now leave out stop being
   * synced here, without an op: a new rule is no deletion (the photos stay in the library and on
   * other devices). Every group is then planned again, so what a dropped rule left out is placed.
   */
  #followRules(rules: IgnoreRules): void {
    if (this.#state.ignoreRules === rules.text) return;
    const leaving: string[] = [];
    for (const [path] of this.#index.hashes()) if (!syncedHere(path, rules)) leaving.push(path);
    this.db.transaction(() => {
      for (const path of leaving) {
        this.#index.drop(path);
        this.#facts.forgetFile(path);
      }
      this.#replica.unsettleAll();
      this.#state.ignoreRules = rules.text;
    })();
    if (leaving.length > 0) {
      this.#say(
        `${String(leaving.length)} file(s) no longer synced here: .keepsakeignore leaves them out`,
      );
    }
  }

  #reconcileDeps(): ReconcileDeps {
    return {
      onProgress: (p) => this.#events.onProgress?.({ phase: 'downloading', ...p }),
      db: this.db,
      files: this.#files,
      facts: this.#facts,
      hasher: this.#hasher,
      index: this.#index,
      replica: this.#replica,
      transfer: this.#transfer,
    };
  }

  /** A look at the folder; `whole` reads every new or changed file, past the look's budget. */
  async #look(whole = false): Promise<FolderScan> {
    // A case rename a crash interrupted is settled first: the walk would read it as a move.
    await settleInterruptedCaseRenames(this.#reconcileDeps());
    this.#lastLook = await this.#scanner.scan(
      (p) => this.#events.onProgress?.({ phase: 'reading', files: p.hashed, bytes: p.hashedBytes }),
      whole,
    );
    return this.#lastLook;
  }

  /** What is pending here, from the state alone. */
  status(): FolderStatus {
    return folderStatus(this.folder, {
      replica: this.#replica,
      index: this.#index,
      outbox: this.#outbox,
      state: this.#state,
    });
  }

  /** Assets in conflict, as this device last heard from the server. */
  conflicts(): Asset[] {
    return this.#replica.conflicts();
  }

  /** `keepsake why`: the target as this device and the server see it. */
  async explain(target: { path: string } | { assetId: string }): Promise<Explanation> {
    return explain(target, {
      folder: this.folder,
      facts: this.#facts,
      index: this.#index,
      outbox: this.#outbox,
      replica: this.#replica,
      api: this.#api,
      token: this.device.token,
    });
  }

  /** `keepsake verify`: catches up with the feed, then compares everything. */
  async verify(): Promise<Verification> {
    await this.#pull();
    return verifyFolder(await this.#look(true), {
      folder: this.folder,
      facts: this.#facts,
      index: this.#index,
      outbox: this.#outbox,
      replica: this.#replica,
      hasher: this.#hasher,
      api: this.#api,
      token: this.device.token,
    });
  }

  /**
   * Records the ops that end a conflict, to be sent by the next round: `keep` one version (by
   * its id, or the start of its file's hash as the conflict copy's name shows it), or keep
   * `both`: each other version becomes a photo of its own where its conflict copy is, and the
   * asset keeps its oldest version.
   */
  resolve(assetPrefix: string, keep: { version: string } | 'both'): Op[] {
    const asset = this.#replica.assetByPrefix(assetPrefix);
    if (asset === 'ambiguous')
      throw new UsageError(`more than one asset id starts with ${assetPrefix}`);
    if (!asset) throw new UsageError(`this device knows no asset ${assetPrefix}`);
    if (!isInConflict(asset)) throw new UsageError(`asset ${asset.id} is not in conflict`);
    const versions = [...asset.versions].sort((a, b) => a.seq - b.seq);
    const mainHash = (v: Version) => (v.resources.render ?? v.resources.original).hash;
    const context = versions.map((v) => v.id);
    const payloads: OpPayload[] = [];
    if (keep === 'both') {
      const copies = new Map(
        [...asset.paths.keys()]
          .flatMap((placement) => this.#replica.planGroup(groupKey(placement)))
          .filter((file) => file.assetId === asset.id && file.conflictCopy && file.role === 'main')
          .map((file) => [file.versionId, file.path]),
      );
      for (const version of versions.slice(1)) {
        const path = copies.get(version.id);
        const main = version.resources.render ?? version.resources.original;
        if (path === undefined) continue;
        const resources = { original: main };
        payloads.push({
          kind: 'import',
          assetId: defaultRules.assetIdFor(resources, path),
          resources,
          meta: version.meta,
          path,
        });
      }
      payloads.push({
        kind: 'resolve',
        assetId: asset.id,
        context,
        keep: [context[0] as VersionId],
      });
    } else {
      const chosen = versions.filter(
        (v) => v.id.startsWith(keep.version) || mainHash(v).startsWith(keep.version),
      );
      if (chosen.length !== 1) {
        throw new UsageError(
          `${keep.version} names ${chosen.length === 0 ? 'none' : 'more than one'} of the versions of ${asset.id}: ${versions.map((v) => `${v.id} (${mainHash(v).slice(0, 8)})`).join(', ')}`,
        );
      }
      payloads.push({
        kind: 'resolve',
        assetId: asset.id,
        context,
        keep: [chosen[0]?.id as VersionId],
      });
    }
    const ops = payloads.map((payload) => this.#stamp(payload));
    this.db.transaction(() => {
      for (const op of ops) this.#outbox.add(op);
      this.#state.lastStamp = this.#clock.last;
    })();
    return ops;
  }

  /** The folders the last look walked (none before the first). */
  folders(): readonly string[] {
    return this.#lastLook?.folders ?? [];
  }

  /** Whether a file-system event at `path` is the echo of this agent's own change to it. */
  isOwnChange(path: string): boolean {
    return this.#files.ownChanges.take(path);
  }

  /** The push channel's address. */
  pushUrl(): string {
    return `${this.#api.origin.replace(/^http/, 'ws')}/api/v1/push`;
  }

  get token(): string {
    return this.device.token;
  }

  get replicaHead(): number {
    return this.#replica.head;
  }

  #stamp(payload: OpPayload): Op {
    const number = this.#state.nextOpNumber();
    return {
      opId: `${this.#state.installation ?? ''}-${String(number)}` as OpId,
      device: this.device.deviceId as never,
      hlc: this.#clock.now(),
      knownSeq: this.#replica.head,
      payload,
    };
  }

  /** Sends every staged blob the server lacks; returns how many went up. */
  async #upload(): Promise<number> {
    const staged = this.#outbox.staged();
    if (staged.length === 0) return 0;
    let uploaded = 0;
    const total = { totalFiles: staged.length, totalBytes: staged.reduce((n, b) => n + b.size, 0) };
    let done = 0;
    let doneBytes = 0;
    for (let i = 0; i < staged.length; i += UPLOAD_STEP) {
      const page = staged.slice(i, i + UPLOAD_STEP);
      const present = await this.#api.presentBlobs(
        this.device.token,
        page.map((blob) => blob.hash),
      );
      // Unstaged together once the step is up: one commit, not one per blob.
      const sent: BlobHash[] = [];
      const sendOne = async (blob: StagedBlob) => {
        if (!present.has(blob.hash)) {
          try {
            await this.#transfer.upload(
              this.#files.stagedFile(blob.hash),
              blob.hash,
              blob.size,
              blob.uploadUrl,
              (url) => {
                // Only a blob too big for one request has an upload to resume after a crash.
                if (blob.size > ONE_REQUEST_BYTES) this.#outbox.uploadStarted(blob.hash, url);
              },
            );
          } catch (error) {
            if (!(error instanceof ServerApiError && error.code === 'checksum-mismatch'))
              throw error;
            this.#outbox.uploadStarted(blob.hash, undefined);
            await this.#recoverStaged(blob.hash, blob.size);
            return;
          }
          uploaded += 1;
        }
        sent.push(blob.hash);
        done += 1;
        doneBytes += blob.size;
        this.#events.onProgress?.({ phase: 'uploading', files: done, bytes: doneBytes, ...total });
      };
      // A few at a time: small photos are dominated by round trips, big ones by the link.
      let next = 0;
      const worker = async () => {
        for (let blob = page[next++]; blob; blob = page[next++]) await sendOne(blob);
      };
      await Promise.all(Array.from({ length: PARALLEL_UPLOADS }, worker));
      this.db.transaction(() => {
        for (const hash of sent) this.#outbox.unstage(hash);
      })();
      for (const hash of sent) this.#files.unstage(hash);
      if (i + UPLOAD_STEP < staged.length) {
        await this.#push(new Set(staged.slice(i + UPLOAD_STEP).map((blob) => blob.hash)));
      }
    }
    if (uploaded > 0) this.#say(`${String(uploaded)} file(s) uploaded`);
    return uploaded;
  }

  /**
   * Sends the outbox a batch at a time, oldest first; returns how many ops were answered. With
   * `waitingBlobs`, only the ops before the first one that needs a blob still waiting to go up:
   * sent while the rest upload, they let other devices start downloading, and nothing is sent
   * ahead of an op it may depend on.
   */
  async #push(waitingBlobs: ReadonlySet<BlobHash> = new Set()): Promise<number> {
    let answered = 0;
    for (;;) {
      const pending = this.#outbox.first(MAX_OPS_PER_BATCH);
      const blocked = pending.findIndex((op) => blobsOf(op).some((h) => waitingBlobs.has(h)));
      const ops = blocked < 0 ? pending : pending.slice(0, blocked);
      if (ops.length === 0) return answered;
      const { results, serverTime } = await this.#api.submitOps(this.device.token, ops);
      this.#state.clockOffsetMs = serverTime - Date.now();
      const retry = results.some((result) => result.status === 'retry');
      const missing = new Set<BlobHash>();
      this.db.transaction(() => {
        results.forEach((result, i) => {
          const op = ops[i];
          if (!op) return;
          if (result.status !== 'retry') {
            this.#outbox.settle(op.opId);
            answered += 1;
            return;
          }
          if (result.reason === 'clock-ahead') {
            this.#outbox.replace({ ...op, hlc: this.#clock.now() });
          } else {
            for (const hash of result.missing) missing.add(hash);
          }
        });
        this.#state.lastStamp = this.#clock.last;
      })();
      for (const hash of missing) await this.#restage(hash);
      if (retry) return answered; // the next round uploads or re-stamps, then sends again
    }
  }

  /**
   * A staged blob's bytes changed before they went up (the user rewrote the file in place,
   * which a hard link shares): stage them again from any file that still holds them, or, when
   * none does, drop what this device said about those bytes and look at its files afresh, so
   * their current content is synced instead. The dropped ops never reached the log: the server
   * refuses an op until it has every blob the op names.
   */
  async #recoverStaged(hash: BlobHash, size: number): Promise<void> {
    const paths = this.#facts.pathsWithHash(hash);
    const staged = this.#files.stagedFile(hash);
    if (await copyHolding(this.folder, paths, hash, this.#hasher, staged)) return;
    this.#forgetBytes(hash);
    this.#say(
      `the bytes ${hash.slice(0, 12)}… (${String(size)} bytes) changed before they were uploaded; their files are read again and their current content synced`,
    );
  }

  /**
   * Bytes no file here holds any more, that the server never got: the unsent ops naming them
   * (and the rest about their assets) are dropped, and their files are read afresh. A file of
   * an asset the server already has is set back to the server's version, so its current bytes
   * go up as an edit of that version; one of an asset the server never heard of is forgotten,
   * so its bytes are imported anew.
   */
  #forgetBytes(hash: BlobHash): void {
    const dropped = this.#outbox.dropOpsNaming(hash);
    const view = this.#replica.view();
    this.db.transaction(() => {
      for (const path of this.#index.pathsOfAssets(dropped)) {
        const entry = this.#index.get(path);
        const planned =
          entry &&
          this.#replica
            .planGroup(groupKey(entry.placement))
            .find((file) => file.path === path && file.assetId === entry.assetId);
        if (planned) this.#index.put(path, indexEntryFor(view, planned));
        else this.#index.drop(path);
        this.#facts.forgetFile(path);
      }
      this.#outbox.unstage(hash);
    })();
    this.#files.unstage(hash);
  }

  /**
   * The server lacks a blob an op needs (it was never uploaded, or was freed meanwhile): stage
   * it again from a file here that holds the bytes.
   */
  async #restage(hash: BlobHash): Promise<void> {
    for (const path of this.#facts.pathsWithHash(hash)) {
      const known = this.#facts.get(path);
      if (!known) continue;
      await this.#files.stage(path, hash);
      this.#outbox.stage(hash, known.size);
      return;
    }
    this.#forgetBytes(hash);
    this.#say(
      `the server lacks the bytes ${hash.slice(0, 12)}… and no file here holds them any more; their files are read again and their current content synced`,
    );
  }

  /** Reads the feed into the replica up to the server's head; returns entries applied. */
  async #pull(): Promise<number> {
    let applied = 0;
    for (;;) {
      const since = this.#replica.head;
      const { entries, head } = await this.#api.changes(this.device.token, since, PULL_PAGE);
      this.#replica.apply(entries);
      for (const entry of entries) this.#clock.receive(entry.op.hlc);
      applied += entries.length;
      if (entries.length === 0 || this.#replica.head >= head) return applied;
    }
  }

  #say(message: string): void {
    this.#events.onActivity?.(message);
  }
}
