import type { UserId } from '@keepsake/core';
import type { MetadataStore } from '../metadata-store.js';
import type { Db } from './database.js';
import { toDevice, toUser, type DeviceRow, type UserRow } from './rows.js';

/** The reads that tell who is calling: every request makes them before anything else. */
export type CallerLookups = Pick<MetadataStore, 'deviceByTokenHash' | 'userById' | 'sessionUser'>;

/** The caller lookups over one connection: the store's own, or a reader beside it. */
export function callerLookups(db: Db): CallerLookups {
  const q = {
    deviceByToken: db.prepare('SELECT * FROM devices WHERE token_hash = ? AND revoked_at IS NULL'),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    sessionUser: db.prepare(
      'SELECT users.* FROM sessions JOIN users ON users.id = sessions.user_id WHERE token_hash = ? AND expires_at > ?',
    ),
  };
  return {
    deviceByTokenHash(tokenHash) {
      const row = q.deviceByToken.get(tokenHash) as DeviceRow | undefined;
      return Promise.resolve(row && toDevice(row));
    },
    userById(id: UserId) {
      const row = q.userById.get(id) as UserRow | undefined;
      return Promise.resolve(row && toUser(row));
    },
    sessionUser(tokenHash, nowMs) {
      const row = q.sessionUser.get(tokenHash, nowMs) as UserRow | undefined;
      return Promise.resolve(row && toUser(row));
    },
  };
}
