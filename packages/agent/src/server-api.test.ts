import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerApi, ServerApiError } from './server-api.js';

// The agent reads the change feed over real HTTP from a server on loopback that answers with a
// page it was given: what a faulty server (or anything between) could send.

const HASH = 'ab'.repeat(32);
const entry = (seq: number, path: string, outcome: unknown = { status: 'applied' }) => ({
  seq,
  op: {
    opId: `op-${String(seq).padStart(6, '0')}`,
    device: 'phone-01',
    hlc: { ms: 1_000_000 + seq, counter: 0, node: 'phone-01' },
    knownSeq: seq - 1,
    payload: {
      kind: 'import',
      assetId: HASH,
      resources: { original: { hash: HASH, size: 5, ext: 'jpg' } },
      meta: {},
      path,
    },
  },
  outcome,
});

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function apiAnswering(page: unknown, status = 200): Promise<ServerApi> {
  server = createServer((_request, response) => {
    response.statusCode = status;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(page));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new ServerApi(`http://127.0.0.1:${String(port)}`);
}

describe('ServerApi.changes', () => {
  it('hands over a valid page as the ops it carries', async () => {
    const api = await apiAnswering({ entries: [entry(1, '2026/a.jpg')], head: 1, serverTime: 5 });
    const page = await api.changes('token', 0, 100);
    expect(page.head).toBe(1);
    expect(page.entries.map((e) => e.op.payload)).toEqual([entry(1, '2026/a.jpg').op.payload]);
  });

  it.each([
    ['a path that leaves the library', entry(8, '../../.ssh/a.jpg'), 'entries.1.op.payload.path'],
    ['an outcome no server gives', entry(8, 'b.jpg', { status: 'fine' }), 'entries.1.outcome'],
    ['an entry without a seq', { ...entry(8, 'b.jpg'), seq: undefined }, 'entries.1.seq'],
  ])('refuses a page with %s, naming the entry and the field', async (_what, bad, field) => {
    const api = await apiAnswering({ entries: [entry(7, 'a.jpg'), bad], head: 8, serverTime: 5 });
    const refused = api.changes('token', 6, 100);
    await expect(refused).rejects.toBeInstanceOf(ServerApiError);
    await expect(refused).rejects.toThrow(field);
    if (bad.seq !== undefined) await expect(refused).rejects.toThrow('entry seq 8');
    await expect(refused).rejects.toThrow('none of it was applied');
  });

  it('reads what an older or newer server logged: a field value a later rule refuses, a reason it added', async () => {
    const favorite = {
      ...entry(3, 'a.jpg'),
      op: {
        ...entry(3, 'a.jpg').op,
        payload: { kind: 'setField', assetId: HASH, field: 'favorite', value: 'true' },
      },
    };
    const rejected = entry(4, 'b.jpg', {
      status: 'rejected',
      reason: 'a-reason-from-a-newer-server',
      message: 'refused',
    });
    const api = await apiAnswering({ entries: [favorite, rejected], head: 4, serverTime: 5 });
    const page = await api.changes('token', 2, 100);
    expect(page.entries.map((e) => e.seq)).toEqual([3, 4]);
    expect(page.entries[1]?.outcome).toMatchObject({ reason: 'a-reason-from-a-newer-server' });
  });

  it('refuses a page that is no feed page at all', async () => {
    const api = await apiAnswering({ hello: 'world' });
    await expect(api.changes('token', 0, 100)).rejects.toThrow('entries');
  });
});

describe('ServerApi refusals', () => {
  it('tells a device whose token is refused to register again; a wrong password as the server said', async () => {
    const message = 'the name or the password is wrong';
    const api = await apiAnswering({ error: { code: 'unauthorized', message } }, 401);
    await expect(api.changes('token', 0, 100)).rejects.toThrow(
      `${api.origin} refused this device's token: the device was revoked, or the server does not know it. Register this machine again with keepsake login --server ${api.origin} --user <your name> --force`,
    );
    await expect(api.signIn('alice', 'guess')).rejects.toThrow(`answered 401: ${message}`);
  });
});
