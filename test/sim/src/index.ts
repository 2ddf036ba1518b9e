export {
  runSeed,
  runTrace,
  devicesFor,
  serverLogOf,
  type SimOptions,
  type SimResult,
} from './run-seed.js';
export { generateTrace, type Step } from './actions.js';
export { Prng } from './prng.js';
