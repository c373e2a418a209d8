// A search that stays current. The query engine (search.ts) reads IndexedDB directly, which a Dexie
// liveQuery cannot follow; instead the search listens to Dexie's `storagemutated`, which reports
// every committed write in this context and, through Dexie's BroadcastChannel, in the others (the
// background's ingest). It runs again only when a write can change its results, so a query costs
// its own reads and nothing for being live.
import { Dexie, RangeSet, rangesOverlap, type ObservabilitySet } from 'dexie';
import type { InboxDb } from './db';
import { FIRST_PAGE, queryWords, searchMessages, type ConversationLookup, type DocKey, type SearchHit } from './search';

/**
 * Whether a write can change a search's results: an index record was written holding a word that
 * one of the query's words starts, or a shown result's record was replaced or deleted (a record no
 * result came from cannot, when deleted, change the newest matches). `all`: Dexie lost track.
 */
export function searchAffected(parts: ObservabilitySet, dbName: string, words: readonly string[], shown: readonly DocKey[]): boolean {
  if (parts.all) return true;
  const terms = parts[`idb://${dbName}/searchDocs/terms`];
  if (terms && words.length) {
    const wanted = new RangeSet();
    for (const w of words) wanted.add({ from: w, to: w + '\uffff' });
    if (rangesOverlap(terms, wanted)) return true;
  }
  const dels = parts[`idb://${dbName}/searchDocs/:dels`];
  return !!dels && shown.length > 0 && rangesOverlap(dels, new RangeSet().addKeys([...shown]));
}

/**
 * Runs `query` now and again after each write that can change its results (one run at a time; writes
 * during a run make one more run after it). The first run hands over its first FIRST_PAGE results as
 * soon as they are loaded, then all of them. `known`: conversations the caller holds, read before
 * the store (see searchMessages). Returns the function that stops it.
 */
export function watchSearch(
  db: InboxDb,
  query: string,
  onHits: (hits: SearchHit[]) => void,
  onError: (e: unknown) => void = (e) => console.error('[unified-inbox] search failed', e),
  known?: ConversationLookup,
): () => void {
  const words = queryWords(query);
  let shown: DocKey[] = [];
  let stopped = false;
  let running = false;
  let again = false;
  let answered = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        // A first run shows its first page as soon as it is loaded. A later run replaces a whole
        // list at once (handing over its first page would cut the list short for a moment).
        const early = answered
          ? undefined
          : {
              count: FIRST_PAGE,
              show: (first: SearchHit[]) => {
                if (!stopped) onHits(first);
              },
            };
        const hits = await searchMessages(db, query, 50, undefined, known, early);
        answered = true;
        if (stopped) return;
        shown = hits.map((h) => [h.message.rank, h.message.id]);
        onHits(hits);
      } while (again && !stopped);
    } catch (e) {
      if (!stopped) onError(e);
    } finally {
      running = false;
    }
  };
  const onChange = (parts: ObservabilitySet) => {
    if (!stopped && searchAffected(parts, db.name, words, shown)) void run();
  };
  Dexie.on('storagemutated', onChange);
  void run();
  return () => {
    stopped = true;
    Dexie.on.storagemutated.unsubscribe(onChange);
  };
}
