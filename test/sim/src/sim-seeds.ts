import { expect } from 'vitest';
import type { MergeRules } from '@keepsake/core';
import { devicesFor, runSeed } from './run-seed.js';
import { failureReport, shrinkTrace } from './shrink.js';

/** Runs seeds [from, to] and fails with a shrunk, replayable report for the first bad one. */
export function expectSeedsClean(from: number, to: number, ops = 200, rules?: MergeRules): void {
  for (let seed = from; seed <= to; seed++) {
    const result = runSeed({ seed, ops, ...(rules ? { rules } : {}) });
    if (result.violations.length === 0) continue;
    const devices = devicesFor(seed);
    const shrunk = shrinkTrace(seed, devices, result.trace, rules, 150);
    expect.fail(failureReport(seed, devices, result.violations, shrunk));
  }
}
