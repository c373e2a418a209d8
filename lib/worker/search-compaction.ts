// When the worker seals the search index (lib/store/search-blocks.ts): after every COMPACT_EVERY
// messages it stores, and once per worker life when the store already holds that many unsealed
// records (a worker is stopped after 30 s idle, so a count kept in memory alone would rarely
// reach the mark). One compaction at a time, in the background of the merge that started it.
import type { InboxDb } from '../store/db';
import type { DocKey } from '../store/search-doc';
import { compactSearchIndex, COMPACT_EVERY, SEALED_META, type CompactionReport } from '../store/search-blocks';

export interface CompactionState {
  since: number;
  checked: boolean;
  running: Promise<CompactionReport | null> | null;
}

export const compactionState = (): CompactionState => ({ since: 0, checked: false, running: null });

/**
 * Note `stored` messages written to the store; starts a compaction when it is due and none runs.
 * Returns the running compaction (the tests and the bench wait for it), or null.
 */
export function afterStored(
  db: InboxDb,
  state: CompactionState,
  stored: number,
  log: (what: string, e: unknown) => void,
): Promise<CompactionReport | null> | null {
  state.since += stored;
  if (state.running) return state.running;
  const firstCheck = !state.checked;
  if (!firstCheck && state.since < COMPACT_EVERY) return null;
  state.checked = true;
  state.running = (async () => {
    if (state.since < COMPACT_EVERY && (await unsealedRecords(db)) < COMPACT_EVERY) return null;
    state.since = 0;
    return compactSearchIndex(db);
  })()
    .catch((e: unknown) => {
      log('sealing the search index failed', e);
      return null;
    })
    .finally(() => {
      state.running = null;
    });
  return state.running;
}

/**
 * Index records newer than the last compaction's boundary (all of them before the first). An
 * IndexedDB count walks its whole range (~3 µs a record in Chromium): after a compaction that is
 * the few thousand newest; before the first, the whole store (once per worker life until then).
 */
async function unsealedRecords(db: InboxDb): Promise<number> {
  const last = (await db.meta.get(SEALED_META))?.value as DocKey | undefined;
  return (Array.isArray(last) ? db.searchDocs.where(':id').below(last) : db.searchDocs.toCollection()).count();
}
