import { ServerApiError } from '../server-api.js';

/** Waits after a failure: 1 s doubling to 2 minutes, each with ±50% jitter so devices spread out. */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(120_000, 1000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.5 + random()));
}

/**
 * Whether trying again later may succeed: the server could not be reached, or answered that
 * it is busy or broken. A refusal (a revoked token, a bad request) will not change by waiting.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof ServerApiError)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 429;
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });
