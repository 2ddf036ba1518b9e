import { useState } from 'react';
import type { WireOp } from '../api/client.js';
import { useLibrary } from './library-context.js';

// A change made from a page, and what came of it.

interface Outcome {
  readonly status: string;
  readonly message?: string;
}

/**
 * What went wrong with a change, from the server's reply to its op (for a duplicate, the first
 * outcome); undefined when it went through.
 */
export function replyProblem(reply: Outcome & { readonly first?: Outcome }): string | undefined {
  const outcome = reply.first ?? reply;
  return outcome.status === 'rejected' || outcome.status === 'retry' ? outcome.message : undefined;
}

/**
 * Work started from a page: busy while it is on its way, what went wrong if anything did, and
 * `onDone` afterwards either way (the page reads again what changed).
 */
export function useAttempt(onDone?: () => void) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const attempt = async (work: () => Promise<string | undefined>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      setProblem(await work());
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
      onDone?.();
    }
  };
  return { busy, problem, attempt };
}

/** A change to the library as an op from this browser, with what came of it. */
export function useChange(onDone?: () => void) {
  const { head, device } = useLibrary();
  const { busy, problem, attempt } = useAttempt(onDone);
  const change = (payload: WireOp['payload']) =>
    attempt(async () => replyProblem(await device.submit(payload, head)));
  return { busy, problem, change };
}
