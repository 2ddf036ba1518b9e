import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asDeviceId } from '../model/ids.js';
import { checkDrift, compareHlc, DEFAULT_MAX_DRIFT_MS, HybridClock, type Hlc } from './hlc.js';

const SEED = 20_260_401;
const PHONE = asDeviceId('phone-01');
const SERVER = asDeviceId('server-1');

/** A physical clock the test moves by hand. */
function handClock(start: number): { now: () => number; set: (ms: number) => void } {
  let ms = start;
  return {
    now: () => ms,
    set: (next) => {
      ms = next;
    },
  };
}

const hlcArb: fc.Arbitrary<Hlc> = fc.record({
  ms: fc.integer({ min: 0, max: 5 }),
  counter: fc.integer({ min: 0, max: 3 }),
  node: fc.constantFrom('a-device', 'b-device', 'c-device').map(asDeviceId),
});

describe('HybridClock', () => {
  it('follows the physical clock when it moves forward', () => {
    const physical = handClock(1_000);
    const clock = new HybridClock(PHONE, physical.now);
    expect(clock.now()).toEqual({ ms: 1_000, counter: 0, node: PHONE });
    physical.set(1_500);
    expect(clock.now()).toEqual({ ms: 1_500, counter: 0, node: PHONE });
    expect(clock.last).toEqual({ ms: 1_500, counter: 0, node: PHONE });
  });

  it('counts up within a stalled millisecond', () => {
    const clock = new HybridClock(PHONE, () => 42);
    expect([clock.now(), clock.now(), clock.now()]).toEqual([
      { ms: 42, counter: 0, node: PHONE },
      { ms: 42, counter: 1, node: PHONE },
      { ms: 42, counter: 2, node: PHONE },
    ]);
  });

  it('never goes back when the physical clock does', () => {
    const physical = handClock(5_000);
    const clock = new HybridClock(PHONE, physical.now);
    const first = clock.now();
    physical.set(3_000);
    const second = clock.now();
    expect(second).toEqual({ ms: 5_000, counter: 1, node: PHONE });
    expect(compareHlc(first, second)).toBe(-1);
  });

  it('is strictly monotonic whatever the physical clock does (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 50 }),
        (times) => {
          const physical = handClock(0);
          const clock = new HybridClock(PHONE, physical.now);
          let previous: Hlc | undefined;
          for (const t of times) {
            physical.set(t);
            const stamp = clock.now();
            expect(stamp.ms).toBeGreaterThanOrEqual(t);
            expect(stamp.node).toBe(PHONE);
            if (previous) expect(compareHlc(previous, stamp)).toBe(-1);
            previous = stamp;
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('stamps after a received remote stamp even when its own clock lags far behind', () => {
    const clock = new HybridClock(PHONE, () => 1_000);
    const remote: Hlc = { ms: 90_000, counter: 7, node: SERVER };
    clock.receive(remote);
    const next = clock.now();
    expect(next).toEqual({ ms: 90_000, counter: 8, node: PHONE });
    expect(compareHlc(next, remote)).toBe(1);
  });

  it('ignores a received stamp older than its own', () => {
    const clock = new HybridClock(PHONE, () => 5_000);
    clock.now();
    clock.receive({ ms: 10, counter: 99, node: SERVER });
    expect(clock.now()).toEqual({ ms: 5_000, counter: 1, node: PHONE });
  });

  it('makes every later stamp exceed every received one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ physical: fc.integer({ min: 0, max: 100 }) }),
            fc.record({ remote: hlcArb.map((h) => ({ ...h, ms: h.ms * 30 })) }),
          ),
          { maxLength: 30 },
        ),
        (events) => {
          const physical = handClock(0);
          const clock = new HybridClock(PHONE, physical.now);
          const received: Hlc[] = [];
          for (const event of events) {
            if ('remote' in event) {
              clock.receive(event.remote);
              received.push(event.remote);
            } else {
              physical.set(event.physical);
              const stamp = clock.now();
              for (const r of received) expect(compareHlc(stamp, r)).toBe(1);
            }
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('compareHlc', () => {
  const at = (ms: number, counter: number, node: string): Hlc => ({
    ms,
    counter,
    node: asDeviceId(node),
  });

  it('orders by ms, then counter, then node', () => {
    expect(compareHlc(at(1, 9, 'z'), at(2, 0, 'a'))).toBe(-1);
    expect(compareHlc(at(2, 1, 'a'), at(2, 0, 'z'))).toBe(1);
    expect(compareHlc(at(2, 1, 'a'), at(2, 1, 'b'))).toBe(-1);
    expect(compareHlc(at(2, 1, 'b'), at(2, 1, 'b'))).toBe(0);
  });

  it('is a total order: antisymmetric, 0 only for equal stamps, transitive (property)', () => {
    fc.assert(
      fc.property(hlcArb, hlcArb, hlcArb, (a, b, c) => {
        expect(compareHlc(a, b)).toBe(-compareHlc(b, a) || 0);
        expect(compareHlc(a, b) === 0).toBe(
          a.ms === b.ms && a.counter === b.counter && a.node === b.node,
        );
        if (compareHlc(a, b) <= 0 && compareHlc(b, c) <= 0)
          expect(compareHlc(a, c)).toBeLessThanOrEqual(0);
      }),
      { seed: SEED, numRuns: 1_000 },
    );
  });

  it('sorts any list into the same order whatever the input order (property)', () => {
    fc.assert(
      fc.property(fc.array(hlcArb, { maxLength: 12 }), (stamps) => {
        const sorted = [...stamps].sort(compareHlc);
        const reversed = [...stamps].reverse().sort(compareHlc);
        expect(reversed).toEqual(sorted);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('checkDrift', () => {
  const now = 1_750_000_000_000;
  const stamp = (ms: number): Hlc => ({ ms, counter: 0, node: PHONE });

  it('rejects a stamp too far ahead, saying by how much and what to do', () => {
    const violation = checkDrift(stamp(now + 90_000), now);
    expect(violation?.aheadByMs).toBe(90_000);
    expect(violation?.message).toContain('90000 ms ahead');
    expect(violation?.message).toContain(`at most ${DEFAULT_MAX_DRIFT_MS} ms`);
    expect(violation?.message).toMatch(/correct the device clock/);
  });

  it('accepts a stamp up to the bound ahead, and any stamp behind', () => {
    expect(checkDrift(stamp(now + DEFAULT_MAX_DRIFT_MS), now)).toBeUndefined();
    expect(checkDrift(stamp(now), now)).toBeUndefined();
    expect(checkDrift(stamp(now - 86_400_000), now)).toBeUndefined();
  });

  it('takes its bound as a parameter', () => {
    expect(checkDrift(stamp(now + 1_001), now, 1_000)?.aheadByMs).toBe(1_001);
    expect(checkDrift(stamp(now + 1_000), now, 1_000)).toBeUndefined();
  });

  it('bounds a day-fast device: its stamps are refused', () => {
    const fast = new HybridClock(PHONE, () => now + 86_400_000);
    const violation = checkDrift(fast.now(), now);
    expect(violation?.aheadByMs).toBe(86_400_000);
  });
});
