import type { UserId } from '@keepsake/core';
import type { MetadataStore } from '../metadata-store.js';
import type { Db } from './database.js';
import { toDevice, toUser, type DeviceRow, type UserRow } from './rows.js';

/**
 * The reads every request makes before anything else (who is calling), and those every blob
 * transfer makes (may this library read this blob; how full is it): small, indexed, and many.
 */
export type RequestReads = Pick<
  MetadataStore,
  'deviceByTokenHash' | 'userById' | 'sessionUser' | 'libraryHasBlob' | 'libraryBytes'
>;

/** The caller lookups over one connection: the store's own, or a reader beside it. */
export function requestReads(db: Db): RequestReads {
  const library = '(SELECT n FROM libraries WHERE id = ?)';
  const q = {
    libraryBlob: db.prepare(`SELECT 1 FROM library_blobs WHERE library = ${library} AND hash = ?`),
    usedBytes: db.prepare(`SELECT used_bytes FROM libraries WHERE id = ?`).pluck(),
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
    libraryHasBlob(id, hash) {
      return Promise.resolve(q.libraryBlob.get(id, hash) !== undefined);
    },
    libraryBytes(id) {
      return Promise.resolve((q.usedBytes.get(id) as number | undefined) ?? 0);
    },
  };
}
