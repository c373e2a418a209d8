// A store written by every released schema (v1 to v4) opens with the current one with nothing
// lost, and its messages are searchable (v4 rebuilds the index from the stored messages). The
// fixtures are Instagram's (ids v5 leaves alone); v5's own rewrites have their tests below.
import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { expect, test } from 'vitest';
import { openDb, provideMigrations } from '../../../lib/store/db';
import { MIGRATIONS } from '../../../lib/store/migrations';
import { mergeIngest } from '../../../lib/worker/merge';
import { migrateIdsV5, STORE_NAMES } from '../../../lib/store/rekey';
import { provisionalKey, type Conversation, type Message } from '../../../lib/shared/model';
import { snapshotChat } from '../helpers/factories';
import { openV1 } from '../helpers/released-schemas';
import { docOf, searchMessages } from '../../../lib/store/search';

// As the background does before it opens the store (lib/pages/store-ready.ts: the pages, on demand).
provideMigrations(MIGRATIONS);

const T0 = Date.UTC(2026, 10, 20, 9, 0);

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
  await v1.table('outbox').put({
    id: 'o1',
    conversationId: conv.id,
    platform: 'instagram',
    text: 'hi',
    state: 'queued',
    createdAt: T0,
    updatedAt: T0,
    attempts: 0,
  });
  await v1.table('health').put({ platform: 'instagram', state: 'ok', checkedAt: T0 });
  await v1.table('meta').put({ key: 'k', value: { n: 1 } });
  v1.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBeGreaterThanOrEqual(2);
  expect(await db.conversations.toArray()).toEqual([{ ...conv, unreadWeight: 1 }]);
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
  await v2.table('outbox').put({
    id: 'o1',
    conversationId: conv.id,
    platform: 'instagram',
    text: 'hi',
    state: 'sent',
    createdAt: T0,
    updatedAt: T0,
    attempts: 1,
  });
  await v2.table('meta').put({ key: 'k', value: 2 });
  v2.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBe(7);
  expect(await db.conversations.toArray()).toEqual([{ ...conv, personId: 'person:1', unreadWeight: 1 }]);
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
  await v3.table('outbox').put({
    id: 'o1',
    conversationId: conv.id,
    platform: 'instagram',
    text: 'hi',
    state: 'queued',
    createdAt: T0,
    updatedAt: T0,
    attempts: 0,
  });
  v3.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBe(7);
  expect(await db.conversations.toArray()).toEqual([{ ...conv, unreadWeight: 1 }]);
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

/** Exactly the v4 schema as released (v3, the search index one record per message). */
function openV4(name: string): Dexie {
  const db = openV3(name);
  db.version(4).stores({ searchTerms: null, searchDocs: '[rank+messageId], *terms' });
  return db;
}

function stored(platform: Conversation['platform'], nativeId: string, over: Partial<Conversation> = {}): Conversation {
  return { ...conv, id: `${platform}:${nativeId}`, platform, nativeId, title: nativeId, personId: null, ...over };
}

/** A message as v4 stored it: its id joined with raw `:`, whatever the parts held. */
function storedMessage(c: Conversation, nativeId: string, order: number, text: string): Message {
  return { ...message(order, text), id: `${c.id}:${nativeId}`, conversationId: c.id, platform: c.platform, nativeId };
}

