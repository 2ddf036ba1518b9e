import { blobHashesOf } from '../model/asset.js';
import type { BlobHash } from '../model/ids.js';
import type { Op } from './op-schema.js';

/** The blobs an op refers to: the server applies it only once every one of them is stored. */
export function blobsOf(op: Op): BlobHash[] {
  const { payload } = op;
  if (payload.kind !== 'import' && payload.kind !== 'edit') return [];
  return blobHashesOf(payload.resources);
}
