import type { Asset, AssetId, IndexEntry, Op } from '@keepsake/core';
import type { FileFacts, KnownFile } from '../scanner/file-facts.js';
import { sameFile } from '../scanner/file-facts.js';
import { statFile } from '../scanner/walk-folder.js';
import type { HistoryEntry, ServerApi, ServerAsset } from '../server-api.js';
import type { IndexStore } from './index-store.js';
import type { Outbox } from './outbox.js';
import type { Replica } from './replica.js';
import { UsageError } from '../usage-error.js';

/** `keepsake why`: one asset (or file) as this device and the server see it, and the verdict. */
export interface Explanation {
  readonly assetId: AssetId | undefined;
  readonly path: string | undefined;
  readonly here: {
    /** The file on disk: as last read, and whether it changed since. */
    readonly file: (KnownFile & { readonly changedSinceLook: boolean }) | undefined;
    /** What the file was last synced as. */
    readonly synced: IndexEntry | undefined;
    /** The asset in this device's replica of the library. */
    readonly asset: Asset | undefined;
    /** Ops made here about the asset that the server has not answered yet. */
    readonly pending: Op[];
    readonly stagedUploads: number;
  };
  readonly server:
    | { readonly asset: ServerAsset | undefined; readonly history: HistoryEntry[] }
    | { readonly unreachable: string };
  /** In one sentence: in step, or what stands in the way. */
  readonly verdict: string;
}

export interface ExplainSources {
  readonly folder: string;
  readonly facts: FileFacts;
  readonly index: IndexStore;
  readonly outbox: Outbox;
  readonly replica: Replica;
  readonly api: ServerApi;
  readonly token: string;
}

/**
 * Explains `target`, a path inside the folder (relative to it) or an asset id (or a unique
 * prefix of one). Reads this device's state and asks the server; an unreachable server is part
 * of the answer, not a failure.
 */
export async function explain(
  target: { readonly path: string } | { readonly assetId: string },
  from: ExplainSources,
): Promise<Explanation> {
  const path = 'path' in target ? target.path : undefined;
  const synced = path === undefined ? undefined : from.index.get(path);
  let asset: Asset | undefined;
  if ('assetId' in target) {
    const found = from.replica.assetByPrefix(target.assetId);
    if (found === 'ambiguous')
      throw new UsageError(`more than one asset id starts with ${target.assetId}; give more of it`);
    asset = found;
  } else if (synced) {
    asset = from.replica.asset(synced.assetId);
  }
  const assetId = asset?.id ?? synced?.assetId;
  const seen = path === undefined ? undefined : from.facts.get(path);
  const now = path === undefined ? undefined : statFile(from.folder, path);
  const file = seen && now ? { ...seen, changedSinceLook: !sameFile(now, seen) } : undefined;
  const pending = assetId ? from.outbox.about(assetId) : [];
  const resources = asset?.versions.flatMap((v) => Object.values(v.resources)) ?? [];
  const staged = new Set(from.outbox.staged().map((b) => b.hash));
  const stagedUploads = resources.filter((r) => r && staged.has(r.hash)).length;
  const here = { file, synced, asset, pending, stagedUploads };

  let server: Explanation['server'];
  try {
    server =
      assetId === undefined
        ? { asset: undefined, history: [] }
        : {
            asset: await from.api.asset(from.token, assetId),
            history: await from.api.history(from.token, assetId).catch(() => []),
          };
  } catch (error) {
    server = { unreachable: (error as Error).message };
  }
  return { assetId, path, here, server, verdict: verdict(path, now !== undefined, here, server) };
}

function verdict(
  path: string | undefined,
  onDisk: boolean,
  here: Explanation['here'],
  server: Explanation['server'],
): string {
  const name = path ?? here.asset?.id ?? 'it';
  if (path !== undefined && !onDisk && !here.synced && !here.asset) {
    return `${path} is not in the folder and this device knows no asset there`;
  }
  if (path !== undefined && onDisk && !here.synced) {
    return here.file
      ? `${path} is new here: the next sync round records it and uploads it`
      : `${path} has not been looked at yet (still being written, or no sync ran since it appeared)`;
  }
  // Recording an edit updates the index with its op: a file unlike its index entry is an edit
  // not recorded yet (not looked at since, or looked at by verify, which records nothing).
  if (
    here.synced &&
    here.file &&
    (here.file.changedSinceLook || here.file.hash !== here.synced.hash)
  ) {
    return `${name} changed on disk since it was last synced: the next sync round picks the change up and sends it`;
  }
  if (here.pending.length > 0) {
    const uploads = here.stagedUploads > 0 ? ` after ${String(here.stagedUploads)} upload(s)` : '';
    return `${String(here.pending.length)} change(s) made here wait to be sent to the server${uploads}`;
  }
  if ('unreachable' in server) return `the server cannot be reached: ${server.unreachable}`;
  if (!server.asset) {
    return here.asset
      ? `the server has no asset ${here.asset.id}, though this device does: run keepsake verify`
      : `neither this device nor the server knows ${name}`;
  }
  const lastOutcome = server.history.at(-1)?.outcome;
  if (lastOutcome?.status === 'rejected') {
    return `the server refused the last change to it (${lastOutcome.reason}): ${lastOutcome.message}`;
  }
  const state = server.asset.lifecycle;
  if (state.state === 'trashed' || state.state === 'purged') {
    return `it was ${state.state} by device ${state.by} (seq ${String(state.seq)}), so it is not in any device folder`;
  }
  if (server.asset.inConflict) {
    return `it is in conflict between ${String(server.asset.versions.length)} versions: keep one with keepsake resolve ${server.asset.id} --keep <version>, or --keep-both`;
  }
  const versionsHere = here.asset?.versions.map((v) => v.id).join(',');
  if (versionsHere !== server.asset.versions.map((v) => v.id).join(',')) {
    return 'this device has not caught up with the server yet: the next sync round brings the change';
  }
  if (path !== undefined && !onDisk) {
    return `${path} is planned here but not written yet: it waits to be downloaded`;
  }
  return `in step: this device holds the version the server has`;
}
