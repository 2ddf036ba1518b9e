import { randomBytes } from 'node:crypto';
import type { AssetId, OpPayload, Version } from '@keepsake/core';

export interface AssetView {
  readonly id: AssetId;
  readonly lifecycle: { readonly state: string };
  readonly inConflict: boolean;
  readonly versions: Version[];
  readonly paths: string[];
}

/**
 * The server's view of a library, read over its HTTP API, and ops an app would send (restore,
 * purge): what a test checks the agents against, not a second agent.
 */
export class LibraryClient {
  #opNumber = 0;
  readonly #prefix = randomBytes(6).toString('base64url');

  private constructor(
    readonly server: string,
    private readonly token: string,
    private readonly deviceId: string,
  ) {}

  /** Signs in and registers a device of its own, named `name`. */
  static async connect(server: string, user: string, password: string, name: string) {
    const session = await call<{ token: string }>(server, 'POST', '/api/v1/session', undefined, {
      user,
      password,
    });
    const { device, token } = await call<{ device: { id: string }; token: string }>(
      server,
      'POST',
      '/api/v1/devices',
      session.token,
      { name },
    );
    return new LibraryClient(server, token, device.id);
  }

  /** Creates a user as the administrator and connects as them: a library of the test's own. */
  static async forNewUser(server: string, adminPassword: string, user: string, password: string) {
    const admin = await call<{ token: string }>(server, 'POST', '/api/v1/session', undefined, {
      user: 'admin',
      password: adminPassword,
    });
    await call(server, 'POST', '/api/v1/users', admin.token, { name: user, password });
    return LibraryClient.connect(server, user, password, `${user}-checker`);
  }

  async assets(filter: 'live' | 'trashed' | 'conflicts' = 'live'): Promise<AssetView[]> {
    const all: AssetView[] = [];
    let cursor: string | undefined;
    do {
      const query = `filter=${filter}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call<{ assets: AssetView[]; next?: string }>(
        this.server,
        'GET',
        `/api/v1/assets?${query}`,
        this.token,
      );
      all.push(...page.assets);
      cursor = page.next;
    } while (cursor);
    return all;
  }

  /** The one live asset placed at `path`; fails the test if there is none or more. */
  async assetAt(path: string): Promise<AssetView> {
    const found = (await this.assets()).filter((a) => a.paths.includes(path));
    if (found.length !== 1)
      throw new Error(`expected one live asset at ${path}, found ${found.length}`);
    return found[0] as AssetView;
  }

  /** This client's user id. */
  async userId(): Promise<string> {
    const { user } = await call<{ user: { id: string } }>(
      this.server,
      'GET',
      '/api/v1/me',
      this.token,
    );
    return user.id;
  }

  /** The live assets of an album (another user's, shared with this one, when `owner` is given). */
  async albumAssets(album: string, owner?: string): Promise<AssetView[]> {
    const query = owner === undefined ? '' : `?owner=${encodeURIComponent(owner)}`;
    const { assets } = await call<{ assets: AssetView[] }>(
      this.server,
      'GET',
      `/api/v1/albums/${album}/assets${query}`,
      this.token,
    );
    return assets;
  }

  /** Sends one op as this client's device; returns the server's reply. */
  async submit(payload: OpPayload): Promise<{ status: string }> {
    this.#opNumber += 1;
    const op = {
      opId: `${this.#prefix}-${String(this.#opNumber)}`,
      device: this.deviceId,
      hlc: { ms: Date.now(), counter: 0, node: this.deviceId },
      knownSeq: 0,
      payload,
    };
    const { results } = await call<{ results: { status: string }[] }>(
      this.server,
      'POST',
      '/api/v1/ops',
      this.token,
      { ops: [op] },
    );
    const [reply] = results;
    if (!reply) throw new Error('the server answered no reply for the op');
    return reply;
  }
}

/** One JSON call to the API with `token`; throws with the status and the body when refused. */
export async function call<T>(
  server: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${server}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}
