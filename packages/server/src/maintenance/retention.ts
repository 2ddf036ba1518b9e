import { asOpId, type BlobHash, type Op, type UserId } from '@keepsake/core';
import type { BlobGate } from '../blobs/blob-gate.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { ServerConfig } from '../config.js';
import { SERVER_DEVICE } from '../library/server-device.js';
import type { MetadataStore } from '../store/metadata-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A blob no asset names yet is kept this long: its op may still be on the way. */
const UNREFERENCED_GRACE_MS = DAY_MS;
/** Trashed assets read, and purged, at a time. */
const PURGE_BATCH = 500;
/**
 * A blob file in doubt is settled this long after. Whoever stores bytes holds the blob's gate
 * until they are recorded, so any wait would do in one process; a day also covers writers that
 * do not share this process's gates.
 */
const IN_DOUBT_GRACE_MS = DAY_MS;
/** Blob files in doubt settled at a time. */
const DOUBT_PAGE = 1000;

/**
 * When retention may purge an asset trashed at `trashedMs` (its trash op's stamp): the first
 * run after this time purges it. The trash page shows it, so both read the rule from here.
 */
export const purgeAfterMs = (
  trashedMs: number,
  config: Pick<ServerConfig, 'trashRetentionDays'>,
): number => trashedMs + config.trashRetentionDays * DAY_MS;

export interface RetentionReport {
  readonly purged: number;
  readonly freedBlobs: number;
}

/**
 * Purges what has sat in the trash longer than the retention period, as ordinary purge ops
 * from the server itself (logged, in history, pushed to devices like any op), then frees the
 * blobs no asset refers to any more, and bytes a crash left that no record names. A trashed
 * asset edited or restored meanwhile is live again and is left alone; a purge that meets an
 * edit it has not seen is rejected by the merge rules, as any purge would be.
 */
export async function runRetention(
  store: MetadataStore,
  blobs: BlobStore,
  gate: BlobGate,
  config: Pick<ServerConfig, 'trashRetentionDays' | 'maxClockDriftMs'>,
  nowMs: number,
): Promise<RetentionReport> {
  let purged = 0;
  let freedBlobs = 0;
  for (const library of await store.libraries()) {
    purged += await purgeExpired(store, library, config, nowMs);
    for (const hash of await store.collectGarbage(library, nowMs - UNREFERENCED_GRACE_MS)) {
      freedBlobs += await freeBlob(hash, store, blobs, gate, nowMs);
    }
  }
  freedBlobs += await settleFilesInDoubt(store, blobs, gate, nowMs - IN_DOUBT_GRACE_MS);
  return { purged, freedBlobs };
}

/**
 * Settles the blob files in doubt since before `since`: deletes those no record names (what a
 * crash left between storing bytes and recording them, or between forgetting them and deleting
 * them) and lets the rest be. Reads the journal, a page at a time, never the blob folder: the
 * work follows what happened, not the size of the library. Returns how many files it deleted.
 */
async function settleFilesInDoubt(
  store: MetadataStore,
  blobs: BlobStore,
  gate: BlobGate,
  since: number,
): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await store.blobFilesInDoubt(since, DOUBT_PAGE);
    for (const hash of page) {
      await gate.run(hash, async () => {
        // Settled, or put in doubt afresh (its bytes being stored again), since the page was read.
        const doubtedSince = await store.blobFileDoubtedSince(hash);
        if (doubtedSince === undefined || doubtedSince >= since) return;
        if (await removeUnrecorded(hash, store, blobs)) removed += 1;
        // Only once the bytes are gone: a crash before leaves the file in doubt still.
        await store.settleBlobFile(hash, since);
      });
    }
    if (page.length < DOUBT_PAGE) return removed;
  }
}

/**
 * Purges the library's trash older than the retention, a page of the trash and one batch of
 * purge ops at a time: a trash of 100,000 photos is neither held in memory nor one transaction.
 * Returns how many were purged.
 */
async function purgeExpired(
  store: MetadataStore,
  library: UserId,
  config: Pick<ServerConfig, 'trashRetentionDays' | 'maxClockDriftMs'>,
  nowMs: number,
): Promise<number> {
  const knownSeq = await store.headSeq(library);
  let purged = 0;
  let cursor: string | undefined;
  do {
    const page = await store.assets(library, {
      filter: 'trashed',
      limit: PURGE_BATCH,
      ...(cursor !== undefined && { cursor }),
    });
    const ops: Op[] = [];
    for (const asset of page.assets) {
      const { lifecycle } = asset;
      if (lifecycle.state !== 'trashed' || purgeAfterMs(lifecycle.hlc.ms, config) >= nowMs) {
        continue;
      }
      ops.push({
        // Derived from the trash it ends, so a rerun after a crash is the same op, not a second.
        opId: asOpId(`retention-${asset.id.slice(0, 32)}-${lifecycle.seq}`),
        device: SERVER_DEVICE,
        hlc: { ms: nowMs, counter: 0, node: SERVER_DEVICE },
        knownSeq,
        payload: { kind: 'purge', assetId: asset.id, context: asset.versions.map((v) => v.id) },
      });
    }
    if (ops.length > 0) {
      const replies = await store.submitOps(library, ops, {
        nowMs,
        maxDriftMs: config.maxClockDriftMs,
      });
      purged += replies.filter((r) => r.status === 'applied').length;
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return purged;
}

/**
 * Deletes a collected blob's bytes, under its gate, once the store has forgotten it (with its
 * thumbnails and previews), then those thumbnails' bytes, each under its own gate. The records
 * go first, so a crash between leaves bytes in doubt (deleted a day later), never a record of
 * bytes that are gone. Frees nothing when the same bytes were uploaded again meanwhile, and
 * keeps a thumbnail that another photo's processing recorded again meanwhile. Returns how many
 * blobs it freed.
 */
async function freeBlob(
  hash: BlobHash,
  store: MetadataStore,
  blobs: BlobStore,
  gate: BlobGate,
  nowMs: number,
): Promise<number> {
  const thumbnails = await gate.run(hash, async () => {
    const forgotten = await store.forgetBlob(hash, nowMs);
    if (forgotten !== undefined) await blobs.remove(hash);
    return forgotten;
  });
  if (thumbnails === undefined) return 0;
  let freed = 1;
  for (const thumbnail of thumbnails) {
    if (await gate.run(thumbnail, () => removeUnrecorded(thumbnail, store, blobs))) freed += 1;
  }
  return freed;
}

/**
 * Deletes the blob's file if it has one and no record names it (call it under the blob's gate:
 * a record may be on its way). Returns whether it deleted one.
 */
async function removeUnrecorded(
  hash: BlobHash,
  store: MetadataStore,
  blobs: BlobStore,
): Promise<boolean> {
  if ((await store.blobRecorded(hash)) || (await blobs.size(hash)) === undefined) return false;
  await blobs.remove(hash);
  return true;
}
