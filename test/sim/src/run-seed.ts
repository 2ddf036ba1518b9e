import { defaultRules, type LogEntry, type MergeRules } from '@keepsake/core';
import { applyStep, generateTrace, type Step } from './actions.js';
import { checkInvariants } from './invariants.js';
import { World } from './world.js';

export interface SimOptions {
  readonly seed: number;
  readonly devices?: number;
  readonly ops?: number;
  readonly rules?: MergeRules;
}

export interface SimResult {
  readonly seed: number;
  readonly violations: string[];
  readonly ticks: number;
  readonly logLength: number;
}

const SETTLE_TICKS = 6000;

/** Runs a history in a fresh world, lets it settle with faults off, and checks DESIGN §4. */
export function runTrace(
  seed: number,
  devices: number,
  trace: readonly Step[],
  rules: MergeRules = defaultRules,
): SimResult {
  const { world, settled } = settledWorld(seed, devices, trace, rules);
  const violations = settled
    ? checkInvariants(world)
    : [`liveness: not quiet after ${SETTLE_TICKS} calm ticks`, ...checkInvariants(world)];
  return { seed, violations, ticks: world.tick, logLength: world.server.library.log.head };
}

function settledWorld(seed: number, devices: number, trace: readonly Step[], rules: MergeRules) {
  const world = new World(seed, devices, rules);
  for (const step of trace) applyStep(world, step);
  return { world, settled: world.settle(SETTLE_TICKS) };
}

/**
 * The server's change log once a seed's history has settled: a realistic stream of ops (with
 * retries, conflicts, pairings, purges) for another implementation of the server to replay.
 */
export function serverLogOf(seed: number, ops = 200): readonly LogEntry[] {
  const devices = devicesFor(seed);
  const trace = generateTrace(seed, devices, ops);
  return settledWorld(seed, devices, trace, defaultRules).world.server.library.log.entries;
}

/** The number of devices a seed uses when not told: 3 to 6. */
export const devicesFor = (seed: number): number => 3 + (seed % 4);

export function runSeed({
  seed,
  devices = devicesFor(seed),
  ops = 200,
  rules,
}: SimOptions): SimResult & { trace: Step[] } {
  const trace = generateTrace(seed, devices, ops);
  return { ...runTrace(seed, devices, trace, rules), trace };
}
