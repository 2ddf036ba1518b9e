import {
  applyLogEntry,
  asOpId,
  blobsOf,
  HybridClock,
  indexEntryFor,
  planFolder,
  planFolderChanges,
  scanFolder,
  type BlobHash,
  type DeviceId,
  type FileFacts,
  type Hlc,
  type MemoryLibrary,
  type MergeRules,
  type Op,
  type OpId,
  type OpPayload,
} from '@keepsake/core';
import type { ContentRegistry } from './content.js';
import { freshDurable, type Durable } from './device-state.js';
import type { Request, Response } from './protocol.js';

const PUSH_BATCH = 20;
const PULL_LIMIT = 50;
const CHUNK_SIZE = 24;
const TIMEOUT_TICKS = 6;
const POLL_TICKS = 15;

interface Waiting {
  readonly sentAt: number;
  readonly request: Request;
}

export interface DeviceEvents {
  /** An op was made durable in the outbox: from now on it must reach the log. */
  onSubmitted(device: SimDevice, op: Op): void;
  /** A reinstall wiped the outbox: these ops were never sent and never will be. */
  onAbandoned(device: SimDevice, ops: readonly Op[]): void;
  onDivergence(device: SimDevice, message: string): void;
}

/**
 * A device model: the user's folder, the agent's durable state and one request in flight at
 * a time. It runs the real core scan, merge and folder plan; only disk and network are fakes.
 */
export class SimDevice {
  readonly folder = new Map<string, string>();
  readonly localTrash: string[] = [];
  durable: Durable;
  #waiting: Waiting | undefined;
  #downloads = new Map<BlobHash, string>();
  #uploadOffsets = new Map<BlobHash, number>();
  #clock: HybridClock;
  #dirty = true;
  /** Set when the replica, the folder or the downloaded bytes changed since the last reconcile. */
  #planStale = true;
  #plan: { replica: MemoryLibrary; seq: number; files: ReturnType<typeof planFolder> } | undefined;
  #lastPullAt = -Infinity;
  #tick = 0;
  #knownHead = 0;

  constructor(
    readonly id: DeviceId,
    readonly skewMs: number,
    private readonly content: ContentRegistry,
    private readonly rules: MergeRules,
    private readonly worldNow: () => number,
    private readonly events: DeviceEvents,
  ) {
    this.durable = freshDurable(0);
    this.#clock = this.makeClock();
  }

  get replica(): MemoryLibrary {
    return this.durable.replica;
  }

  get cursor(): number {
    return this.durable.replica.log.head;
  }

  private makeClock(): HybridClock {
    const clock = new HybridClock(
      this.id,
      () => this.worldNow() + this.skewMs + this.durable.clockOffsetMs,
    );
    if (this.durable.lastStamp) clock.rewind(this.durable.lastStamp);
    return clock;
  }

  /** The user touched the folder: the next tick scans (an fs event, in a real agent). */
  touched(): void {
    this.#dirty = true;
    this.#planStale = true;
  }

  hint(head: number): void {
    this.#knownHead = Math.max(this.#knownHead, head);
  }

  crash(): void {
    this.#waiting = undefined;
    this.#downloads = new Map();
    this.#uploadOffsets = new Map();
    this.#clock = this.makeClock();
    this.touched();
  }

  /** Local state lost, folder kept: the agent starts over and must not duplicate anything. */
  reinstall(): void {
    this.events.onAbandoned(this, this.durable.outbox);
    this.durable = freshDurable(this.durable.installation + 1);
    this.#lastPullAt = -Infinity;
    this.crash();
  }

  stamp(payload: OpPayload): Op {
    const d = this.durable;
    d.opCounter += 1;
    const hlc = this.#clock.now();
    d.lastStamp = hlc;
    return {
      opId: asOpId(`${this.id}-${d.installation}-${d.opCounter}`),
      device: this.id,
      hlc,
      knownSeq: this.cursor,
      payload,
    };
  }

  /** An op made by the app (favorite, album, purge…), durable at once. */
  submit(payload: OpPayload): void {
    this.enqueue(this.stamp(payload));
  }

  private enqueue(op: Op): void {
    for (const hash of blobsOf(op)) {
      if (this.durable.staged.has(hash)) continue;
      const bytes = this.bytesFor(hash);
      if (bytes !== undefined) this.durable.staged.set(hash, bytes);
    }
    this.durable.outbox.push(op);
    this.events.onSubmitted(this, op);
  }

