// The per-asset leaf hash: the first 128 bits of SHA-256(id ‖ stateHash) over their 64 raw bytes.
// A real hash is needed (not e.g. id XOR stateHash): node fingerprints XOR leaf hashes together,
// and any structure in the leaves (two assets swapping states) would cancel out unseen.
//
// This is plain SHA-256, specialised to a 64-byte message: the second block is always the same
// padding, so its message schedule is computed once, and nothing is allocated per call. That
// makes it ~4× faster than a general-purpose SHA-256 in JS, which is most of building a digest
// of a million assets. Tests check it against @noble/hashes bit for bit.
import { readWords256 } from './hex.js';

/** 32-bit words in a leaf hash (128 bits: no library will ever hold a collision). */
export const LEAF_WORDS = 4;

// prettier-ignore
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// prettier-ignore
const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Message schedule of the current block; words 0..15 are the block itself. */
const schedule = new Uint32Array(64);
const state = new Int32Array(8);
/** Schedule of the padding block after a 64-byte message: 0x80 then zeros, bit length 512. */
const PADDING_SCHEDULE = new Uint32Array(64);
PADDING_SCHEDULE[0] = 0x80000000;
PADDING_SCHEDULE[15] = 512;
expand(PADDING_SCHEDULE);

/**
 * Writes the leaf hash of (id, stateHash) to `out[offset..offset+4)`. Returns false, writing
 * nothing, if either is not 64 lowercase hex characters.
 */
export function leafHashInto(
  id: string,
  stateHash: string,
  out: Uint32Array,
  offset: number,
): boolean {
  if (!readWords256(id, schedule, 0) || !readWords256(stateHash, schedule, 8)) return false;
  expand(schedule);
  state.set(IV);
  compress(schedule);
  compress(PADDING_SCHEDULE);
  for (let w = 0; w < LEAF_WORDS; w++) out[offset + w] = state[w] ?? 0;
  return true;
}

function rotr(word: number, shift: number): number {
  return (word >>> shift) | (word << (32 - shift));
}

/** Fills words 16..63 of a message schedule from words 0..15 (FIPS 180-4 §6.2.2 step 1). */
function expand(w: Uint32Array): void {
  for (let i = 16; i < 64; i++) {
    const w15 = w[i - 15] ?? 0;
    const w2 = w[i - 2] ?? 0;
    const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
    w[i] = (w[i - 16] ?? 0) + s0 + (w[i - 7] ?? 0) + s1;
  }
}

/** One SHA-256 compression of an expanded block into `state` (FIPS 180-4 §6.2.2 steps 2–4). */
function compress(w: Uint32Array): void {
  let a = state[0] ?? 0;
  let b = state[1] ?? 0;
  let c = state[2] ?? 0;
  let d = state[3] ?? 0;
  let e = state[4] ?? 0;
  let f = state[5] ?? 0;
  let g = state[6] ?? 0;
  let h = state[7] ?? 0;
  for (let i = 0; i < 64; i++) {
    const sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const choice = (e & f) ^ (~e & g);
    const t1 = (h + sigma1 + choice + (K[i] ?? 0) + (w[i] ?? 0)) | 0;
    const sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const majority = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + sigma0 + majority) | 0;
  }
  state[0] = (state[0] ?? 0) + a;
  state[1] = (state[1] ?? 0) + b;
  state[2] = (state[2] ?? 0) + c;
  state[3] = (state[3] ?? 0) + d;
  state[4] = (state[4] ?? 0) + e;
  state[5] = (state[5] ?? 0) + f;
  state[6] = (state[6] ?? 0) + g;
  state[7] = (state[7] ?? 0) + h;
}
