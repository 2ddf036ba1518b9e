import type { Hlc } from '@keepsake/core';
import type { StateDb } from '../state/agent-state.js';

export interface LastRound {
  readonly at: number;
  readonly errors: readonly string[];
  readonly waiting: readonly string[];
}

/**
 * The small durable settings of a folder's sync, one row each in `sync_state`. Each write is
 * its own statement, so it joins whatever transaction the caller has open.
 */
export class SyncState {
  readonly #get;
  readonly #put;

  constructor(db: StateDb) {
    this.#get = db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck();
    this.#put = db.prepare(
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  #read(key: string): string | undefined {
    return this.#get.get(key) as string | undefined;
  }

  #write(key: string, value: string): void {
    this.#put.run(key, value);
  }

  /** The seq of the last feed entry the replica has applied. */
  get replicaHead(): number {
    return Number(this.#read('replica_head') ?? 0);
  }
  set replicaHead(seq: number) {
    this.#write('replica_head', String(seq));
  }

  /** Whether the folder has been matched against the library once (a new or re-made state). */
  get bootstrapped(): boolean {
    return this.#read('bootstrapped') === 'yes';
  }
  set bootstrapped(done: boolean) {
    this.#write('bootstrapped', done ? 'yes' : 'no');
  }

  /** The folder's own ignore rules as last followed (`IgnoreRules.text`). */
  get ignoreRules(): string | undefined {
    return this.#read('ignore_rules');
  }
  set ignoreRules(text: string | undefined) {
    if (text !== undefined) this.#write('ignore_rules', text);
  }

  /** The device id the state belongs to: a folder synced by another device starts over. */
  get device(): string | undefined {
    return this.#read('device');
  }
  set device(id: string | undefined) {
    this.#write('device', id ?? '');
  }

  /** The last clock reading stamped on an op, so a restart never stamps an earlier one. */
  get lastStamp(): Hlc | undefined {
    const text = this.#read('last_stamp');
    return text === undefined ? undefined : (JSON.parse(text) as Hlc);
  }
  set lastStamp(hlc: Hlc | undefined) {
    if (hlc) this.#write('last_stamp', JSON.stringify(hlc));
  }

  /** How far the server's clock is ahead of this machine's, as last measured. */
  get clockOffsetMs(): number {
    return Number(this.#read('clock_offset_ms') ?? 0);
  }
  set clockOffsetMs(ms: number) {
    this.#write('clock_offset_ms', String(ms));
  }

  /** How the last round ended: shown by `keepsake status`. */
  get lastRound(): LastRound | undefined {
    const text = this.#read('last_round');
    return text === undefined ? undefined : (JSON.parse(text) as LastRound);
  }
  set lastRound(round: LastRound | undefined) {
    if (round) this.#write('last_round', JSON.stringify(round));
  }

  /** When a round last found the folder and the server in step (ms since the epoch). */
  get lastInStepAt(): number | undefined {
    const text = this.#read('last_in_step_at');
    return text === undefined ? undefined : Number(text);
  }
  set lastInStepAt(ms: number | undefined) {
    if (ms !== undefined) this.#write('last_in_step_at', String(ms));
  }

  /** Ops this state has made, for unique op ids: `<device>-<installation>-<n>`. */
  nextOpNumber(): number {
    const next = Number(this.#read('op_counter') ?? 0) + 1;
    this.#write('op_counter', String(next));
    return next;
  }

  /** A random name for this state, so a re-made `.keepsake/` never reuses an op id. */
  get installation(): string | undefined {
    return this.#read('installation');
  }
  set installation(id: string | undefined) {
    if (id) this.#write('installation', id);
  }
}
