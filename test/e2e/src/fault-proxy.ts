import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Prng } from '@keepsake/sim';

/** What the proxy does to one connection, drawn from its seeded generator. */
type Fault =
  | { readonly kind: 'pass' }
  /** Both sides are cut once this many bytes went the chosen way. */
  | { readonly kind: 'cut'; readonly upstream: boolean; readonly after: number }
  /** Forwarding pauses this long once this many bytes went the chosen way. */
  | {
      readonly kind: 'stall';
      readonly upstream: boolean;
      readonly after: number;
      readonly ms: number;
    };

export interface FaultCounts {
  connections: number;
  cuts: number;
  stalls: number;
}

/**
 * A TCP proxy between agents and the server that breaks connections the way networks do: it
 * cuts them at a random byte offset (mid-request, mid-upload, mid-download), or stalls them
 * for a while, chosen per connection from a seeded generator so a failing run replays. With
 * faults off it forwards faithfully.
 */
export class FaultProxy {
  readonly counts: FaultCounts = { connections: 0, cuts: 0, stalls: 0 };
  faulty = true;
  /**
   * When set, the next request whose first line starts with this (`POST /api/v1/ops`, say)
   * reaches the server whole, and the connection is cut before any of the reply comes back:
   * the server acted, and the client never heard.
   */
  loseReplyTo: string | undefined;
  /**
   * When set, the connection that next carries a request starting with `request` (a kept-alive
   * one too) is cut once about `after` more bytes have gone the given way through it.
   */
  cutNext:
    { readonly request: string; readonly upstream: boolean; readonly after: number } | undefined;
  /** While set, every request starting with this is refused: its connection cut at once. */
  refuse: string | undefined;
  /** Bytes that came in towards the server and back, over every connection so far. */
  readonly carried = { up: 0, down: 0 };
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(
    server: Server,
    readonly url: string,
  ) {
    this.#server = server;
  }

  static async start(target: URL, random: Prng): Promise<FaultProxy> {
    const holder: { proxy?: FaultProxy } = {};
    const server = createServer((client) => {
      holder.proxy?.handle(client, target, random);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    holder.proxy = new FaultProxy(server, `http://127.0.0.1:${String(address.port)}`);
    return holder.proxy;
  }

  private handle(client: Socket, target: URL, random: Prng): void {
    this.counts.connections += 1;
    const fault: Fault = this.faulty ? drawFault(random) : { kind: 'pass' };
    const upstream = connect(Number(target.port), target.hostname);
    let armed: { upstream: boolean; after: number } | undefined;
    let carried = 0;
    client.on('data', (chunk: Buffer) => {
      const refused = this.refuse;
      if (refused !== undefined && startsWith(chunk, refused)) {
        client.destroy();
        upstream.destroy();
        return;
      }
      const plan = this.cutNext;
      if (!armed && plan && startsWith(chunk, plan.request)) {
        armed = plan;
        this.cutNext = undefined;
      }
    });
    for (const [from, upward] of [
      [client, true],
      [upstream, false],
    ] as const) {
      from.on('data', (chunk: Buffer) => {
        if (armed?.upstream !== upward) return;
        carried += chunk.length;
        if (carried >= armed.after) {
          client.destroy();
          upstream.destroy();
        }
      });
    }
    client.on('data', (chunk: Buffer) => {
      this.carried.up += chunk.length;
    });
    if (fault.kind === 'cut') this.counts.cuts += 1;
    if (fault.kind === 'stall') this.counts.stalls += 1;
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on('data', (chunk: Buffer) => {
      this.carried.down += chunk.length;
    });
    forward(client, upstream, fault.kind !== 'pass' && fault.upstream ? fault : undefined);
    forward(upstream, client, fault.kind !== 'pass' && !fault.upstream ? fault : undefined);
    client.on('data', (chunk: Buffer) => {
      const request = this.loseReplyTo;
      if (request === undefined || !startsWith(chunk, request)) return;
      this.loseReplyTo = undefined;
      upstream.pause(); // the reply stays unread until the connection is cut
      setTimeout(() => {
        client.destroy();
        upstream.destroy();
      }, 500);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
  }
}

function drawFault(random: Prng): Fault {
  const kind = random.weighted([
    ['pass', 6],
    ['cut', 2],
    ['stall', 2],
  ] as const);
  const upstream = random.chance(0.5);
  // Offsets up to 3 MB: inside headers, small bodies and the middle of photo-sized uploads.
  const after = random.chance(0.3) ? random.int(2000) : random.int(3_000_000);
  if (kind === 'cut') return { kind, upstream, after };
  if (kind === 'stall') return { kind, upstream, after, ms: 200 + random.int(1500) };
  return { kind };
}

/** Copies `from` into `to`, applying the fault once `after` bytes have gone this way. */
function forward(from: Socket, to: Socket, fault: Exclude<Fault, { kind: 'pass' }> | undefined) {
  let sent = 0;
  let fired = false;
  let stalled = false;
  from.on('data', (chunk: Buffer) => {
    if (!fault || fired || sent + chunk.length <= fault.after) {
      sent += chunk.length;
      if (!to.write(chunk)) from.pause();
      return;
    }
    fired = true;
    const head = chunk.subarray(0, Math.max(0, fault.after - sent));
    const tail = chunk.subarray(head.length);
    sent += chunk.length;
    to.write(head);
    if (fault.kind === 'cut') {
      from.destroy();
      to.destroy();
      return;
    }
    from.pause();
    stalled = true;
    setTimeout(() => {
      stalled = false;
      if (to.destroyed) return;
      to.write(tail);
      from.resume();
    }, fault.ms);
  });
  to.on('drain', () => {
    if (!stalled) from.resume();
  });
  from.on('end', () => to.end());
}

/** Whether a chunk from the client begins with this request line prefix. */
const startsWith = (chunk: Buffer, prefix: string) =>
  chunk.subarray(0, prefix.length).toString('latin1') === prefix;
