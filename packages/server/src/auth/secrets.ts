import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { BoundedSlots, SlotsFull } from './bounded-slots.js';

const scryptOnPool = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** Refused at once when too many password checks are already running or waiting. */
export class PasswordChecksBusy extends Error {
  constructor() {
    super('the server is checking too many passwords at once; try again in a few seconds');
  }
}

/*
 * scrypt runs on libuv's thread pool (4 threads), which file reads and writes share: a flood of
 * sign-ins with made-up names would otherwise take every thread and stall every download and
 * upload. Two run at once, a few dozen wait, and the rest are refused straight away.
 */
const scryptSlots = new BoundedSlots(2, 32);

async function scryptAsync(...args: Parameters<typeof scryptOnPool>): Promise<Buffer> {
  try {
    return await scryptSlots.run(() => scryptOnPool(...args));
  } catch (error) {
    throw error instanceof SlotsFull ? new PasswordChecksBusy() : error;
  }
}

// scrypt parameters: N=2^15, r=8 (32 MiB, ~50–100 ms here), as OWASP suggests for scrypt.
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/** A password hash that carries its own parameters and salt: `scrypt$N$r$p$salt$key`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, PARAMS);
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A bearer secret: 32 random bytes. Only its SHA-256 is stored; the token has 256 bits of
 * entropy, so a fast hash is enough (no dictionary to attack), and a lookup by hash is exact.
 */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const tokenHash = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/** A short random id for users and devices: 16 bytes, URL-safe. */
export const newId = (prefix: string): string =>
  `${prefix}-${randomBytes(12).toString('base64url')}`;
