import { describe, expect, it } from 'vitest';
import { runSeed } from './run-seed.js';
import { MUTANTS, type MutantName } from './mutants.js';

const SEED_BUDGET = 300;

/** The first seed whose run breaks an invariant under these rules, with what broke. */
function firstViolation(name: MutantName): { seed: number; violations: string[] } | undefined {
  for (let seed = 1; seed <= SEED_BUDGET; seed++) {
    const { violations } = runSeed({ seed, rules: MUTANTS[name] });
    if (violations.length > 0) return { seed, violations };
  }
  return undefined;
}

describe('the simulation has teeth: each known-bad rule is caught', () => {
  const expectations: Record<MutantName, RegExp> = {
    'resend-dropped-as-duplicate': /no silent drop/,
    'content-by-wall-clock': /no loss/,
    'delete-beats-edit': /no loss: .* in the trash with versions its trash never saw/,
    'tombstones-forgotten': /no resurrection/,
    'dedupe-by-file-name': /bit-exact|no loss|no duplicates/,
    'edit-leaves-ghost': /ghost/,
  };
  for (const [name, pattern] of Object.entries(expectations) as [MutantName, RegExp][]) {
    it(`${name}: found within ${SEED_BUDGET} seeds`, () => {
      const found = firstViolation(name);
      expect(found, `${name} went unnoticed for ${SEED_BUDGET} seeds`).toBeDefined();
      expect(found?.violations.join('\n')).toMatch(pattern);
    });
  }
});
