import { z } from 'zod';
import {
  logEntrySchema,
  type BlobHash,
  type DigestRequest,
  type Lifecycle,
  type LogEntry,
  type Op,
  type Outcome,
  type Reply,
  type RetryLater,
  type Version,
} from '@keepsake/core';

/** A page of the change feed as `GET /api/v1/changes` answers it. */
const feedPageSchema = z.object({
  entries: z.array(logEntrySchema),
  head: z.number().int().nonnegative(),
  serverTime: z.number(),
});

/** Where a feed page is wrong: the field, and the seq of the entry it is in if it says one. */
function describeIssue(page: unknown, issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'no reason given';
  const [top, index] = issue.path;
  const entries = (page as { entries?: unknown } | undefined)?.entries;
  const entry =
    top === 'entries' && Array.isArray(entries) ? (entries[Number(index)] as unknown) : undefined;
  const seq = (entry as { seq?: unknown } | undefined)?.seq;
  const where = typeof seq === 'number' ? `entry seq ${String(seq)}, ` : '';
  return `${where}${issue.path.join('.') || 'the page'}: ${issue.message}`;
}

/** How long one API call may take before it is given up (and retried by the caller). */
const REQUEST_TIMEOUT_MS = 60_000;

/** An asset as the server's API shows it. */
export interface ServerAsset {
  readonly id: string;
  readonly lifecycle: Lifecycle;
  readonly inConflict: boolean;
  readonly versions: Version[];
  readonly paths: string[];
  /**
   * What the server read of each resource of the current version, by role, and the `error`
   * that stopped it (no thumbnail, no metadata) if any.
   */
  readonly media?: Readonly<Record<string, { readonly pending?: true; readonly error?: string }>>;
}

export interface HistoryEntry {
  readonly seq: number;
  readonly receivedAt: string;
  readonly op: Op;
  readonly outcome: Outcome;
}

/**
 * A failed call to the server, told so that the user knows what to do: the server's own message
 * when it answered, what stood in the way when it did not.
 */
export class ServerApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or undefined when the server could not be reached. */
    readonly status?: number,
    /** The server's stable error code (`unauthorized`, `too-many-attempts`…). */
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * The server refused this device's token (401): the device was revoked, or the server does not
 * know it (its data was reset). No retry helps; registering the machine again does.
 */
export function deviceRefused(origin: string): ServerApiError {
  return new ServerApiError(
    `${origin} refused this device's token: the device was revoked, or the server does not know it. Register this machine again with keepsake login --server ${origin} --user <your name> --force; its synced folders go on syncing as the new device`,
    401,
    'unauthorized',
  );
}

export interface RegisteredDevice {
  readonly id: string;
  readonly name: string;
  /** Shown once by the server, which keeps only its hash. */
  readonly token: string;
}

/** The calls of the server's HTTP API (`/api/v1`, described at `/api/docs`) the agent makes. */
export class ServerApi {
  readonly origin: string;

