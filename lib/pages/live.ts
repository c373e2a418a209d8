// Reading the store reactively: a Dexie liveQuery re-runs when anything it read changes, in any
// context (the background writes, the popup sees it without reopening).
import { liveQuery } from 'dexie';
import { useEffect, useState } from 'preact/hooks';

/** `enabled: false` holds the query back (its value stays `initial`) until it turns true. */
export function useLive<T>(query: () => Promise<T>, deps: unknown[], initial: T, enabled = true): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    if (!enabled) return;
    const sub = liveQuery(query).subscribe({
      next: setValue,
      error: (e) => console.error('[unified-inbox] query failed', e),
    });
    return () => sub.unsubscribe();
    // The caller's deps decide re-runs: the query closure is new on every render.
  }, [...deps, enabled]);
  return value;
}