test('v5 moves WhatsApp chats stored under their title to titleKey, with their messages, outbox, person, index and encryption rows', async () => {
  const name = 'migration-v4-whatsapp';
  const v4 = openV4(name);
  const budi = stored('whatsapp', 'Budi Santoso', { personId: 'person:1', unread: true, unreadCount: 3 });
  const family = stored('whatsapp', 'Family', { isGroup: true });
  const already = stored('whatsapp', 'dm/Ani');
  const provisional = stored('whatsapp', '~Rina');
  const msgs = [
    storedMessage(budi, 'm1', 1, 'kopi pagi'),
    { ...storedMessage(budi, 'm2', 2, 'ciphertext'), encrypted: true },
    storedMessage(family, 'g1', 1, 'makan malam'),
    storedMessage(already, 'a1', 1, 'halo ani'),
    storedMessage(provisional, 'r1', 1, 'halo rina'),
  ];
  await v4.table('conversations').bulkPut([budi, family, already, provisional]);
  await v4.table('messages').bulkPut(msgs);
  await v4.table('searchDocs').bulkPut(msgs.flatMap((m) => docOf(m) ?? []));
  await v4.table('people').put({ id: 'person:1', name: 'Budi', createdAt: T0, updatedAt: T0 });
  await v4.table('outbox').put({
    id: 'o1',
    conversationId: budi.id,
    platform: 'whatsapp',
    text: 'kopi pagi',
    state: 'sent',
    messageId: msgs[0]!.id,
    createdAt: T0,
    updatedAt: T0,
    attempts: 1,
  });
  await v4
    .table('e2eeSessions')
    .put({ conversationId: budi.id, status: 'active', incomingInvite: { messageId: msgs[1]!.id }, updatedAt: T0 });
  await v4.table('e2eePlain').bulkPut([
    { id: msgs[1]!.id, conversationId: budi.id, armorId: 'a1', updatedAt: T0 },
    { id: 'armor:a1', conversationId: budi.id, armorId: 'a1', mainId: msgs[1]!.id, updatedAt: T0 },
  ]);
  v4.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBe(7);
  expect((await db.conversations.orderBy('id').primaryKeys()).sort()).toEqual(
    ['whatsapp:dm/Ani', 'whatsapp:dm/Budi Santoso', 'whatsapp:group/Family', 'whatsapp:~Rina'].sort(),
  );
  const moved = await db.conversations.get('whatsapp:dm/Budi Santoso');
  expect(moved).toEqual({ ...budi, id: 'whatsapp:dm/Budi Santoso', nativeId: 'dm/Budi Santoso', unreadWeight: 3 });
  expect((await db.conversations.get('whatsapp:group/Family'))?.nativeId).toBe('group/Family');
  expect(await db.messages.count()).toBe(5);
  const m1 = await db.messages.get('whatsapp:dm/Budi Santoso:m1');
  expect(m1).toEqual({ ...msgs[0], id: 'whatsapp:dm/Budi Santoso:m1', conversationId: 'whatsapp:dm/Budi Santoso' });
  expect((await db.messages.get('whatsapp:dm/Budi Santoso:m2'))?.encrypted).toBe(true);
  expect(await db.messages.get('whatsapp:group/Family:g1')).toBeTruthy();
  expect(await db.messages.get(msgs[3]!.id)).toEqual(msgs[3]);
  expect(await db.messages.get(msgs[4]!.id)).toEqual(msgs[4]);
  expect(await db.outbox.get('o1')).toMatchObject({ conversationId: 'whatsapp:dm/Budi Santoso', messageId: 'whatsapp:dm/Budi Santoso:m1' });
  expect(await db.e2eeSessions.get(budi.id)).toBeUndefined();
  expect(await db.e2eeSessions.get('whatsapp:dm/Budi Santoso')).toMatchObject({
    status: 'active',
    incomingInvite: { messageId: 'whatsapp:dm/Budi Santoso:m2' },
  });
  expect(await db.e2eePlain.get(msgs[1]!.id)).toBeUndefined();
  expect(await db.e2eePlain.get('whatsapp:dm/Budi Santoso:m2')).toMatchObject({
    conversationId: 'whatsapp:dm/Budi Santoso',
    armorId: 'a1',
  });
  expect(await db.e2eePlain.get('armor:a1')).toMatchObject({
    conversationId: 'whatsapp:dm/Budi Santoso',
    mainId: 'whatsapp:dm/Budi Santoso:m2',
  });
  expect(await db.searchDocs.count()).toBe(4); // every message but the encrypted one, none twice
  expect((await searchMessages(db, 'kopi')).map((h) => [h.message.id, h.conversation.id])).toEqual([
    ['whatsapp:dm/Budi Santoso:m1', 'whatsapp:dm/Budi Santoso'],
  ]);
  expect((await searchMessages(db, 'makan')).map((h) => h.message.id)).toEqual(['whatsapp:group/Family:g1']);
  // A list row of unknown kind (the 2026 adapter's provisional key) means the chat of that title.
  await mergeIngest(db, {
    type: 'ingest',
    platform: 'whatsapp',
    batchId: 'b1',
    health: { state: 'ok' },
    conversations: [
      snapshotChat(provisionalKey('Budi Santoso'), { title: 'Budi Santoso', provisional: true, preview: 'besok ya', listRank: 4 }),
    ],
    thread: null,
  });
  expect(await db.conversations.count()).toBe(4);
  expect(await db.conversations.get('whatsapp:dm/Budi Santoso')).toMatchObject({ preview: 'besok ya', listRank: 4 });
  db.close();
});

