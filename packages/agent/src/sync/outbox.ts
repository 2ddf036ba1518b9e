import {
  blobsOf,
  type AssetId,
  type BlobHash,
  type DeviceId,
  type Op,
  type OpId,
} from '@keepsake/core';
import type { StateDb } from '../state/agent-state.js';

export interface StagedBlob {
  readonly hash: BlobHash;
  readonly size: number;
  /** The tus upload begun for it, to resume; undefined until one is created. */
  readonly uploadUrl: string | undefined;
}

/**
 * Ops made on this device that the server has not answered yet, in the order they were made,
 * and the blobs they need uploaded first. Both live in the state database: an op is in the
 * outbox from the transaction that recorded the scan that made it, so no crash forgets one.
 */
export class Outbox {
  readonly #q;

  constructor(db: StateDb) {
    this.#q = {
      add: db.prepare('INSERT INTO outbox (op_id, asset_id, op) VALUES (?, ?, ?)'),
      about: db.prepare('SELECT op FROM outbox WHERE asset_id = ? ORDER BY seq').pluck(),
      withAsset: db.prepare('SELECT op FROM outbox WHERE asset_id IS NOT NULL').pluck(),
      dropAbout: db.prepare('DELETE FROM outbox WHERE asset_id = ?'),
      first: db.prepare('SELECT op FROM outbox ORDER BY seq LIMIT ?').pluck(),
      drop: db.prepare('DELETE FROM outbox WHERE op_id = ?'),
      replace: db.prepare('UPDATE outbox SET op = ? WHERE op_id = ?'),
      count: db.prepare('SELECT count(*) FROM outbox').pluck(),
      stage: db.prepare('INSERT OR IGNORE INTO staged_blobs (hash, size) VALUES (?, ?)'),
      staged: db.prepare(
        'SELECT hash, size, upload_url AS uploadUrl FROM staged_blobs ORDER BY rowid',
      ),
      stagedBytes: db.prepare(
        'SELECT count(*) AS count, coalesce(sum(size), 0) AS bytes FROM staged_blobs',
      ),
      setUploadUrl: db.prepare('UPDATE staged_blobs SET upload_url = ? WHERE hash = ?'),
      unstage: db.prepare('DELETE FROM staged_blobs WHERE hash = ?'),
    };
  }

  add(op: Op): void {
    this.#q.add.run(op.opId, assetOf(op) ?? null, JSON.stringify(op));
  }

  /** Pending ops about one asset, oldest first. */
  about(assetId: AssetId): Op[] {
    return (this.#q.about.all(assetId) as string[]).map((text) => JSON.parse(text) as Op);
  }

  /** The oldest pending ops, up to `limit`. */
  first(limit: number): Op[] {
    return (this.#q.first.all(limit) as string[]).map((text) => JSON.parse(text) as Op);
  }

  /** The server answered for the op with an outcome: it is in the log for good. */
  settle(opId: OpId): void {
    this.#q.drop.run(opId);
  }

  /**
   * Drops every pending op about an asset that a pending op naming blob `hash` is about: the
   * bytes are gone, so those ops can never be accepted. Returns the assets.
   */
  dropOpsNaming(hash: BlobHash): Set<AssetId> {
    const assets = new Set<AssetId>();
    for (const text of this.#q.withAsset.iterate() as IterableIterator<string>) {
      const op = JSON.parse(text) as Op;
      const target = assetOf(op);
      if (target !== undefined && blobsOf(op).includes(hash)) assets.add(target);
    }
    for (const asset of assets) this.#q.dropAbout.run(asset);
    return assets;
  }

  /** The op again with a new clock (the server found the old one too far ahead). */
  replace(op: Op): void {
    this.#q.replace.run(JSON.stringify(op), op.opId);
  }

  /**
   * Every pending op signed by `device` instead: the device this folder's config registered in
   * place of the one that made them (login --force). Their ids stay, so one the server logged
   * before is still answered as the duplicate it is.
   */
  resign(device: DeviceId): void {
    for (const op of this.first(this.pendingOps)) {
      this.replace({ ...op, device, hlc: { ...op.hlc, node: device } });
    }
  }

  get pendingOps(): number {
    return this.#q.count.get() as number;
  }

  stage(hash: BlobHash, size: number): void {
    this.#q.stage.run(hash, size);
  }

  staged(): StagedBlob[] {
    return (
      this.#q.staged.all() as { hash: BlobHash; size: number; uploadUrl: string | null }[]
    ).map((row) => ({ ...row, uploadUrl: row.uploadUrl ?? undefined }));
  }

  stagedTotals(): { readonly count: number; readonly bytes: number } {
    return this.#q.stagedBytes.get() as { count: number; bytes: number };
  }

  uploadStarted(hash: BlobHash, url: string | undefined): void {
    this.#q.setUploadUrl.run(url ?? null, hash);
  }

  /** The server holds the blob now. */
  unstage(hash: BlobHash): void {
    this.#q.unstage.run(hash);
  }
}

/** The asset an op is about, for the ops that name one. */
const assetOf = (op: Op): AssetId | undefined => (op.payload as { assetId?: AssetId }).assetId;
