import type { DeviceId, Op, Outcome, UserId } from '@keepsake/core';
import type { DeviceRecord, StoredEntry, UserRecord } from '../metadata-store.js';

// Rows as better-sqlite3 returns them, and the records the store hands out.

export interface UserRow {
  id: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  quota_bytes: number | null;
  created_at: number;
}
export interface DeviceRow {
  id: string;
  user_id: string;
  name: string;
  created_at: number;
  last_seen_at: number | null;
  acked_seq: number;
  revoked_at: number | null;
  reported_at: number | null;
  pending_ops: number | null;
  last_error: string | null;
}
export interface ChangeRow {
  seq: number;
  op: string;
  outcome: string;
  received_at: number;
}

export const toUser = (r: UserRow): UserRecord => ({
  id: r.id as UserId,
  name: r.name,
  passwordHash: r.password_hash,
  isAdmin: r.is_admin === 1,
  quotaBytes: r.quota_bytes,
  createdAt: r.created_at,
});
export const toDevice = (r: DeviceRow): DeviceRecord => ({
  id: r.id as DeviceId,
  userId: r.user_id as UserId,
  name: r.name,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  ackedSeq: r.acked_seq,
  revokedAt: r.revoked_at,
  ...(r.reported_at !== null && {
    status: { reportedAt: r.reported_at, pendingOps: r.pending_ops ?? 0, lastError: r.last_error },
  }),
});
export const toEntry = (r: ChangeRow): StoredEntry => ({
  seq: r.seq,
  op: JSON.parse(r.op) as Op,
  outcome: JSON.parse(r.outcome) as Outcome,
  receivedAt: r.received_at,
});
