// Hex helpers for the digest. The core has no TextEncoder or Buffer, and ids are always
// 64-char lowercase hex, so a lookup table is both the parser and the validator.

/** Length in hex characters of an asset id and of a state hash (SHA-256). */
export const HASH_HEX_LENGTH = 64;

const HEX_DIGITS = '0123456789abcdef';
const INVALID = 255;

/** Char code → nibble value, INVALID for anything but [0-9a-f]. */
const NIBBLE_OF = new Uint8Array(128).fill(INVALID);
for (let i = 0; i < HEX_DIGITS.length; i++) NIBBLE_OF[HEX_DIGITS.charCodeAt(i)] = i;

/** The hex digit for nibble `n` (0..15). */
export function hexDigit(n: number): string {
  return HEX_DIGITS.charAt(n);
}

/** True for a string of exactly `length` lowercase hex characters. */
export function isHex(value: string, length: number): boolean {
  if (value.length !== length) return false;
  for (let i = 0; i < length; i++) {
    if ((NIBBLE_OF[value.charCodeAt(i)] ?? INVALID) === INVALID) return false;
  }
  return true;
}

/** True for a lowercase hex string of at most `maxLength` characters (a trie prefix). */
export function isHexPrefix(value: string, maxLength = HASH_HEX_LENGTH): boolean {
  return value.length <= maxLength && isHex(value, value.length);
}

/**
 * Nibble `index` of a hex string the caller has already validated. Only for hot loops over
 * stored ids; returns garbage (never throws) for non-hex input.
 */
export function nibbleAt(hex: string, index: number): number {
  const code = hex.charCodeAt(index);
  return code <= 57 ? code - 48 : code - 87;
}

/**
 * Parses 64 hex chars into 8 big-endian 32-bit words at `words[offset..offset+8)`.
 * Returns false (leaving the words partly written) if `hex` is not 64 lowercase hex chars.
 */
export function readWords256(hex: string, words: Uint32Array, offset: number): boolean {
  if (hex.length !== HASH_HEX_LENGTH) return false;
  let bad = 0;
  for (let w = 0; w < 8; w++) {
    let word = 0;
    for (let c = w * 8; c < w * 8 + 8; c++) {
      const nibble = NIBBLE_OF[hex.charCodeAt(c)] ?? INVALID;
      bad |= nibble & 0xf0; // any INVALID (255) leaves high bits set
      word = (word << 4) | (nibble & 0xf);
    }
    words[offset + w] = word;
  }
  return bad === 0;
}

/** `count` 32-bit words from `words[offset]` as lowercase hex, big-endian. */
export function wordsToHex(words: Uint32Array, offset: number, count: number): string {
  let out = '';
  for (let i = offset; i < offset + count; i++) {
    out += (words[i] ?? 0).toString(16).padStart(8, '0');
  }
  return out;
}

/** The first 32 bits of a validated hex id, as an unsigned number (its first 8 digits). */
export function leadingWord(hex: string): number {
  let word = 0;
  for (let c = 0; c < 8; c++) word = (word << 4) | nibbleAt(hex, c);
  return word >>> 0;
}
