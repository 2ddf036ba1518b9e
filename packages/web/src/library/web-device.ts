import {
  HybridClock,
  asDeviceId,
  asOpId,
  compareHlc,
  type Hlc,
  type Op,
  type Reply,
  type RetryLater,
} from '@keepsake/core';
import { api, failureMessage, type WireOp } from '../api/client.js';

// This browser as a device of the user's library: a change made here (a favorite, a trash) is
// an op like any device's, stamped by a hybrid clock, and the photo's history names this
// browser. Its token stays in this browser's storage, for this user, until sign-out revokes it;
// a token revoked from another device ends this browser's session.

interface Registration {
  readonly id: string;
  readonly token: string;
  /** The clock's last stamp: a reload never stamps earlier than before. */
  readonly last?: Hlc;
}

const storageKey = (user: string) => `keepsake.device.${user}`;

/** "Chrome on Linux": how the devices page and every history name this browser. */
function browserName(): string {
  const agent = navigator.userAgent;
  const browser = /Firefox\//.test(agent)
    ? 'Firefox'
    : /Chrome\//.test(agent)
      ? 'Chrome'
      : 'Safari';
  const systems: [RegExp, string][] = [
    [/Android/, 'Android'],
    [/iPhone|iPad/, 'iOS'],
    [/Mac OS/, 'macOS'],
    [/Windows/, 'Windows'],
  ];
  return `${browser} on ${systems.find(([pattern]) => pattern.test(agent))?.[1] ?? 'Linux'}`;
}

export class WebDevice {
  #registration: Registration | undefined;
  /** Stamps seen from other devices; the clock folds them in before stamping. */
  #seen: Hlc[] = [];

  constructor(
    private readonly user: string,
    /** Called when the server refused this browser's token: it was revoked elsewhere. */
    private readonly onRevoked: () => void,
  ) {
    const text = localStorage.getItem(storageKey(user));
    this.#registration = text === null ? undefined : (JSON.parse(text) as Registration);
  }

  /** This browser's device id once registered (at its first change), for the devices page. */
  get id(): string | undefined {
    return this.#registration?.id;
  }

  /** Stamps of changes seen (an asset's history): this browser's next change orders after them. */
  saw(stamps: readonly Hlc[]): void {
    this.#seen.push(...stamps);
  }

  /** Sends one change as an op and answers the server's reply; throws a readable error. */
  async submit(payload: WireOp['payload'], knownSeq: number): Promise<Reply | RetryLater> {
    const stamp = await this.stamper(knownSeq);
    const [reply] = await this.send([{ ...stamp(), payload }]);
    if (!reply) throw new Error('the server answered without a reply for the change');
    return reply;
  }

  /**
   * Stamps for a run of changes made here (an upload's imports), each ordered after the one
   * before it and after every stamp this browser has seen.
   */
  async stamper(knownSeq: number): Promise<() => Omit<Op, 'payload'>> {
    const registration = await this.#register();
    const device = asDeviceId(registration.id);
    const clock = new HybridClock(device, Date.now);
    for (const stamp of [...this.#seen, ...(registration.last ? [registration.last] : [])]) {
      clock.receive(stamp);
    }
    return () => ({
      opId: asOpId(`web-${crypto.randomUUID()}`),
      device,
      hlc: clock.now(),
      knownSeq,
    });
  }

  /** Sends stamped ops, in order, and answers the server's reply to each; throws a readable error. */
  async send(ops: readonly (WireOp | Op)[]): Promise<(Reply | RetryLater)[]> {
    const registration = await this.#register();
    const result = await api.POST('/api/v1/ops', {
      // Core's ops are this same shape, their optional fields typed `| undefined`: JSON drops those.
      body: { ops: ops as WireOp[] },
      headers: { authorization: `Bearer ${registration.token}` },
    });
    if (result.response.status === 401) {
      // Revoked from another device: registering again with the session would undo that.
      this.#forget();
      this.onRevoked();
      throw new Error('this browser was removed from your devices; sign in again');
    }
    if (!result.response.ok) throw new Error(failureMessage(result));
    // The op route's answer is described by core's Reply type rather than a response schema:
    // serialising ingest replies through a schema would slow the server's busiest route.
    const { results } = result.data as unknown as { results: (Reply | RetryLater)[] };
    if (results.length !== ops.length) {
      throw new Error('the server answered without a reply for every change');
    }
    // A stamp the server refused (this clock runs ahead) is not kept: the next one, once the
    // clock is right, must not have to wait for it.
    let last = registration.last;
    for (const [i, op] of ops.entries()) {
      const hlc = op.hlc as Hlc;
      if (results[i]?.status !== 'retry' && (!last || compareHlc(hlc, last) > 0)) last = hlc;
    }
    if (last && last !== registration.last) this.#save({ ...registration, last });
    return results;
  }

  /** On signing out: the token is revoked, so what this browser keeps grants nothing. */
  async signOut(): Promise<void> {
    const registration = this.#registration;
    this.#forget();
    if (registration) {
      await api.DELETE('/api/v1/devices/{id}', { params: { path: { id: registration.id } } });
    }
  }

  async #register(): Promise<Registration> {
    if (this.#registration) return this.#registration;
    // The session is this browser's, shared by its tabs: one may have signed in as someone else
    // since this page loaded, and a device registered now would be theirs.
    const me = await api.GET('/api/v1/me');
    if (me.data?.user.id !== this.user) {
      throw new Error('you signed in as someone else in another tab: reload this page');
    }
    const result = await api.POST('/api/v1/devices', { body: { name: browserName() } });
    if (!result.data) {
      throw new Error(`this browser could not register as a device: ${failureMessage(result)}`);
    }
    return this.#save({ id: result.data.device.id, token: result.data.token });
  }

  #save(registration: Registration): Registration {
    this.#registration = registration;
    localStorage.setItem(storageKey(this.user), JSON.stringify(registration));
    return registration;
  }

  #forget(): void {
    this.#registration = undefined;
    localStorage.removeItem(storageKey(this.user));
  }
}
