// The store is declared as its current version alone, and the whole history (every version with
// its upgrade) is added just before it opens only when the store on disk is older: both ways must
// leave the same tables and indexes, and an older store must still be upgraded, whether it is
// opened explicitly or by its first query.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, expect, test, vi } from 'vitest';
import { CURRENT_STORES, openDb, provideMigrations, SCHEMA_VERSION } from '../../../lib/store/db';
import { MIGRATIONS } from '../../../lib/store/migrations';
import { storedConversation } from '../helpers/factories';
import { openV1 } from '../helpers/released-schemas';

provideMigrations(MIGRATIONS);

/** A store written by v1 (empty). */
async function writeV1(name: string): Promise<void> {
  const db = openV1(name);
  await db.open();
  db.close();
}

/** What IndexedDB itself holds: every store's key path and every index's key path and flags. */
async function layoutOnDisk(name: string): Promise<unknown> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const names = Array.from(idb.objectStoreNames).sort();
  const tx = idb.transaction(names, 'readonly');
  const out = names.map((n) => {
    const os = tx.objectStore(n);
    const indexes = Array.from(os.indexNames)
      .sort()
      .map((i) => {
        const ix = os.index(i);
        return { i, keyPath: ix.keyPath, unique: ix.unique, multiEntry: ix.multiEntry };
      });
    return { n, keyPath: os.keyPath, autoIncrement: os.autoIncrement, indexes };
  });
  const version = idb.version;
  idb.close();
  return { version, out };
}

afterEach(async () => {
  for (const d of await indexedDB.databases()) if (d.name) await Dexie.delete(d.name);
  vi.restoreAllMocks();
});

test('a new store and a v1 store upgraded through the whole history end with the same tables and indexes', async () => {
  const fresh = openDb('schema-new');
  await fresh.open();
  fresh.close();
  await writeV1('schema-old');
  const upgraded = openDb('schema-old');
  await upgraded.open();
  upgraded.close();
  const a = await layoutOnDisk('schema-new');
  expect(a).toEqual(await layoutOnDisk('schema-old'));
  expect((a as { version: number }).version).toBe(SCHEMA_VERSION * 10);
  expect(Object.keys(CURRENT_STORES)).not.toContain('searchTerms'); // dropped by v4
});

test('a store of the current version opens without declaring the history; an older one is upgraded through it once, before it opens', async () => {
  const first = openDb('schema-count');
  await first.open();
  first.close();
  const spy = vi.spyOn(Dexie.prototype, 'version');
  const current = openDb('schema-count');
  const declaredAtStart = spy.mock.calls.length;
  await current.open();
  expect(spy.mock.calls.length).toBe(declaredAtStart);
  current.close();

  await writeV1('schema-older');
  const older = openDb('schema-older');
  const before = spy.mock.calls.length;
  await older.open();
  expect(spy.mock.calls.length - before).toBe(SCHEMA_VERSION);
  older.close();
  await older.open(); // reopened: already declared
  expect(spy.mock.calls.length - before).toBe(SCHEMA_VERSION);
  older.close();
});

test('an older store opened by its first query is upgraded first (the upgrade runs on Dexie\u2019s own open)', async () => {
  await writeV1('schema-query');
  const v1 = new Dexie('schema-query');
  v1.version(1).stores({ conversations: 'id, platform, lastMessageAt, personId, updatedAt' });
  const chat = storedConversation('instagram', 'budi', { unread: true, unreadCount: 2 }); // ids v5 leaves alone;
  const asV1: Record<string, unknown> = { ...chat };
  delete asV1.unreadWeight; // v6 adds it
  await v1.table('conversations').put(asV1);
  v1.close();
  const db = openDb('schema-query');
  // No db.open(): the query opens the store, after the upgrades ran.
  expect(await db.conversations.where('unreadWeight').above(0).primaryKeys()).toEqual([chat.id]);
  expect(db.verno).toBe(SCHEMA_VERSION);
  db.close();
});

test('when the browser cannot tell the version on disk, the history is declared (always safe)', async () => {
  await writeV1('schema-unknown');
  vi.spyOn(indexedDB, 'databases').mockRejectedValue(new Error('not supported'));
  const db = openDb('schema-unknown');
  await db.open();
  expect(db.verno).toBe(SCHEMA_VERSION);
  db.close();
  vi.restoreAllMocks();
  expect(((await layoutOnDisk('schema-unknown')) as { version: number }).version).toBe(SCHEMA_VERSION * 10);
});
