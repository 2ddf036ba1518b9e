import { describe, it } from 'vitest';
import { expectSeedsClean } from './sim-seeds.js';

describe('simulation: every DESIGN §4 invariant holds under faults', () => {
  it('seeds 251–500, 3–6 devices, 200 ops each', () => {
    expectSeedsClean(251, 500);
  });
});
