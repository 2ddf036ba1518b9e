import { join } from 'node:path';
import { assetStateHash, findDifferences, groupKey, LibraryDigest } from '@keepsake/core';
import type { FileFacts } from '../scanner/file-facts.js';
import type { FileHasher } from '../scanner/file-hasher.js';
import type { FolderScan } from '../scanner/scan-folder.js';
import type { ServerApi } from '../server-api.js';
import type { IndexStore } from './index-store.js';
import type { Outbox } from './outbox.js';
import { placeableHere } from './reconcile-folder.js';
import type { Replica } from './replica.js';

export interface Difference {
  /** The path in the folder, or the asset id for a difference with the server. */
  readonly what: string;
  readonly problem: string;
}

export interface Verification {
  readonly differences: Difference[];
  readonly filesChecked: number;
  readonly assetsCompared: number;
  readonly digestExchanges: number;
}

export interface VerifySources {
  readonly folder: string;
  readonly facts: FileFacts;
  readonly index: IndexStore;
  readonly outbox: Outbox;
  readonly replica: Replica;
  readonly hasher: FileHasher;
  readonly api: ServerApi;
  readonly token: string;
}

/**
 * `keepsake verify`: this device's replica against the server's library through the digest
 * protocol (every asset whose state differs), every file the library puts in the folder that
 * the folder does not hold yet, and every file of the folder read again and checked against
 * what it was synced as (a file the index does not know, or one whose bytes are not what was
 * synced). Call it with the replica caught up, or every change since shows.
 */
export async function verifyFolder(look: FolderScan, from: VerifySources): Promise<Verification> {
  const differences: Difference[] = [];
  const groups = new Set<string>();
  const digest = LibraryDigest.build(
    (function* () {
      for (const asset of from.replica.allAssets()) {
        for (const placement of asset.paths.keys()) groups.add(groupKey(placement));
        yield [asset.id, assetStateHash(asset)] as const;
      }
    })(),
  );
  const compared = await findDifferences(digest, (request) => from.api.digest(from.token, request));
  for (const id of compared.differing) {
    differences.push({
      what: id,
      problem: digest.get(id)
        ? 'this device and the server hold different states of this asset'
        : 'the server has this asset and this device does not',
    });
  }

  differences.push(...notHereYet(groups, look, from));

  // Read a few at a time: the hashing threads stay busy, and the index is read before any wait.
  const synced = [...from.index.hashes()];
  const seen = new Set(synced.map(([path]) => path));
  let next = 0;
  const worker = async () => {
    for (let item = synced[next++]; item; item = synced[next++]) {
      const [path, hash] = item;
      const hashed = await from.hasher.hash(join(from.folder, path)).catch(() => undefined);
      if (!hashed) differences.push({ what: path, problem: 'synced here, but missing from disk' });
      else if (hashed.hash !== hash) {
        differences.push({
          what: path,
          problem: `on disk it hashes to ${hashed.hash.slice(0, 12)}…, synced as ${hash.slice(0, 12)}…`,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const filesChecked = synced.length;
  for (const { path } of from.facts.all()) {
    if (!seen.has(path)) differences.push({ what: path, problem: 'in the folder, not synced yet' });
  }
  for (const path of look.changing) {
    differences.push({ what: path, problem: 'still being written; not synced yet' });
  }
  for (const { path, reason } of look.unreadable) differences.push({ what: path, problem: reason });
  return {
    differences,
    filesChecked,
    assetsCompared: digest.size,
    digestExchanges: compared.exchanges,
  };
}

/**
 * The files the library plans in `groups` that the folder does not hold as planned, where
 * reconcile would place them (not where the ignore rules or a linked folder keep them out): a
 * download still owed, or a change made here and not sent yet. A path the folder has a file of
 * its own at is left to the check of the folder's files, which says it is not synced yet.
 */
function notHereYet(groups: Iterable<string>, look: FolderScan, from: VerifySources): Difference[] {
  const placeable = placeableHere(look.rules, from.folder);
  const missing: Difference[] = [];
  for (const group of groups) {
    const known = from.index.inGroup(group);
    for (const file of from.replica.planGroup(group)) {
      const synced = known.get(file.path);
      if (synced?.hash === file.hash || !placeable(file.path)) continue;
      if (!synced && from.facts.get(file.path)) continue;
      missing.push({
        what: file.path,
        problem:
          from.outbox.about(file.assetId).length > 0
            ? 'changed here, and the change is not sent to the server yet'
            : synced
              ? 'the server has a newer version, not downloaded here yet'
              : 'on the server, not downloaded here yet',
      });
    }
  }
  return missing;
}
