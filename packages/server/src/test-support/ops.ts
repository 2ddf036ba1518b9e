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
