// The popup's and side panel's first rows, read with bare IndexedDB by a tiny classic script that
// the page runs before anything else (entrypoints/first-rows.ts), and painted by it as the app's
// first frame (first-paint.ts). The app's modules are loaded after that frame has been shown
// (firstFrameShown), and the app takes the rows over on its first render. No Dexie here (it is what
// this avoids waiting for); the names below are lib/store/db.ts's (tests/unit/pages/first-rows.test.ts
// holds them equal), and only reads are made.
import type { Conversation } from '../shared/model';
import { headOf } from '../store/queries';
import { paintFirstFrame } from './first-paint';

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
  /**
   * The interface language stored in the settings (`uiLanguage`, unchecked: 'auto', 'en', 'id' or
   * anything), read beside the rows so the first frame and the app's first render already use it;
   * undefined until read, null when there is none.
   */
  languageChoice?: string | null;
  /** Settles once the rows painted from this read have been on screen for a frame (or nothing was painted). */
  shown: Promise<void>;
}

const HANDOFF = '__unifiedInboxFirstRows';

/** lib/shared/settings.ts SETTINGS_KEY (not imported: it would bring valibot and the polyfill along). */
export const SETTINGS_KEY = 'settings';

interface StorageArea {
  get(key: string): Promise<Record<string, unknown>> | void;
}

/**
 * The stored `uiLanguage`, or null. Chrome's `chrome.storage` and Firefox's `browser.storage` both
 * return promises here; anything else (no API, an error, an odd record) reads as null.
 */
export function readLanguageChoice(g: {
  browser?: { storage?: { local?: StorageArea } };
  chrome?: { storage?: { local?: StorageArea } };
}): Promise<string | null> {
  try {
    const got = (g.browser ?? g.chrome)?.storage?.local?.get(SETTINGS_KEY);
    if (!got) return Promise.resolve(null);
    return got.then(
      (stored) => {
        const choice = (stored?.[SETTINGS_KEY] as { uiLanguage?: unknown } | undefined)?.uiLanguage;
        return typeof choice === 'string' ? choice : null;
      },
      () => null,
    );
  } catch {
    return Promise.resolve(null);
  }
}

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
        const index = db.transaction(CONVERSATIONS, 'readonly').objectStore(CONVERSATIONS).index(BY_TIME);
        if (canReadBackwards(index)) readInOneRequest(index, limit, finish);
        else readWithCursor(index, limit, finish);
      } catch {
        finish(null); // no such table or index: a store this code does not know
      }
    };
  });
}

/** `IDBIndex.getAllRecords` (Chromium 141+): the newest rows in one request instead of one per row. */
interface BackwardsIndex extends IDBIndex {
  getAllRecords(options: { count?: number; direction?: IDBCursorDirection }): IDBRequest<{ value: unknown }[]>;
}

function canReadBackwards(index: IDBIndex): index is BackwardsIndex {
  return typeof (index as Partial<BackwardsIndex>).getAllRecords === 'function';
}

/**
 * Twice the rows wanted, newest first, in one request: one task for the whole read where a cursor
 * needs one per row, each waiting its turn on a page that is still loading. Archived chats are left
 * out; in the rare store where more than half of that read is archived, the cursor reads on.
 */
function readInOneRequest(index: BackwardsIndex, limit: number, finish: (rows: Conversation[] | null) => void): void {
  const want = limit * 2;
  const req = index.getAllRecords({ direction: 'prev', count: want });
  req.onsuccess = () => {
    const read = req.result.map((r) => r.value as Conversation);
    const newest = read.filter((c) => !c.archived).slice(0, limit);
    if (newest.length >= limit || read.length < want) finish(headOf(newest, limit));
    else readWithCursor(index, limit, finish);
  };
  req.onerror = () => finish(null);
}

/** The newest `limit` rows that are not archived, one cursor step per row. */
function readWithCursor(index: IDBIndex, limit: number, finish: (rows: Conversation[] | null) => void): void {
  const newest: Conversation[] = [];
  const cursor = index.openCursor(null, 'prev');
  cursor.onsuccess = () => {
    const c = cursor.result;
    if (c && newest.length < limit) {
      const row = c.value as Conversation;
      if (!row.archived) newest.push(row);
      c.continue();
    } else finish(headOf(newest, limit));
  };
  cursor.onerror = () => finish(null);
}

/**
 * Run by the early script: starts the read, paints the rows as the app's first frame (first-paint.ts)
 * and leaves them for the app.
 */
export function startFirstRows(): void {
  const g = globalThis as { [HANDOFF]?: FirstRows; indexedDB?: IDBFactory; document?: Document } & Parameters<typeof readLanguageChoice>[0];
  if (!g.indexedDB) return;
  const done = readFirstRows(g.indexedDB);
  const language = readLanguageChoice(g);
  const handoff: FirstRows = {
    done: done.then((rows) => (handoff.rows = rows)),
    shown: Promise.all([done, language]).then(async ([rows, choice]) => {
      handoff.languageChoice = choice;
      const doc = g.document;
      if (!doc) return;
      await parsed(doc);
      if (paintFirstFrame(doc, rows, choice)) await framePresented();
    }),
  };
  g[HANDOFF] = handoff;
}

/** Once the page's markup is parsed (readyState "interactive" comes before its module scripts run). */
function parsed(doc: Document): Promise<void> {
  if (doc.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => doc.addEventListener('readystatechange', () => resolve(), { once: true }));
}

/** After the next frame has been produced (a hidden page produces none: then after FRAME_WAIT_MS). */
function framePresented(): Promise<void> {
  return new Promise((resolve) => {
    const fallback = setTimeout(resolve, FRAME_WAIT_MS);
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(fallback);
        resolve();
      }, 0),
    );
  });
}

/** Longest wait for a frame that may never come (a page opened hidden). */
const FRAME_WAIT_MS = 100;
/** Longest the app waits for the early paint: a store that takes longer is left to the app. */
export const FIRST_FRAME_WAIT_MS = 300;

/**
 * Settles when the early script's frame has been shown, at once when it painted nothing (an empty
 * store, no early script), and after FIRST_FRAME_WAIT_MS at the latest. The app's code loads after
 * it (lib/pages/start.ts), so fetching and compiling ~170 KB of modules does not compete
 * with the early read and paint for the page's one thread.
 */
export function firstFrameShown(wait = FIRST_FRAME_WAIT_MS): Promise<void> {
  const handoff = (globalThis as { [HANDOFF]?: FirstRows })[HANDOFF];
  if (!handoff) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, wait);
    handoff.shown.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => resolve(),
    );
  });
}

/** The stored language choice the early script read, if it has (the app's first render uses it). */
export function earlyLanguageChoice(): string | null | undefined {
  return (globalThis as { [HANDOFF]?: FirstRows })[HANDOFF]?.languageChoice;
}

/** The app's first render takes the early read over (once: a later list reads the store itself). */
export function takeFirstRows(): FirstRows | undefined {
  const g = globalThis as { [HANDOFF]?: FirstRows };
  const handoff = g[HANDOFF];
  delete g[HANDOFF];
  return handoff;
}