test('v5 escapes `%` and `:` inside id parts, rewriting only the records whose parts hold them', async () => {
  const name = 'migration-v4-escape';
  const v4 = openV4(name);
  const colon = stored('instagram', 'x:y', { personId: 'person:1' });
  const plain = stored('instagram', 'plain', { personId: 'person:1' });
  const msgs = [
    storedMessage(colon, 'm1', 1, 'satu'),
    storedMessage(plain, 'q:r', 2, 'dua'),
    storedMessage(plain, 'p%3As', 3, 'tiga'),
    storedMessage(plain, 'm9', 4, 'empat'),
  ];
  await v4.table('conversations').bulkPut([colon, plain]);
  await v4.table('messages').bulkPut(msgs);
  await v4.table('searchDocs').bulkPut(msgs.flatMap((m) => docOf(m) ?? []));
  await v4.table('outbox').put({
    id: 'o1',
    conversationId: colon.id,
    platform: 'instagram',
    text: 'satu',
    state: 'sent',
    messageId: msgs[0]!.id,
    createdAt: T0,
    updatedAt: T0,
    attempts: 1,
  });
  await v4.table('e2eeSessions').put({ conversationId: colon.id, status: 'none', updatedAt: T0 });
  await v4.table('e2eePlain').put({ id: msgs[1]!.id, conversationId: plain.id, armorId: 'b1', updatedAt: T0 });
  v4.close();

  const db = openDb(name);
  await db.open();
  expect((await db.conversations.toCollection().primaryKeys()).sort()).toEqual(['instagram:plain', 'instagram:x%3Ay']);
  expect(await db.conversations.get('instagram:x%3Ay')).toEqual({ ...colon, id: 'instagram:x%3Ay', unreadWeight: 1 });
  expect((await db.messages.toCollection().primaryKeys()).sort()).toEqual(
    ['instagram:plain:m9', 'instagram:plain:p%253As', 'instagram:plain:q%3Ar', 'instagram:x%3Ay:m1'].sort(),
  );
  expect(await db.messages.get('instagram:plain:m9')).toEqual(msgs[3]); // untouched
  expect(await db.messages.get('instagram:plain:p%253As')).toMatchObject({ nativeId: 'p%3As', order: 3, text: 'tiga' });
  expect(await db.outbox.get('o1')).toMatchObject({ conversationId: 'instagram:x%3Ay', messageId: 'instagram:x%3Ay:m1' });
  expect(await db.e2eeSessions.toCollection().primaryKeys()).toEqual(['instagram:x%3Ay']);
  expect(await db.e2eePlain.toCollection().primaryKeys()).toEqual(['instagram:plain:q%3Ar']);
  expect(await db.searchDocs.count()).toBe(4);
  expect((await searchMessages(db, 'tiga')).map((h) => h.message.id)).toEqual(['instagram:plain:p%253As']);
  expect((await searchMessages(db, 'satu')).map((h) => h.conversation.id)).toEqual(['instagram:x%3Ay']);
  // Run again on the live store (as after an import): what is already in the current form stays.
  const snapshot = async () =>
    Promise.all([db.conversations.toArray(), db.messages.toArray(), db.outbox.toArray(), db.searchDocs.toArray(), db.e2eePlain.toArray()]);
  const before = await snapshot();
  await db.transaction(
    'rw',
    STORE_NAMES.map((t) => db.table(t)),
    () => migrateIdsV5(db, T0),
  );
  expect(await snapshot()).toEqual(before);
  db.close();
});

/** Exactly the v5 schema as released (v4 plus the aliases table). */
function openV5(name: string): Dexie {
  const db = openV4(name);
  db.version(5).stores({ aliases: '[from+to], from, to' });
  return db;
}

test('v6 gives each conversation what it adds to the badge, indexed, and leaves everything else as it was', async () => {
  const name = 'migration-v5-weight';
  const v5 = openV5(name);
  const list = [
    stored('whatsapp', 'counted', { unread: true, unreadCount: 4 }),
    stored('whatsapp', 'marked', { unread: true, unreadCount: null }),
    stored('whatsapp', 'read', { unread: false, unreadCount: 5 }),
    stored('instagram', 'one', { unread: true, unreadCount: 9 }),
    stored('messenger', 'muted', { unread: true, muted: true }),
    stored('messenger', 'archived', { unread: true, archived: true }),
  ];
  await v5.table('conversations').bulkPut(list);
  const msgs = [storedMessage(list[0]!, 'm1', 1, 'Kopí dulu'), storedMessage(list[0]!, 'm2', 2, 'kopdar besok')];
  await v5.table('messages').bulkPut(msgs);
  await v5.table('searchDocs').bulkPut(msgs.flatMap((m) => docOf(m) ?? []));
  v5.close();

  const db = openDb(name);
  await db.open();
  expect(db.verno).toBe(7);
  const weights = Object.fromEntries((await db.conversations.toArray()).map((c) => [c.nativeId, c.unreadWeight]));
  expect(weights).toEqual({ counted: 4, marked: 1, read: undefined, one: 1, muted: undefined, archived: undefined });
  for (const c of await db.conversations.toArray())
    expect(c).toEqual({ ...list.find((o) => o.id === c.id), ...(c.unreadWeight ? { unreadWeight: c.unreadWeight } : {}) });
  expect((await db.conversations.where('unreadWeight').above(0).primaryKeys()).sort()).toEqual(
    ['instagram:one', 'whatsapp:counted', 'whatsapp:marked'].sort(),
  );
  // The index's words, each once, and search finds through them.
  expect(await db.searchWords.toCollection().primaryKeys()).toEqual(['besok', 'dulu', 'kopdar', 'kopi']);
  expect((await searchMessages(db, 'kop')).map((h) => h.message.id.split(':').at(-1))).toEqual(['m2', 'm1']);
  // v7: no posting blocks yet (compaction gives them to frequent words); search reads the index.
  expect(await db.searchDense.count()).toBe(0);
  expect(await db.searchBlocks.count()).toBe(0);
  expect((await searchMessages(db, 'kop besok')).map((h) => h.message.id.split(':').at(-1))).toEqual(['m2']);
  db.close();
});
