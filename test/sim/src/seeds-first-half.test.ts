import { describe, it } from 'vitest';
import { expectSeedsClean } from './sim-seeds.js';

// `npm test` runs 500 seeds of 200 ops, split over two files so the two cores share them.
describe('simulation: every DESIGN §4 invariant holds under faults', () => {
  it('seeds 1–250, 3–6 devices, 200 ops each', () => {
    expectSeedsClean(1, 250);
  });
});