  /** `server`: the address `keepsake serve` printed (`http://host:port`). */
  constructor(server: string) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new ServerApiError(
        `"${server}" is not a server address; give one like http://nas:7447`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ServerApiError(`"${server}" is not an http:// or https:// address`);
    }
    this.origin = url.origin;
  }

  /** Signs in with a password and returns a session token. */
  async signIn(user: string, password: string): Promise<string> {
    const { token } = await this.#call<{ token: string }>('POST', '/api/v1/session', {
      body: { user, password },
    });
    return token;
  }

  /** Ends a session (its token stops working). */
  async signOut(session: string): Promise<void> {
    await this.#call('DELETE', '/api/v1/session', { session });
  }

  /** Registers a device of the signed-in user. */
  async registerDevice(session: string, name: string): Promise<RegisteredDevice> {
    const { device, token } = await this.#call<{
      device: { id: string; name: string };
      token: string;
    }>('POST', '/api/v1/devices', { session, body: { name } });
    return { id: device.id, name: device.name, token };
  }

  /** Submits a batch of ops; one reply per op, in order. */
  /** Tells the server how this device is doing, for the devices page. */
  async reportStatus(
    token: string,
    status: { readonly pendingOps: number; readonly lastError: string | null },
  ): Promise<void> {
    await this.#call('PUT', '/api/v1/devices/status', { device: token, body: status });
  }

  async submitOps(
    token: string,
    ops: readonly Op[],
  ): Promise<{ results: (Reply | RetryLater)[]; serverTime: number }> {
    return this.#call('POST', '/api/v1/ops', { device: token, body: { ops } });
  }

  /**
   * Feed entries after `since`, in seq order, and the library's head. Every entry is checked as
   * the server checks what it is sent (core's `logEntrySchema`): the replica applies nothing a
   * faulty server or proxy garbled, and says which entry and field were wrong.
   */
  async changes(
    token: string,
    since: number,
    limit: number,
  ): Promise<{ entries: LogEntry[]; head: number; serverTime: number }> {
    const page = await this.#call<unknown>(
      'GET',
      `/api/v1/changes?since=${String(since)}&limit=${String(limit)}`,
      { device: token },
    );
    const parsed = feedPageSchema.safeParse(page);
    if (parsed.success) return parsed.data;
    throw new ServerApiError(
      `${this.origin} sent a change feed page that is not valid (${describeIssue(page, parsed.error.issues[0])}); none of it was applied, and the feed is read again at the next sync. If this goes on, the server needs its administrator (keepsake fsck checks its database).`,
    );
  }

  /** Which of these blobs the library already has on the server. */
  async presentBlobs(token: string, hashes: readonly BlobHash[]): Promise<Set<BlobHash>> {
    const { present } = await this.#call<{ present: BlobHash[] }>(
      'POST',
      '/api/v1/blobs/presence',
      { device: token, body: { hashes } },
    );
    return new Set(present);
  }

  /** The server's view of one asset, or undefined if it has none by that id. */
  async asset(token: string, id: string): Promise<ServerAsset | undefined> {
    try {
      const { asset } = await this.#call<{ asset: ServerAsset }>('GET', `/api/v1/assets/${id}`, {
        device: token,
      });
      return asset;
    } catch (error) {
      if (error instanceof ServerApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Every op that named or changed the asset, with its outcome, oldest first. */
  async history(token: string, id: string): Promise<HistoryEntry[]> {
    const { history } = await this.#call<{ history: HistoryEntry[] }>(
      'GET',
      `/api/v1/assets/${id}/history`,
      { device: token },
    );
    return history;
  }

  /** One exchange of the digest protocol (core's `findDifferences` drives it). */
  async digest(token: string, request: DigestRequest): Promise<unknown> {
    return this.#call('POST', '/api/v1/digest', { device: token, body: request });
  }

  async #call<T>(
    method: string,
    path: string,
    { device, session, body }: { device?: string; session?: string; body?: unknown } = {},
  ): Promise<T> {
    const token = device ?? session;
    const url = `${this.origin}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        // A stalled connection must end in an error that is retried, not hang the agent.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: {
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...(token !== undefined && { authorization: `Bearer ${token}` }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerApiError(
        `cannot reach ${this.origin} (${cause?.code ?? cause?.message ?? String(error)}); is the server running, and is the address right?`,
      );
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      const message = error?.message ?? (text.slice(0, 200) || response.statusText);
      if (response.status === 401 && device !== undefined) throw deviceRefused(this.origin);
      throw new ServerApiError(
        `${this.origin} answered ${String(response.status)}: ${message}`,
        response.status,
        error?.code,
      );
    }
    if (parsed === undefined) {
      throw new ServerApiError(
        `${url} did not answer as a Keepsake server does (not JSON); is the address right?`,
        response.status,
      );
    }
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
