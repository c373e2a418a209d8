// Reading the store reactively: a Dexie liveQuery re-runs when anything it read changes, in any
// context (the background writes, the popup sees it without reopening).
import { liveQuery } from 'dexie';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { InboxDb } from '../store/db';
import type { Conversation } from '../shared/model';
import type { SearchHit } from '../store/search';
import { watchInbox } from '../store/inbox-live';

let searchEngine: Promise<typeof import('../store/search-live')> | undefined;

/**
 * The search engine (lib/store/search.ts and search-live.ts, 3.3 KB gz) is a chunk of its own,
 * loaded when the search box takes focus or a query is typed: the popup opens without it.
 */
export function loadSearch(): Promise<typeof import('../store/search-live')> {
  searchEngine ??= import('../store/search-live').catch((e: unknown) => {
    searchEngine = undefined; // a failed load is tried again by the next query
    throw e;
  });
  return searchEngine;
}

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

/**
 * The whole conversation list as inbox() orders it, null until read; after a write, only the
 * conversations it changed are read again (lib/store/inbox-live.ts). `enabled: false` holds the
 * read back until it turns true.
 */
export function useInbox(db: InboxDb, enabled: boolean): Conversation[] | null {
  const [list, setList] = useState<Conversation[] | null>(null);
  useEffect(() => {
    if (!enabled) return;
    return watchInbox(db, setList, (e) => console.error('[unified-inbox] query failed', e));
  }, [db, enabled]);
  return list;
}

/**
 * The messages matching `query`, kept current as the store changes (lib/store/search-live.ts):
 * `hits` is null until the first run has answered, [] for no query. A new query shows the last
 * results until its own arrive (no flash of "Searching…" on every keystroke), as the live queries
 * do. `failed`: the search engine could not load, or the query's last run failed (the list says so
 * instead of "Searching…" for ever); a new query tries again.
 */
export function useSearch(
  db: InboxDb,
  query: string,
  held: ReadonlyMap<string, Conversation> | null = null,
): { hits: SearchHit[] | null; failed: boolean } {
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [failed, setFailed] = useState(false);
  // The conversations the page holds change with every list update; the search reads the latest
  // without running again for it.
  const heldNow = useRef(held);
  heldNow.current = held;
  useEffect(() => {
    setFailed(false);
    if (!query) return;
    let live = true;
    let stop: (() => void) | undefined;
    let answered = false;
    const fail = (what: string) => (e: unknown) => {
      console.error(`[unified-inbox] search ${what}`, e);
      if (!live) return;
      setFailed(true);
      // Not the last query's results under this query's failure; a failed live re-run keeps its own.
      if (!answered) setHits(null);
    };
    loadSearch().then((engine) => {
      if (!live) return;
      const shown = (found: SearchHit[]) => {
        answered = true;
        setFailed(false);
        setHits(found);
      };
      stop = engine.watchSearch(db, query, shown, fail('failed'), (id) => heldNow.current?.get(id));
    }, fail('could not load'));
    return () => {
      live = false;
      stop?.();
    };
  }, [db, query]);
  return query ? { hits, failed } : { hits: [], failed: false };
}
