// Before a page renders, and so before it opens the store through Dexie. The background upgrades the store after an update,
// but a page opened first would do it, and an upgrade needs its functions (lib/store/migrations.ts,
// kept out of the pages' start chunks): they are loaded when the store on disk is older than the
// schema. An up-to-date store, or none yet (a new store runs no upgrades), loads nothing.
import { DB_NAME, olderOnDisk, provideMigrations } from '../store/db';
import { loadStrings, type Language } from './i18n';

/**
 * What a page (popup, side panel, options) waits for before its first render: the table of the
 * language it will show (a failed load renders in English) and, for an older store, the upgrades.
 */
export async function beforeFirstRender(lang: Language): Promise<void> {
  await Promise.all([loadStrings(lang).catch(() => {}), storeReady()]);
}

export async function storeReady(idb: IDBFactory | undefined = globalThis.indexedDB): Promise<void> {
  if (!(await olderThanSchema(idb))) return;
  try {
    provideMigrations((await import('../store/migrations')).MIGRATIONS);
  } catch (e) {
    // Without them the upgrade fails and leaves the store as it was: the page's reads fail (logged).
    console.error('[unified-inbox] the store upgrade could not load', e);
  }
}

/** Whether the store on disk is older than the schema (Dexie keeps version × 10); when it cannot tell, yes. */
async function olderThanSchema(idb: IDBFactory | undefined): Promise<boolean> {
  if (!idb) return false; // no IndexedDB: no store to upgrade
  return olderOnDisk(DB_NAME, idb);
}
