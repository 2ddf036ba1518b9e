// A tiny in-memory device for the scan and reconcile tests: a folder of path → bytes, the
// device's index, its replica of the library, and the verbs the agent's loop is made of
// (scan, apply to the replica, bring the folder to the plan). Only disk and network are fake;
// the scan, the merge rules and the folder plan are the real ones.
import { planFolder } from '../layout/folder-layout.js';
import { indexEntryFor, planFolderChanges, type FolderChanges } from '../device/reconcile.js';
import type { FileFacts, IndexEntry, LocalIndex } from '../device/local-index.js';
import { scanFolder } from '../device/scan.js';
import { applyOp } from '../merge/apply-op.js';
import { defaultRules } from '../merge/default-rules.js';
import type { MediaMeta } from '../model/asset.js';
import { asOpId, type BlobHash, type DeviceId } from '../model/ids.js';
import { createLibrary, type MemoryLibrary } from '../model/library.js';
import { opSchema, type Op, type OpKind, type OpOf, type OpPayload } from '../ops/op-schema.js';
import type { Reply } from '../ops/outcome.js';
import { PHONE, hashOf } from './op-builders.js';

export class TestDevice {
  /** The user's folder: path → bytes (a file system's own rules, when the test gives one). */
  readonly folder: Map<string, string>;
  /** The agent's durable memory of the folder, as the last scan or sync left it. */
  index: LocalIndex = new Map();
  readonly replica: MemoryLibrary;
  /** Bytes this device can write: all it ever saw in its folder plus what it "downloaded". */
  readonly blobs = new Map<BlobHash, string>();
  /** Media metadata read from a file's bytes, by hash (none unless a test sets it). */
  readonly metas = new Map<BlobHash, MediaMeta>();
  /** What reconcile moved out of the folder (never a hard delete). */
  readonly localTrash: string[] = [];
  private opCount = 0;
  private ms: number;

  constructor(
    readonly id: DeviceId = PHONE,
    options: {
      readonly replica?: MemoryLibrary;
      readonly startMs?: number;
      readonly folder?: Map<string, string>;
    } = {},
  ) {
    this.folder = options.folder ?? new Map<string, string>();
    this.replica = options.replica ?? createLibrary();
    this.ms = options.startMs ?? 5_000_000;
  }

  /** The user creates or overwrites a file. */
  write(path: string, bytes: string, meta?: MediaMeta): this {
    this.folder.set(path, bytes);
    this.blobs.set(hashOf(bytes), bytes);
    if (meta) this.metas.set(hashOf(bytes), meta);
    return this;
  }

  /** The user deletes a file (from outside Keepsake: no op until the next scan). */
  remove(path: string): this {
    if (!this.folder.delete(path)) throw new Error(`test: no file ${path} to remove`);
    return this;
  }

  rename(from: string, to: string): this {
    const bytes = this.read(from);
    this.folder.delete(from);
    this.folder.set(to, bytes);
    return this;
  }

  copy(from: string, to: string): this {
    this.folder.set(to, this.read(from));
    return this;
  }

  read(path: string): string {
    const bytes = this.folder.get(path);
    if (bytes === undefined) throw new Error(`test: no file ${path} in the folder`);
    return bytes;
  }

  /** Bytes the device fetched from the server (another device's edit, say). */
  provide(...contents: string[]): this {
    for (const bytes of contents) this.blobs.set(hashOf(bytes), bytes);
    return this;
  }

  snapshot(): Map<string, FileFacts> {
    const facts = new Map<string, FileFacts>();
    for (const [path, bytes] of this.folder)
      facts.set(path, { hash: hashOf(bytes), size: bytes.length });
    return facts;
  }

  /** Names and clocks an op as the agent does: a fresh id, a later clock, its replica's head. */
  stamp(payload: OpPayload): Op {
    this.opCount += 1;
    this.ms += 1000;
    // Through the wire schema: an op the scan makes must be one a server would accept.
    return opSchema.parse({
      opId: asOpId(`${this.id}-op-${String(this.opCount)}`),
      device: this.id,
      hlc: { ms: this.ms, counter: 0, node: this.id },
      knownSeq: this.replica.log.head,
      payload,
    });
  }

  /** Scans the folder against the index; keeps the new index and returns the ops (not applied). */
  scan(): Op[] {
    const { ops, index } = scanFolder({
      folder: this.snapshot(),
      index: this.index,
      replica: this.replica,
      rules: defaultRules,
      stamp: (payload) => this.stamp(payload),
      metaOf: (_path, hash) => this.metas.get(hash) ?? {},
    });
    this.index = index;
    return ops;
  }

  /** The server accepted these ops and the replica has pulled them, in this order. */
  applyToReplica(ops: readonly Op[]): Reply[] {
    return ops.map((op) => applyOp(this.replica, op, defaultRules));
  }

  /** Brings the folder to the replica's plan, as the agent's reconcile does. */
  syncFolder(): FolderChanges {
    const changes = planFolderChanges(planFolder(this.replica), this.snapshot(), this.index);
    for (const file of changes.adopt) this.index.set(file.path, indexEntryFor(this.replica, file));
    for (const path of changes.forget) this.index.delete(path);
    for (const path of changes.removals) {
      this.localTrash.push(this.read(path));
      this.folder.delete(path);
      this.index.delete(path);
    }
    for (const file of changes.writes) {
      const bytes = this.blobs.get(file.hash);
      if (bytes === undefined) throw new Error(`test: device has no bytes for ${file.path}`);
      this.folder.set(file.path, bytes);
      this.index.set(file.path, indexEntryFor(this.replica, file));
    }
    return changes;
  }

  /** Scan, have the ops accepted, and sync the folder: the device is quiet and in step. */
  settle(): Op[] {
    const ops = this.scan();
    this.applyToReplica(ops);
    this.syncFolder();
    return ops;
  }

  /** The index entry for a path; fails the test if there is none. */
  entry(path: string): IndexEntry {
    const entry = this.index.get(path);
    if (!entry) throw new Error(`test expected ${path} in the device's index`);
    return entry;
  }
}

/** Narrows an op to one kind, failing the test if it is another. */
export function opOfKind<K extends OpKind>(op: Op | undefined, kind: K): OpOf<K> {
  if (op?.payload.kind !== kind)
    throw new Error(`test expected a ${kind} op, got ${op ? op.payload.kind : 'none'}`);
  return op as OpOf<K>;
}

/** The kinds of a list of ops, for a readable first assertion. */
export const kindsOf = (ops: readonly Op[]): OpKind[] => ops.map((op) => op.payload.kind);
