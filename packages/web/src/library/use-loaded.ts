import { useEffect, useState, type DependencyList } from 'react';
import { failureMessage } from '../api/client.js';

/** An API call's result, as openapi-fetch answers it. */
interface Answer<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * What a page shows, read from the server again whenever `deps` change: the latest answer, and
 * what went wrong with the last read ("<what> could not be loaded: …"), if it did. An answer
 * overtaken by a newer read is dropped, so a slow one never replaces what came after it; what
 * was shown stays while the next read is on its way.
 */
export function useLoaded<T>(
  what: string,
  load: () => Promise<Answer<T>>,
  deps: DependencyList,
): { readonly data: T | undefined; readonly error: string | undefined } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    void load().then((result) => {
      if (!current) return;
      if (result.data === undefined) {
        setError(`${what} could not be loaded: ${failureMessage(result)}`);
        return;
      }
      setError(undefined);
      setData(result.data);
    });
    return () => {
      current = false;
    };
    // The caller names what the read depends on, as with useEffect.
  }, deps);
  return { data, error };
}
