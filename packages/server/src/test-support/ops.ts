import { blobsOf, type Op, type UserId } from '@keepsake/core';
import type { MetadataStore } from '../store/metadata-store.js';
import { sha256Of } from './test-server.js';

let counter = 0;

/** A wire-format op from a device, freshly stamped. */
export function opFrom(deviceId: string, payload: Record<string, unknown>, ms = Date.now()) {
  counter += 1;
  return {
    opId: `op-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 10)}`,
    device: deviceId,
    hlc: { ms, counter: 0, node: deviceId },
    knownSeq: 0,
    payload,
  };
}

export function importOpFor(deviceId: string, bytes: Uint8Array | string, path: string) {
  const hash = sha256Of(bytes);
  const ext = path.split('.').pop() ?? 'JPG';
  return opFrom(deviceId, {
    kind: 'import',
    assetId: hash,
    resources: { original: { hash, size: bytes.length, ext } },
    meta: {},
    path,
  });
}

/** Ops are admitted only once their blobs are uploaded: records them as if they were. */
export const registerBlobs = (
  store: Pick<MetadataStore, 'addLibraryBlobs'>,
  library: UserId,
  ops: readonly Op[],
) =>
  store.addLibraryBlobs(
    library,
    ops.flatMap((op) => blobsOf(op).map((hash) => ({ hash, size: 1 }))),
    0,
  );
