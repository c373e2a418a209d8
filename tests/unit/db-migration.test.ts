// A store written by schema v1 opens with the current schema with nothing lost, and its messages
// become searchable (the v2 upgrade builds the index).
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { expect, test } from 'vitest';
import { openDb } from '../../lib/db';
import type { Conversation, Message } from '../../lib/model';
import { searchMessages } from '../../lib/search';

const T0 = Date.UTC(2026, 10, 20, 9, 0);

/** Exactly the v1 schema as released (copied, so later edits to lib/db.ts cannot change it). */
function openV1(name: string): Dexie {
  const db = new Dexie(name);
  db.version(1).stores({
    conversations: 'id, platform, lastMessageAt, personId, updatedAt',
    messages: 'id, conversationId, [conversationId+order], firstSeenAt',
    outbox: 'id, conversationId, state, createdAt',
    health: 'platform',
    meta: 'key',
  });
  return db;
}

const conv: Conversation = {
  id: 'whatsapp:budi',
  platform: 'whatsapp',
  nativeId: 'budi',
  title: 'Budi Santoso',
  isGroup: false,
  unread: true,
  unreadCount: 2,
  muted: false,
  archived: false,
  pinned: true,
  preview: 'Kopí dulu',
  lastMessageAt: T0,
  listRank: 0,
  personId: null,
  firstSeenAt: T0,
  updatedAt: T0,
};

function message(i: number, text: string): Message {
  return {
    id: `whatsapp:budi:m${i}`,
    conversationId: conv.id,
    platform: 'whatsapp',
    nativeId: `m${i}`,
    sender: { name: 'Budi', isSelf: i % 2 === 0 },
    text,
    sentAt: T0 + i,
    timePrecision: 'minute',
    order: i,
    status: i % 2 === 0 ? 'sent' : 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
    firstSeenAt: T0,
    updatedAt: T0,
  };
}

test('a v1 store opens with the current schema, all data intact and indexed for search', async () => {
  const name = 'migration-v1';
  const v1 = openV1(name);
  const messages = Array.from({ length: 1_200 }, (_, i) => message(i, i === 700 ? 'Kopí dulu, sampai jumpa' : `pesan nomor ${i}`));
  await v1.table('conversations').put(conv);
  await v1.table('messages').bulkPut(messages);
  await v1.table('outbox').put({ id: 'o1', conversationId: conv.id, platform: 'whatsapp', text: 'hi', state: 'queued', createdAt: T0, updatedAt: T0, attempts: 0 });
  await v1.table('health').put({ platform: 'whatsapp', state: 'ok', checkedAt: T0 });
  await v1.table('meta').put({ key: 'k', value: { n: 1 } });
  v1.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBeGreaterThanOrEqual(2);
  expect(await db.conversations.toArray()).toEqual([conv]);
  expect(await db.messages.count()).toBe(1_200);
  expect(await db.messages.get('whatsapp:budi:m700')).toEqual(messages[700]);
  expect((await db.outbox.get('o1'))?.state).toBe('queued');
  expect((await db.health.get('whatsapp'))?.state).toBe('ok');
  expect((await db.meta.get('k'))?.value).toEqual({ n: 1 });
  expect(await db.people.count()).toBe(0);
  const hits = await searchMessages(db, 'kopi jump');
  expect(hits.map((h) => h.message.id)).toEqual(['whatsapp:budi:m700']);
  expect((await searchMessages(db, 'nomor')).length).toBe(50); // capped result list
  db.close();
});

/** Exactly the v2 schema as released (v1 plus people and the search index). */
function openV2(name: string): Dexie {
  const db = openV1(name);
  db.version(2).stores({ people: 'id, name', searchTerms: '[term+messageId], term, messageId' });
  return db;
}

test('a v2 store opens as v3 (encryption tables added), all data intact', async () => {
  const name = 'migration-v2';
  const v2 = openV2(name);
  const messages = Array.from({ length: 20 }, (_, i) => message(i, `kabar ${i}`));
  await v2.table('conversations').put({ ...conv, personId: 'person:1' });
  await v2.table('messages').bulkPut(messages);
  await v2.table('people').put({ id: 'person:1', name: 'Budi', createdAt: T0, updatedAt: T0 });
  await v2.table('searchTerms').bulkPut(messages.map((m) => ({ term: 'kabar', messageId: m.id })));
  await v2.table('outbox').put({ id: 'o1', conversationId: conv.id, platform: 'whatsapp', text: 'hi', state: 'sent', createdAt: T0, updatedAt: T0, attempts: 1 });
  await v2.table('meta').put({ key: 'k', value: 2 });
  v2.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBe(3);
  expect(await db.conversations.toArray()).toEqual([{ ...conv, personId: 'person:1' }]);
  expect(await db.messages.bulkGet(messages.map((m) => m.id))).toEqual(messages);
  expect(await db.people.toArray()).toEqual([{ id: 'person:1', name: 'Budi', createdAt: T0, updatedAt: T0 }]);
  expect(await db.searchTerms.count()).toBe(20);
  expect((await db.outbox.get('o1'))?.state).toBe('sent');
  expect((await db.meta.get('k'))?.value).toBe(2);
  expect((await searchMessages(db, 'kabar')).length).toBe(20);
  // The new tables exist, empty, with their indexes.
  expect(await db.e2eeDevice.count()).toBe(0);
  expect(await db.e2eeSessions.count()).toBe(0);
  expect(await db.e2eePlain.where('armorId').equals('x').count()).toBe(0);
  expect(await db.e2eePlain.where('conversationId').equals(conv.id).count()).toBe(0);
  db.close();
});
