// The search vocabulary: every indexed word once, written only when this context has not committed
// it before, and never trusted past an abort or a wipe.
import 'fake-indexeddb/auto';
import { expect, test, vi } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { searchMessages } from '../../../lib/store/search';
import { indexMessages } from '../../../lib/store/search-index';
import { deleteAllData } from '../../../lib/worker/import';
import type { Message } from '../../../lib/shared/model';
import { storedConversation, storedMessage } from '../helpers/factories';

let k = 0;
const conv = storedConversation('whatsapp', 'Budi');
const msg = (n: number, text: string): Message => storedMessage(conv, `m${n}`, n, { text, sentAt: 1_000 + n });

async function store(db: InboxDb, messages: Message[]): Promise<void> {
  await db.transaction('rw', [db.conversations, db.messages, db.searchDocs, db.searchWords, db.searchDense], async () => {
    await db.conversations.put(conv);
    await db.messages.bulkPut(messages);
    await indexMessages(db, messages);
  });
}

const written = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => [...(c[1] as string[])].sort());

test('a batch writes only the words this context has not committed yet', async () => {
  const db = openDb(`words-${k++}`);
  const put = vi.spyOn(db.searchWords, 'bulkPut');
  await store(db, [msg(1, 'kopi dulu'), msg(2, 'kopi besok')]);
  await store(db, [msg(3, 'besok kopi lagi')]);
  await store(db, [msg(4, 'kopi dulu')]);
  expect(written(put)).toEqual([['besok', 'dulu', 'kopi'], ['lagi']]);
  expect((await db.searchWords.toCollection().primaryKeys()).sort()).toEqual(['besok', 'dulu', 'kopi', 'lagi']);
  db.close();
});

test('words of an aborted batch are written again by the next one', async () => {
  const db = openDb(`words-${k++}`);
  await expect(
    db.transaction('rw', [db.conversations, db.messages, db.searchDocs, db.searchWords, db.searchDense], async () => {
      await db.messages.put(msg(1, 'sarapan pagi'));
      await indexMessages(db, [msg(1, 'sarapan pagi')]);
      throw new Error('abort');
    }),
  ).rejects.toThrow('abort');
  expect(await db.searchWords.count()).toBe(0);
  await store(db, [msg(2, 'sarapan siang')]);
  expect((await db.searchWords.toCollection().primaryKeys()).sort()).toEqual(['sarapan', 'siang']);
  expect((await searchMessages(db, 'sar')).map((h) => h.snippet.text)).toEqual(['sarapan siang']);
  db.close();
});

test('after the store is wiped, its words are written again and found', async () => {
  const db = openDb(`words-${k++}`);
  await store(db, [msg(1, 'kopi dulu')]);
  await deleteAllData(db);
  expect(await db.searchWords.count()).toBe(0);
  await store(db, [msg(2, 'kopi dulu')]);
  expect((await db.searchWords.toCollection().primaryKeys()).sort()).toEqual(['dulu', 'kopi']);
  expect((await searchMessages(db, 'kop')).map((h) => h.message.id.split(':').at(-1))).toEqual(['m2']);
  db.close();
});
