import type { FastifyRequest } from 'fastify';
import { tokenHash } from '../auth/secrets.js';
import type { DeviceRecord, MetadataStore, UserRecord } from '../store/metadata-store.js';
import { forbidden, unauthorized } from './api-error.js';

export const SESSION_COOKIE = 'keepsake_session';
const SEEN_RESOLUTION_MS = 60_000;

export interface Caller {
  readonly user: UserRecord;
  /** Set when the caller authenticated with a device token. */
  readonly device?: DeviceRecord;
  /** Set when the caller authenticated with a login session (the web app). */
  readonly sessionHash?: string;
}

/**
 * Who is calling: a device by its bearer token, or a signed-in user by session token (bearer
 * or cookie). Looked up on every request, so a revoked device or ended session fails at once.
 */
export class Authenticator {
  /** When each device's last-seen time was last written: once a minute is enough to show. */
  readonly #seenWritten = new Map<string, number>();

  constructor(
    private readonly store: MetadataStore,
    private readonly now: () => number,
  ) {}

  async caller(request: FastifyRequest): Promise<Caller | undefined> {
    const token = bearerToken(request) ?? cookie(request, SESSION_COOKIE);
    if (token === undefined) return undefined;
    const hash = tokenHash(token);
    const device = await this.store.deviceByTokenHash(hash);
    if (device) {
      const user = await this.store.userById(device.userId);
      if (!user) return undefined;
      const now = this.now();
      if (now - (this.#seenWritten.get(device.id) ?? 0) >= SEEN_RESOLUTION_MS) {
        this.#seenWritten.set(device.id, now);
        await this.store.deviceSeen(device.id, now);
      }
      return { user, device };
    }
    const user = await this.store.sessionUser(hash, this.now());
    return user && { user, sessionHash: hash };
  }

  async user(request: FastifyRequest): Promise<Caller> {
    const caller = await this.caller(request);
    if (!caller) throw unauthorized();
    return caller;
  }

  async device(request: FastifyRequest): Promise<Caller & { device: DeviceRecord }> {
    const caller = await this.user(request);
    if (!caller.device) {
      throw unauthorized(
        'this call needs a device token: register the device with POST /api/v1/devices',
      );
    }
    return { ...caller, device: caller.device };
  }

  /** For what only a person signed in with a password may do: a stolen device token must not reach it. */
  async session(request: FastifyRequest): Promise<Caller & { sessionHash: string }> {
    const caller = await this.user(request);
    if (caller.sessionHash === undefined) {
      throw unauthorized('this call needs a signed-in session, not a device token: sign in first');
    }
    return { ...caller, sessionHash: caller.sessionHash };
  }

  async admin(request: FastifyRequest): Promise<Caller> {
    const caller = await this.user(request);
    if (!caller.user.isAdmin) throw forbidden('only an administrator may do this');
    return caller;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      // A malformed cookie is no session, not a server error.
      return undefined;
    }
  }
  return undefined;
}
