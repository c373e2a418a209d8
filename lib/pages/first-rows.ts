// The popup's and side panel's first rows, read with bare IndexedDB by a tiny classic script that
// the page runs before its module chunks have loaded (entrypoints/first-rows.ts): the store read
// then overlaps the loading of the app's JS instead of following it. The app takes the rows over
// on its first render. No Dexie here (it is what this avoids waiting for); the names below are
// lib/store/db.ts's (tests/unit/pages/first-rows.test.ts holds them equal), and only reads are made.
import type { Conversation } from '../shared/model';
import { headOf } from '../store/queries';

/** lib/store/db.ts DB_NAME, its `conversations` table and that table's `lastMessageAt` index. */
export const STORE_NAME = 'unified-inbox';
export const CONVERSATIONS = 'conversations';
export const BY_TIME = 'lastMessageAt';

/** How many rows the early read takes (Inbox HEAD_ROWS: more than the tallest panel shows). */
export const FIRST_ROWS = 50;

export interface FirstRows {
  /** Set once the read has finished: the rows, or null when there was nothing to read. */
  rows?: Conversation[] | null;
  done: Promise<Conversation[] | null>;
}

const HANDOFF = '__unifiedInboxFirstRows';

/**
 * The newest rows (exactly the first rows of `inbox()`), or null when the store does not exist yet
 * or cannot be read (the app then reads through Dexie). Never creates or upgrades the store.
 */
export function readFirstRows(idb: IDBFactory, { name = STORE_NAME, limit = FIRST_ROWS } = {}): Promise<Conversation[] | null> {
  return new Promise((resolve) => {
    let req: IDBOpenDBRequest;
    try {
      req = idb.open(name);
    } catch {
      resolve(null);
      return;
    }
    // Only a store that does not exist yet gets here: abort, so none is created.
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onerror = (e) => {
      e.preventDefault(); // expected when the store does not exist yet
      resolve(null);
    };
    req.onblocked = () => resolve(null);
    req.onsuccess = () => {
      const db = req.result;
      const finish = (rows: Conversation[] | null) => {
        db.close();
        resolve(rows);
      };
      // Never hold up the background's schema upgrades.
      db.onversionchange = () => finish(null);
      try {
        const tx = db.transaction(CONVERSATIONS, 'readonly');
        const newest: Conversation[] = [];
        const cursor = tx.objectStore(CONVERSATIONS).index(BY_TIME).openCursor(null, 'prev');
        cursor.onsuccess = () => {
          const c = cursor.result;
          if (c && newest.length < limit) {
            const row = c.value as Conversation;
            if (!row.archived) newest.push(row);
            c.continue();
          } else finish(headOf(newest, limit));
        };
        cursor.onerror = () => finish(null);
      } catch {
        finish(null); // no such table or index: a store this code does not know
      }
    };
  });
}

/** Run by the early script: starts the read and leaves it for the app. */
export function startFirstRows(): void {
  const g = globalThis as { [HANDOFF]?: FirstRows; indexedDB?: IDBFactory };
  if (!g.indexedDB) return;
  const handoff: FirstRows = { done: readFirstRows(g.indexedDB) };
  handoff.done.then((rows) => (handoff.rows = rows));
  g[HANDOFF] = handoff;
}

/** The app's first render takes the early read over (once: a later list reads the store itself). */
export function takeFirstRows(): FirstRows | undefined {
  const g = globalThis as { [HANDOFF]?: FirstRows };
  const handoff = g[HANDOFF];
  delete g[HANDOFF];
  return handoff;
}