  private bytesFor(hash: BlobHash): string | undefined {
    const cached = this.#downloads.get(hash) ?? this.durable.staged.get(hash);
    if (cached !== undefined) return cached;
    for (const bytes of this.folder.values()) if (this.content.hashOf(bytes) === hash) return bytes;
    return this.localTrash.find((bytes) => this.content.hashOf(bytes) === hash);
  }

  private snapshot(): Map<string, FileFacts> {
    const facts = new Map<string, FileFacts>();
    for (const [path, bytes] of this.folder)
      facts.set(path, { hash: this.content.hashOf(bytes), size: bytes.length });
    return facts;
  }

  /** Scans if the folder may have changed; returns whether it found anything to send. */
  private scan(): boolean {
    if (!this.#dirty) return false;
    this.#dirty = false;
    const { ops, index } = scanFolder({
      folder: this.snapshot(),
      index: this.durable.index,
      replica: this.replica,
      rules: this.rules,
      stamp: (payload) => this.stamp(payload),
      metaOf: (_path, hash) => this.content.metaOf(hash),
    });
    this.durable.index = index;
    this.#planStale = true;
    for (const op of ops) this.enqueue(op);
    return ops.length > 0;
  }

  /** One step of the agent's loop; returns the request to send, if any. */
  tick(now: number): Request | undefined {
    this.#tick = now;
    if (this.#waiting) {
      if (now - this.#waiting.sentAt < TIMEOUT_TICKS) return undefined;
      // Timed out: whatever it was, it is safe to send again. Ops go out again with newer
      // clocks, as a client re-sending after a network switch does; the server must still
      // know them by their ids.
      if (this.#waiting.request.type === 'push') this.restamp();
      this.#waiting = undefined;
    }
    if (!this.durable.bootstrapped) {
      if (this.cursor < this.#knownHead || this.#lastPullAt === -Infinity)
        return this.send(now, this.pullRequest());
      // Caught up: adopt what the folder already holds before scanning, so a reinstalled
      // device recognises its files instead of importing them as new.
      this.durable.bootstrapped = true;
    } else {
      this.scan();
    }
    const upload = this.nextUpload();
    if (upload) return this.send(now, upload);
    if (this.durable.outbox.length > 0)
      return this.send(now, { type: 'push', ops: this.durable.outbox.slice(0, PUSH_BATCH) });
    if (this.cursor < this.#knownHead || now - this.#lastPullAt >= POLL_TICKS)
      return this.send(now, this.pullRequest());
    const download = this.reconcile();
    if (download) return this.send(now, { type: 'download', hash: download });
    return undefined;
  }

  /** Nothing to do and nothing known to be missing: the state the simulation waits for. */
  isQuiet(serverHead: number): boolean {
    if (this.#waiting || !this.durable.bootstrapped || this.cursor !== serverHead) return false;
    if (this.durable.outbox.length > 0 || this.durable.staged.size > 0) return false;
    if (this.scan()) return false;
    if (!this.#planStale) return true;
    const changes = planFolderChanges(this.plan(), this.snapshot(), this.durable.index);
    return (
      changes.writes.length +
        changes.removals.length +
        changes.adopt.length +
        changes.forget.length ===
      0
    );
  }

  /** The plan is a function of the replica, which changes only as the log grows. */
  private plan(): ReturnType<typeof planFolder> {
    const cached = this.#plan;
    if (cached?.replica === this.replica && cached.seq === this.cursor) return cached.files;
    const files = planFolder(this.replica);
    this.#plan = { replica: this.replica, seq: this.cursor, files };
    return files;
  }

  private pullRequest(): Request {
    return { type: 'pull', since: this.cursor, limit: PULL_LIMIT };
  }

  private send(now: number, request: Request): Request {
    this.#waiting = { sentAt: now, request };
    return request;
  }

  private nextUpload(): Request | undefined {
    for (const [hash, bytes] of this.durable.staged) {
      const offset = this.#uploadOffsets.get(hash);
      if (offset === undefined) return { type: 'uploadOffset', hash };
      return {
        type: 'uploadChunk',
        hash,
        size: bytes.length,
        offset,
        data: bytes.slice(offset, offset + CHUNK_SIZE),
      };
    }
    return undefined;
  }

  /** Delivers a response; only the one for the request in flight counts. */
  receive(request: Request, response: Response): void {
    if (this.#waiting?.request !== request) return;
    this.#waiting = undefined;
    switch (response.type) {
      case 'uploadOffset':
        if (request.type !== 'uploadOffset' && request.type !== 'uploadChunk') return;
        if (response.complete) {
          this.durable.staged.delete(request.hash);
          this.#uploadOffsets.delete(request.hash);
        } else {
          this.#uploadOffsets.set(request.hash, response.offset);
        }
        return;
      case 'push':
        this.onPushed(response);
        return;
      case 'pull':
        this.onPulled(response);
        return;
      case 'download':
        if (request.type === 'download' && response.content !== undefined) {
          if (this.content.hashOf(response.content) === request.hash)
            this.#downloads.set(request.hash, response.content);
          this.#planStale = true;
        }
        return;
    }
  }

  private onPushed(response: Extract<Response, { type: 'push' }>): void {
    const d = this.durable;
    const sent = d.outbox.slice(0, response.results.length);
    const settled = new Set<OpId>();
    let clockAhead = false;
    response.results.forEach((result, i) => {
      const op = sent[i];
      if (!op) return;
      if (result.status === 'retry') {
        if (result.reason === 'clock-ahead') clockAhead = true;
        if (result.reason === 'missing-blob') for (const hash of blobsOf(op)) this.restage(hash);
        return;
      }
      settled.add(op.opId);
    });
    d.outbox = d.outbox.filter((op) => !settled.has(op.opId));
    this.correctClock(response.serverTime, clockAhead);
    this.#knownHead = Math.max(this.#knownHead, this.cursor + 1);
  }

  private restage(hash: BlobHash): void {
    const bytes = this.bytesFor(hash);
    if (bytes !== undefined) this.durable.staged.set(hash, bytes);
    this.#uploadOffsets.delete(hash);
  }

  /** Learns the offset to the server's clock; re-stamps ops the server refused as too far ahead. */
  private correctClock(serverTime: number, restamp: boolean): void {
    const d = this.durable;
    d.clockOffsetMs = serverTime - (this.worldNow() + this.skewMs);
    if (!restamp) return;
    const floor = this.replica.log.entries.reduce<Hlc | undefined>(
      (max, entry) => (!max || entry.op.hlc.ms > max.ms ? entry.op.hlc : max),
      undefined,
    );
    this.#clock.rewind(floor ?? { ms: 0, counter: 0, node: this.id });
    this.restamp();
  }

  private restamp(): void {
    const d = this.durable;
    d.outbox = d.outbox.map((op) => ({ ...op, hlc: this.#clock.now() }));
    d.lastStamp = this.#clock.last;
  }

  private onPulled(response: Extract<Response, { type: 'pull' }>): void {
    this.#lastPullAt = this.#tick;
    this.#knownHead = response.head;
    if (response.entries.length > 0) this.#planStale = true;
    for (const entry of response.entries) {
      if (entry.seq !== this.cursor + 1) continue;
      try {
        applyLogEntry(this.replica, entry, this.rules);
      } catch (error) {
        this.events.onDivergence(this, String(error));
        return;
      }
      this.#clock.receive(entry.op.hlc);
    }
    this.durable.lastStamp = this.#clock.last;
  }

  /**
   * Brings the folder to the plan. Runs only when every local change has been confirmed, so
   * what differs is the server's doing; returns a blob to download if one is missing.
   */
  private reconcile(): BlobHash | undefined {
    if (!this.#planStale) return undefined;
    this.#planStale = false;
    const d = this.durable;
    const changes = planFolderChanges(this.plan(), this.snapshot(), d.index);
    for (const file of changes.adopt) d.index.set(file.path, indexEntryFor(this.replica, file));
    for (const path of changes.forget) d.index.delete(path);
    for (const path of changes.removals) {
      const bytes = this.folder.get(path);
      if (bytes !== undefined) this.localTrash.push(bytes); // never a hard delete on a user's disk
      this.folder.delete(path);
      d.index.delete(path);
    }
    let missing: BlobHash | undefined;
    for (const file of changes.writes) {
      const bytes = this.bytesFor(file.hash);
      if (bytes === undefined) {
        missing ??= file.hash;
        this.#planStale = true; // come back once it is downloaded
        continue;
      }
      this.folder.set(file.path, bytes);
      d.index.set(file.path, indexEntryFor(this.replica, file));
    }
    return missing;
  }
}
