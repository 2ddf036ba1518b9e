import type { MergeRules } from '@keepsake/core';
import type { Step } from './actions.js';
import { runTrace } from './run-seed.js';

/**
 * Shrinks a failing history: removes ever smaller runs of steps while the run still fails
 * (delta debugging), within a budget of re-runs. The network's own randomness still comes
 * from the seed, so a shrunk trace replays exactly too.
 */
export function shrinkTrace(
  seed: number,
  devices: number,
  trace: readonly Step[],
  rules?: MergeRules,
  budget = 300,
): Step[] {
  const fails = (candidate: readonly Step[]) =>
    runTrace(seed, devices, candidate, rules).violations.length > 0;
  let current = [...trace];
  let runs = 0;
  for (
    let chunk = Math.ceil(current.length / 2);
    chunk >= 1 && runs < budget;
    chunk = Math.floor(chunk / 2)
  ) {
    for (let start = 0; start < current.length && runs < budget;) {
      const candidate = [...current.slice(0, start), ...current.slice(start + chunk)];
      runs += 1;
      if (fails(candidate)) current = candidate;
      else start += chunk;
    }
  }
  return current;
}

export function describeStep(step: Step): string {
  switch (step.t) {
    case 'act':
      return `device${step.device}x ${step.action} (r=${step.r})`;
    case 'fault':
      return `FAULT ${step.fault} device${step.device}x`;
    case 'ticks':
      return `wait ${step.n} ticks`;
  }
}

/** The report for a failing seed: what broke, the shortest history found, how to replay it. */
export function failureReport(
  seed: number,
  devices: number,
  violations: readonly string[],
  shrunk: readonly Step[],
): string {
  const steps = shrunk
    .filter((s) => s.t !== 'ticks' || s.n > 0)
    .map((s, i) => `  ${i + 1}. ${describeStep(s)}`);
  return [
    `seed ${seed} (${devices} devices) violates DESIGN §4:`,
    ...violations.slice(0, 10).map((v) => `  - ${v}`),
    `shrunk history (${shrunk.length} steps):`,
    ...steps,
    `replay: npm run sim -- --seed ${seed} --devices ${devices}`,
  ].join('\n');
}
