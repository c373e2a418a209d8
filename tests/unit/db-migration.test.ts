// A store written by every released schema (v1 to v4) opens with the current one with nothing
// lost, and its messages are searchable (v4 rebuilds the index from the stored messages). The
// fixtures are Instagram's (ids v5 leaves alone); v5's own rewrites have their tests below.
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
  id: 'instagram:budi',
  platform: 'instagram',
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
    id: `instagram:budi:m${i}`,
    conversationId: conv.id,
    platform: 'instagram',
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
  await v1.table('outbox').put({ id: 'o1', conversationId: conv.id, platform: 'instagram', text: 'hi', state: 'queued', createdAt: T0, updatedAt: T0, attempts: 0 });
  await v1.table('health').put({ platform: 'instagram', state: 'ok', checkedAt: T0 });
  await v1.table('meta').put({ key: 'k', value: { n: 1 } });
  v1.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBeGreaterThanOrEqual(2);
  expect(await db.conversations.toArray()).toEqual([conv]);
  expect(await db.messages.count()).toBe(1_200);
  expect(await db.messages.get('instagram:budi:m700')).toEqual(messages[700]);
  expect((await db.outbox.get('o1'))?.state).toBe('queued');
  expect((await db.health.get('instagram'))?.state).toBe('ok');
  expect((await db.meta.get('k'))?.value).toEqual({ n: 1 });
  expect(await db.people.count()).toBe(0);
  const hits = await searchMessages(db, 'kopi jump');
  expect(hits.map((h) => h.message.id)).toEqual(['instagram:budi:m700']);
  expect((await searchMessages(db, 'nomor')).length).toBe(50); // capped result list
  db.close();
});

/** Exactly the v2 schema as released (v1 plus people and the search index). */
function openV2(name: string): Dexie {
  const db = openV1(name);
  db.version(2).stores({ people: 'id, name', searchTerms: '[term+messageId], term, messageId' });
  return db;
}

test('a v2 store opens as the current schema (encryption tables added, index rebuilt), all data intact', async () => {
  const name = 'migration-v2';
  const v2 = openV2(name);
  const messages = Array.from({ length: 20 }, (_, i) => message(i, `kabar ${i}`));
  await v2.table('conversations').put({ ...conv, personId: 'person:1' });
  await v2.table('messages').bulkPut(messages);
  await v2.table('people').put({ id: 'person:1', name: 'Budi', createdAt: T0, updatedAt: T0 });
  await v2.table('searchTerms').bulkPut(messages.map((m) => ({ term: 'kabar', messageId: m.id })));
  await v2.table('outbox').put({ id: 'o1', conversationId: conv.id, platform: 'instagram', text: 'hi', state: 'sent', createdAt: T0, updatedAt: T0, attempts: 1 });
  await v2.table('meta').put({ key: 'k', value: 2 });
  v2.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBe(5);
  expect(await db.conversations.toArray()).toEqual([{ ...conv, personId: 'person:1' }]);
  expect(await db.messages.bulkGet(messages.map((m) => m.id))).toEqual(messages);
  expect(await db.people.toArray()).toEqual([{ id: 'person:1', name: 'Budi', createdAt: T0, updatedAt: T0 }]);
  expect((await db.outbox.get('o1'))?.state).toBe('sent');
  expect((await db.meta.get('k'))?.value).toBe(2);
  // The v2 rows are gone; the index was rebuilt from the messages (every word, not just the rows').
  expect(db.tables.map((t) => t.name)).not.toContain('searchTerms');
  expect(await db.searchDocs.count()).toBe(20);
  expect((await searchMessages(db, 'kabar')).map((h) => h.message.id)).toEqual(messages.map((m) => m.id).reverse());
  expect((await searchMessages(db, 'kabar 7')).map((h) => h.message.id)).toEqual(['instagram:budi:m7']);
  // The encryption tables exist, empty, with their indexes.
  expect(await db.e2eeDevice.count()).toBe(0);
  expect(await db.e2eeSessions.count()).toBe(0);
  expect(await db.e2eePlain.where('armorId').equals('x').count()).toBe(0);
  expect(await db.e2eePlain.where('conversationId').equals(conv.id).count()).toBe(0);
  db.close();
});

/** Exactly the v3 schema as released (v2 plus the encryption tables). */
function openV3(name: string): Dexie {
  const db = openV2(name);
  db.version(3).stores({ e2eeDevice: 'id', e2eeSessions: 'conversationId', e2eePlain: 'id, conversationId, armorId' });
  return db;
}

test('a v3 store opens as the current schema: all data intact, the index rebuilt without encrypted messages', async () => {
  const name = 'migration-v3';
  const v3 = openV3(name);
  const messages = Array.from({ length: 600 }, (_, i) => message(i, i % 100 === 0 ? `Sampai jumpa di bandara ${i}` : `pesan nomor ${i}`));
  const sealed = { ...message(600, 'ciphertext bandara'), encrypted: true };
  // v3 wrote sentAt-less messages too: they sort by when they were first seen.
  const undated = { ...message(601, 'bandara tanpa waktu'), sentAt: null, firstSeenAt: T0 + 10_000 };
  await v3.table('conversations').put(conv);
  await v3.table('messages').bulkPut([...messages, sealed, undated]);
  await v3.table('searchTerms').bulkPut(messages.map((m) => ({ term: 'pesan', messageId: m.id })));
  await v3.table('e2eeDevice').put({ id: 'identity', sealed: null, identityKey: 'k', updatedAt: T0 });
  await v3.table('e2eeSessions').put({ conversationId: conv.id, updatedAt: T0 });
  await v3.table('e2eePlain').put({ id: sealed.id, conversationId: conv.id, armorId: 'a1', updatedAt: T0 });
  await v3.table('outbox').put({ id: 'o1', conversationId: conv.id, platform: 'instagram', text: 'hi', state: 'queued', createdAt: T0, updatedAt: T0, attempts: 0 });
  v3.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBe(5);
  expect(await db.conversations.toArray()).toEqual([conv]);
  expect(await db.messages.count()).toBe(602);
  expect(await db.messages.get(sealed.id)).toEqual(sealed);
  expect(await db.e2eeDevice.get('identity')).toEqual({ id: 'identity', sealed: null, identityKey: 'k', updatedAt: T0 });
  expect(await db.e2eeSessions.get(conv.id)).toEqual({ conversationId: conv.id, updatedAt: T0 });
  expect((await db.e2eePlain.where('armorId').equals('a1').first())?.id).toBe(sealed.id);
  expect((await db.outbox.get('o1'))?.state).toBe('queued');
  expect(await db.searchDocs.count()).toBe(601); // every message but the encrypted one
  const ids = (await searchMessages(db, 'bandara')).map((h) => h.message.id);
  expect(ids).toEqual(['instagram:budi:m601', ...[500, 400, 300, 200, 100, 0].map((i) => `instagram:budi:m${i}`)]);
  expect((await searchMessages(db, 'jump bandara 300')).map((h) => h.message.id)).toEqual(['instagram:budi:m300']);
  expect((await searchMessages(db, 'nomor')).length).toBe(50);
  db.close();
});
