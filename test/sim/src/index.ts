export { runSeed, runTrace, devicesFor, type SimOptions, type SimResult } from './run-seed.js';
export { generateTrace, type Step } from './actions.js';
