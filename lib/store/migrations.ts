// The upgrade functions of lib/store/db.ts's schema history, apart from it so the pages load them
// only when they find a store older than the schema (lib/pages/store-ready.ts); the background
// provides them before it opens the store (entrypoints/background.ts).
import type { Transaction } from 'dexie';
import type { Conversation, Message } from '../shared/model';
import type { Migrations } from './db';
import { migrateIdsV5 } from './rekey';
import { docOf, termsOf, type DocKey, type SearchDoc, type SearchTerm } from './search-doc';
import { withUnreadWeight } from './unread-weight';

export const MIGRATIONS: Migrations = {
  async v2(tx) {
    const messages = tx.table<Message, string>('messages');
    const terms = tx.table<SearchTerm, [string, string]>('searchTerms');
    const ids = await messages.toCollection().primaryKeys();
    for (let i = 0; i < ids.length; i += 500) {
      const batch = await messages.bulkGet(ids.slice(i, i + 500));
      await terms.bulkPut(batch.flatMap((m) => (m ? termsOf(m) : [])));
    }
  },
  async v4(tx) {
    const messages = tx.table<Message, string>('messages');
    const docs = tx.table<SearchDoc, DocKey>('searchDocs');
    const ids = await messages.toCollection().primaryKeys();
    for (let i = 0; i < ids.length; i += 500) {
      const batch = await messages.bulkGet(ids.slice(i, i + 500));
      await docs.bulkPut(batch.flatMap((m) => (m ? (docOf(m) ?? []) : [])));
    }
  },
  v5: (tx: Transaction) => migrateIdsV5(tx),
  async v6(tx) {
    await tx
      .table<Conversation, string>('conversations')
      .toCollection()
      .modify((c, ref) => {
        ref.value = withUnreadWeight(c);
      });
    const words = await distinctIndexWords(tx.idbtrans.objectStore('searchDocs').index('terms'));
    const table = tx.table<1, string>('searchWords');
    for (let i = 0; i < words.length; i += 5_000) {
      const chunk = words.slice(i, i + 5_000);
      await table.bulkPut(
        chunk.map(() => 1 as const),
        chunk,
      );
    }
  },
};

/** The distinct keys of a multiEntry index, one cursor step each (not one per entry). */
function distinctIndexWords(index: IDBIndex): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const out: string[] = [];
    const req = index.openKeyCursor(null, 'nextunique');
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) return resolve(out);
      out.push(cursor.key as string);
      cursor.continue();
    };
    req.onerror = () => reject(req.error);
  });
}
