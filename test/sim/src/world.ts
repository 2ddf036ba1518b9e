import {
  asDeviceId,
  defaultRules,
  DEFAULT_MAX_DRIFT_MS,
  headSeq,
  type MergeRules,
  type Op,
  type OpId,
} from '@keepsake/core';
import { ContentRegistry } from './content.js';
import { CALM, STORMY, VirtualNetwork, type FaultRates } from './network.js';
import { Prng } from './prng.js';
import type { Request, Response } from './protocol.js';
import { SimDevice, type DeviceEvents } from './sim-device.js';
import { SimServer } from './sim-server.js';

export const START_MS = Date.UTC(2026, 3, 1);
const TICK_MS = 1000;
const DAY_MS = 86_400_000;

interface ToServer {
  readonly device: number;
  readonly request: Request;
}
interface ToDevice extends ToServer {
  readonly response: Response;
}

/** The simulated world: one server, several devices, a network between them and a clock. */
export class World {
  tick = 0;
  readonly content = new ContentRegistry();
  readonly server: SimServer;
  readonly devices: SimDevice[] = [];
  readonly partitioned = new Set<number>();
  faults: FaultRates = STORMY;
  /** Every op some device made durable, by id: each must end up in the log. */
  readonly submitted = new Map<OpId, Op>();
  readonly abandoned = new Set<OpId>();
  readonly problems: string[] = [];
  readonly prng: Prng;
  readonly #toServer: VirtualNetwork<ToServer>;
  readonly #toDevice: VirtualNetwork<ToDevice>;
  #lastHintedHead = 0;

  constructor(
    seed: number,
    deviceCount: number,
    readonly rules: MergeRules = defaultRules,
  ) {
    this.prng = new Prng(seed ^ 0x5eed);
    this.#toServer = new VirtualNetwork(this.prng);
    this.#toDevice = new VirtualNetwork(this.prng);
    const now = () => this.now();
    this.server = new SimServer(this.content, rules, now, DEFAULT_MAX_DRIFT_MS);
    const events: DeviceEvents = {
      onSubmitted: (_device, op) => this.submitted.set(op.opId, op),
      onAbandoned: (_device, ops) => {
        for (const op of ops) this.abandoned.add(op.opId);
      },
      onDivergence: (device, message) => this.problems.push(`device ${device.id}: ${message}`),
    };
    for (let i = 0; i < deviceCount; i++) {
      // Clocks off by up to a day either way; the first device keeps good time.
      const skew = i === 0 ? 0 : Math.round((this.prng.next() * 2 - 1) * DAY_MS);
      this.devices.push(
        new SimDevice(asDeviceId(`device${i}x`), skew, this.content, rules, now, events),
      );
    }
  }

  now(): number {
    return START_MS + this.tick * TICK_MS;
  }

  crashServer(): void {
    this.#toServer.cut(() => true);
    this.#toDevice.cut(() => true);
  }

  crashDevice(index: number): void {
    this.devices[index]?.crash();
    this.#toDevice.cut((m) => m.device === index);
  }

  step(): void {
    for (const { device, request } of this.#toServer.due(this.tick)) {
      if (this.partitioned.has(device)) continue;
      if (request.type === 'uploadChunk' && this.prng.chance(this.faults.cutUpload)) {
        this.server.receiveCutChunk(request, this.prng.int(request.data.length));
        continue;
      }
      const response = this.server.handle(request);
      if (request.type === 'push' && response.type === 'push')
        this.checkDuplicates(request.ops, response.results);
      this.#toDevice.send(
        this.tick,
        { device, request, response },
        this.faults,
        this.faults.dropResponse,
      );
    }
    for (const { device, request, response } of this.#toDevice.due(this.tick)) {
      if (!this.partitioned.has(device)) this.devices[device]?.receive(request, response);
    }
    const head = headSeq(this.server.library);
    if (head !== this.#lastHintedHead) {
      this.#lastHintedHead = head;
      // The push channel is a hint only: some devices miss it and must find out by polling.
      this.devices.forEach((d, i) => {
        if (!this.partitioned.has(i) && this.prng.chance(0.7)) d.hint(head);
      });
    }
    this.devices.forEach((device, i) => {
      const request = device.tick(this.tick);
      if (request && !this.partitioned.has(i)) {
        this.#toServer.send(
          this.tick,
          { device: i, request },
          this.faults,
          this.faults.dropRequest,
        );
      }
    });
    this.tick += 1;
  }

  /** A `duplicate` reply must point at the log entry of the very same op, never another. */
  private checkDuplicates(
    ops: readonly Op[],
    results: Extract<Response, { type: 'push' }>['results'],
  ): void {
    results.forEach((result, i) => {
      if (result.status !== 'duplicate') return;
      const original = this.server.library.log.entries[result.seq - 1];
      const op = ops[i];
      if (op && original?.op.opId !== op.opId) {
        this.problems.push(
          `no silent drop: op ${op.opId} was answered as a duplicate of ${original?.op.opId ?? 'nothing'}`,
        );
      }
    });
  }

  /** Faults stop, partitions heal; runs until every device is quiet. Returns whether it got there. */
  settle(maxTicks: number): boolean {
    this.faults = CALM;
    this.partitioned.clear();
    for (let i = 0; i < maxTicks; i++) {
      this.step();
      if (this.isQuiet()) return true;
    }
    return false;
  }

  isQuiet(): boolean {
    if (this.#toServer.size > 0 || this.#toDevice.size > 0) return false;
    const head = headSeq(this.server.library);
    return this.devices.every((d) => d.isQuiet(head));
  }
}
