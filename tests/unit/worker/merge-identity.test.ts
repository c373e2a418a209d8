// Identity rules of the merge (issues 11 and 12): provisional conversations tied to and folded into
// their real ones, messages first read under a derived id, ids that cannot collide.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { AMBIGUOUS_PROVISIONAL_KEY, mergeIngest } from '../../../lib/worker/merge';
import {
  provisionalKey,
  type ConversationSnapshot,
  type MessageSnapshot,
  type Platform,
  type ThreadSnapshot,
} from '../../../lib/shared/model';
import { linkConversations } from '../../../lib/worker/people';
import type { Ingest } from '../../../lib/shared/protocol';
import { rankOf, searchMessages } from '../../../lib/store/search';
import { snapshotChat as chat, snapshotMessage as msg, storedConversation } from '../helpers/factories';
import { indexAndRebuild } from '../helpers/search-index';
import { conversationOrSuccessor } from '../../../lib/store/queries';
import { openJson, openText, plainContext, sealJson, sealText, sessionsContext, SEAL_CONTEXT } from '../../../lib/store/e2ee/seal';

let db: InboxDb;
let n = 0;
beforeEach(async () => {
  db = openDb(`merge-identity-${n++}`);
  await db.open();
});

const T0 = Date.UTC(2026, 10, 20, 9, 0);
let batchNo = 0;

function ingest(platform: Platform, conversations: ConversationSnapshot[], thread: ThreadSnapshot | null = null): Ingest {
  return { type: 'ingest', platform, batchId: `b${batchNo++}`, health: { state: 'ok' }, conversations, thread };
}

const KEY = provisionalKey('Budi Santoso');
/** Instagram's anchorless chat-list row of Budi: no id, a key made from the title. */
const row = (over: Partial<ConversationSnapshot> = {}) =>
  chat(KEY, {
    title: 'Budi Santoso',
    provisional: true,
    unread: true,
    unreadCount: null,
    preview: 'see you',
    lastMessageAt: T0,
    listRank: 2,
    ...over,
  });
/** The thread of Budi, opened: its URL gives the real id, and it names the row's key. */
const opened = (messages: MessageSnapshot[] = [], nativeId = '1234', isGroup = false): ThreadSnapshot => ({
  conversation: { nativeId, title: 'Budi Santoso', isGroup, provisionalKey: KEY },
  messages,
});

async function state() {
  const conversations = (await db.conversations.orderBy('id').toArray()).map(({ updatedAt: _u, firstSeenAt: _f, ...c }) => c);
  const messages = (await db.messages.orderBy('[conversationId+order]').toArray()).map((m) => [m.id, m.text]);
  const outbox = (await db.outbox.toArray()).map((e) => [e.id, e.conversationId, e.messageId]);
  return { conversations, messages, outbox, docs: (await db.searchDocs.toArray()).map((d) => d.messageId) };
}

describe('provisional conversations', () => {
  test('a thread read folds the provisional conversation into the real one: messages, outbox, person, search, encryption rows', async () => {
    await mergeIngest(db, ingest('instagram', [row()]), T0);
    // Something read under the provisional key (a reply sent from the inbox, a thread read without id).
    await mergeIngest(
      db,
      ingest('instagram', [], {
        conversation: { nativeId: KEY, title: 'Budi Santoso', isGroup: false },
        messages: [msg('m1', { text: 'kopi dulu' }), msg('m2', { text: 'oke' })],
      }),
      T0 + 1,
    );
    const provId = `instagram:${KEY}`;
    await db.conversations.put(storedConversation('whatsapp', 'x'));
    expect(await linkConversations(db, [provId, 'whatsapp:x'], { newId: () => 'p1', now: T0 })).toEqual({
      ok: true,
      personId: 'person:p1',
    });
    await db.outbox.bulkPut([
      {
        id: 'o1',
        conversationId: provId,
        platform: 'instagram',
        text: 'oke',
        state: 'sent',
        messageId: `${provId}:m2`,
        createdAt: T0,
        updatedAt: T0,
        attempts: 1,
      },
      {
        id: 'o2',
        conversationId: provId,
        platform: 'instagram',
        text: 'nanti',
        state: 'queued',
        createdAt: T0,
        updatedAt: T0,
        attempts: 0,
      },
    ]);
    await db.e2eeSessions.put({
      conversationId: provId,
      status: 'none',
      sessions: null,
      sessionId: null,
      peerIdentityKey: null,
      trustedPeerKey: null,
      verified: false,
      keyChanged: false,
      safetyNumber: null,
      encrypt: false,
      incomingInvite: null,
      handledInvites: [],
      updatedAt: T0,
    });
    await db.e2eePlain.put({
      id: `${provId}:m1`,
      conversationId: provId,
      armorId: 'a1',
      kind: 'message',
      state: 'ok',
      direction: 'in',
      sealed: null,
      textHash: 'h',
      partIndex: 0,
      partTotal: 1,
      updatedAt: T0,
    });

    // The real thread already shows m2 (the same message as the provisional one's m2) and m3.
    await mergeIngest(db, ingest('instagram', [], opened([msg('m2', { text: 'oke' }), msg('m3', { text: 'sampai jumpa' })])), T0 + 2);

    expect(await db.conversations.get(provId)).toBeUndefined();
    const real = await db.conversations.get('instagram:1234');
    expect(real).toMatchObject({ title: 'Budi Santoso', unread: true, listRank: 2, personId: 'person:p1' });
    const thread = await db.messages.where('conversationId').equals('instagram:1234').sortBy('order');
    expect(thread.map((m) => m.nativeId)).toEqual(['m1', 'm2', 'm3']);
    expect(await db.messages.count()).toBe(3);
    expect(await db.outbox.get('o1')).toMatchObject({ conversationId: 'instagram:1234', messageId: 'instagram:1234:m2' });
    expect(await db.outbox.get('o2')).toMatchObject({ conversationId: 'instagram:1234', state: 'queued' });
    expect(await db.e2eeSessions.toCollection().primaryKeys()).toEqual(['instagram:1234']);
    expect(await db.e2eePlain.toCollection().primaryKeys()).toEqual(['instagram:1234:m1']);
    expect((await db.e2eePlain.get('instagram:1234:m1'))?.conversationId).toBe('instagram:1234');
    expect((await searchMessages(db, 'kopi')).map((h) => [h.message.id, h.conversation.id])).toEqual([
      ['instagram:1234:m1', 'instagram:1234'],
    ]);
    const { stored, rebuilt } = await indexAndRebuild(db);
    expect(stored).toEqual(rebuilt);
  });

  test('sealed encryption rows still open after the fold (sealed under their first id, which they keep)', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const provId = `instagram:${KEY}`;
    await mergeIngest(
      db,
      ingest('instagram', [], {
        conversation: { nativeId: KEY, title: 'Budi Santoso', isGroup: false },
        messages: [msg('m1', { text: 'armored' })],
      }),
      T0,
    );
    const plainId = `${provId}:m1`;
    await db.e2eePlain.put({
      id: plainId,
      conversationId: provId,
      armorId: 'a1',
      kind: 'message',
      state: 'ok',
      direction: 'in',
      sealed: await sealText(key, 'rahasia', SEAL_CONTEXT.plain(plainId)),
      textHash: 'h',
      partIndex: 0,
      partTotal: 1,
      updatedAt: T0,
    });
    await db.e2eeSessions.put({
      conversationId: provId,
      status: 'active',
      sessions: await sealJson(key, ['s'], SEAL_CONTEXT.sessions(provId)),
      sessionId: 'x',
      peerIdentityKey: null,
      trustedPeerKey: null,
      verified: false,
      keyChanged: false,
      safetyNumber: null,
      encrypt: true,
      incomingInvite: null,
      handledInvites: [],
      updatedAt: T0,
    });

    await mergeIngest(db, ingest('instagram', [], opened([msg('m1', { text: 'armored' })])), T0 + 1);

    const plain = (await db.e2eePlain.get('instagram:1234:m1'))!;
    expect(plain.sealedFor).toBe(plainId);
    expect(await openText(key, plain.sealed!, plainContext(plain))).toBe('rahasia');
    const session = (await db.e2eeSessions.get('instagram:1234'))!;
    expect(await openJson(key, session.sessions!, sessionsContext(session))).toEqual(['s']);
    // Moved again (a second re-key), they keep the first id they were sealed under.
    expect(plainContext({ id: 'elsewhere', sealedFor: plain.sealedFor })).toBe(SEAL_CONTEXT.plain(plainId));
  });

  test('a thread open on the provisional conversation follows it into the real one', async () => {
    await mergeIngest(db, ingest('instagram', [row()]), T0);
    const provId = `instagram:${KEY}`;
    expect((await conversationOrSuccessor(db, provId))?.id).toBe(provId);
    await mergeIngest(db, ingest('instagram', [], opened([msg('m1')])), T0 + 1);
    expect((await conversationOrSuccessor(db, provId))?.id).toBe('instagram:1234');
    expect(await conversationOrSuccessor(db, 'instagram:nothing')).toBeNull();
  });

  test('both records linked to different people: the people become one, every link kept', async () => {
    await mergeIngest(db, ingest('instagram', [row()]), T0);
    await mergeIngest(
      db,
      ingest('instagram', [], { conversation: { nativeId: '1234', title: 'Budi Santoso', isGroup: false }, messages: [] }),
      T0,
    );
    await db.conversations.bulkPut([storedConversation('whatsapp', 'dm/Budi'), storedConversation('messenger', '42')]);
    await linkConversations(db, [`instagram:${KEY}`, 'whatsapp:dm/Budi'], { newId: () => 'a', now: T0 });
    await linkConversations(db, ['instagram:1234', 'messenger:42'], { newId: () => 'b', now: T0 });
    await mergeIngest(db, ingest('instagram', [], opened()), T0 + 1);
    const links = Object.fromEntries((await db.conversations.toArray()).map((c) => [c.id, c.personId]));
    expect(links).toEqual({ 'instagram:1234': 'person:b', 'messenger:42': 'person:b', 'whatsapp:dm/Budi': 'person:b' });
    expect((await db.people.toArray()).map((p) => p.id)).toEqual(['person:b']);
  });

  test('later list rows with the key update the real conversation; none recreates the provisional one', async () => {
    await mergeIngest(db, ingest('instagram', [row()]), T0);
    await mergeIngest(db, ingest('instagram', [], opened()), T0 + 1);
    await mergeIngest(
      db,
      ingest('instagram', [row({ unread: false, preview: 'new news', lastMessageAt: T0 + 120_000, listRank: 0 })]),
      T0 + 180_000,
    );
    expect(await db.conversations.toCollection().primaryKeys()).toEqual(['instagram:1234']);
    expect(await db.conversations.get('instagram:1234')).toMatchObject({
      unread: false,
      preview: 'new news',
      lastMessageAt: T0 + 120_000,
      listRank: 0,
      title: 'Budi Santoso',
    });
  });

  test('a conversation opened before its list row was seen: the row updates it', async () => {
    await mergeIngest(db, ingest('instagram', [], opened([msg('m1')])), T0);
    await mergeIngest(db, ingest('instagram', [row()]), T0 + 1);
    expect(await db.conversations.toCollection().primaryKeys()).toEqual(['instagram:1234']);
    expect(await db.conversations.get('instagram:1234')).toMatchObject({ unread: true, listRank: 2, preview: 'see you' });
  });

  test('a row and its thread in one batch: the row updates the real conversation directly', async () => {
    await mergeIngest(db, ingest('instagram', [row()], opened([msg('m1')])), T0);
    expect(await db.conversations.toCollection().primaryKeys()).toEqual(['instagram:1234']);
    expect(await db.conversations.get('instagram:1234')).toMatchObject({ unread: true, listRank: 2 });
  });

  test('a thread read under the provisional key after the tie goes to the real conversation', async () => {
    await mergeIngest(db, ingest('instagram', [], opened([msg('m1')])), T0);
    await mergeIngest(
      db,
      ingest('instagram', [], { conversation: { nativeId: KEY, title: 'Budi Santoso', isGroup: false }, messages: [msg('m1'), msg('m2')] }),
      T0 + 1,
    );
    expect(await db.conversations.toCollection().primaryKeys()).toEqual(['instagram:1234']);
    expect((await db.messages.orderBy('[conversationId+order]').toArray()).map((m) => m.id)).toEqual([
      'instagram:1234:m1',
      'instagram:1234:m2',
    ]);
  });

  test('a thread naming a real chat id (not a provisional key) as its key ties and folds nothing', async () => {
    await mergeIngest(
      db,
      ingest('instagram', [], { conversation: { nativeId: '5678', title: 'Sari', isGroup: false }, messages: [msg('s1')] }),
      T0,
    );
    await mergeIngest(
      db,
      ingest('instagram', [], { ...opened([msg('m1')]), conversation: { ...opened().conversation, provisionalKey: '5678' } }),
      T0 + 1,
    );
    expect((await db.conversations.toCollection().primaryKeys()).sort()).toEqual(['instagram:1234', 'instagram:5678']);
    expect(await db.messages.get('instagram:5678:s1')).toBeTruthy();
    expect(await db.aliases.count()).toBe(0);
  });

  test('a key tied to two chats named alike updates neither, is counted, and never creates a provisional record', async () => {
    await mergeIngest(db, ingest('instagram', [], opened([], '1111')), T0);
    await mergeIngest(db, ingest('instagram', [], opened([], '2222')), T0);
    const before = await state();
    await mergeIngest(db, ingest('instagram', [row()]), T0 + 1);
    await mergeIngest(db, ingest('instagram', [row({ preview: 'other' })]), T0 + 2);
    expect(await state()).toEqual(before);
    expect((await db.meta.get(AMBIGUOUS_PROVISIONAL_KEY))?.value).toEqual({ skipped: 2, keys: [`instagram:${KEY}`] });
  });

  test('the same batches twice, or in another order, end in the same store', async () => {
    const batches = () => [
      ingest('instagram', [row()]),
      ingest('instagram', [], { conversation: { nativeId: KEY, title: 'Budi Santoso', isGroup: false }, messages: [msg('m1')] }),
      ingest('instagram', [], opened([msg('m1'), msg('m2')])),
      ingest('instagram', [row({ unread: false, listRank: 1 })]),
    ];
    for (const b of [...batches(), ...batches()]) await mergeIngest(db, b, T0);
    const twice = await state();
    expect(twice.conversations.map((c) => c.id)).toEqual(['instagram:1234']);
    expect(twice.messages).toEqual([
      ['instagram:1234:m1', 'text of m1'],
      ['instagram:1234:m2', 'text of m2'],
    ]);

    db = openDb(`merge-identity-${n++}`);
    const [list, provThread, real, list2] = batches();
    for (const b of [real!, provThread!, list!, list2!, real!]) await mergeIngest(db, b, T0);
    const reordered = await state();
    expect(reordered.conversations.map((c) => c.id)).toEqual(['instagram:1234']);
    expect(reordered.messages).toEqual(twice.messages);
    expect(reordered.conversations[0]).toMatchObject({ unread: false, listRank: 1 });
  });

  test('group-ness: a provisional row of unknown kind folds into a group; a group row never into a 1:1 chat', async () => {
    // WhatsApp rows whose kind is unknown come as isGroup false.
    await mergeIngest(db, ingest('whatsapp', [row()]), T0);
    await mergeIngest(db, ingest('whatsapp', [], opened([], 'group/Budi Santoso', true)), T0 + 1);
    expect(await db.conversations.toCollection().primaryKeys()).toEqual(['whatsapp:group/Budi Santoso']);

    // A row known to be a group, then a 1:1 chat of the same name: two chats.
    await mergeIngest(db, ingest('messenger', [row({ isGroup: true })]), T0);
    await mergeIngest(db, ingest('messenger', [], opened([], '99')), T0 + 1);
    expect((await db.conversations.where('platform').equals('messenger').primaryKeys()).sort()).toEqual([
      'messenger:99',
      `messenger:${KEY}`,
    ]);
    expect((await db.conversations.get(`messenger:${KEY}`))?.isGroup).toBe(true);
    // The group row keeps updating its own provisional record, not the 1:1 chat.
    await mergeIngest(db, ingest('messenger', [row({ isGroup: true, preview: 'group talk' })]), T0 + 2);
    expect((await db.conversations.get(`messenger:${KEY}`))?.preview).toBe('group talk');
    expect((await db.conversations.get('messenger:99'))?.preview).toBe('');
  });
});

describe('messages first stored under a derived id', () => {
  const thread = (messages: MessageSnapshot[]): ThreadSnapshot => ({
    conversation: { nativeId: '77', title: 'Ani', isGroup: false },
    messages,
  });
  const conv = 'messenger:77';

  test('derived, then the real id: one message, order, first sighting, encryption mark, outbox and encryption rows kept', async () => {
    await mergeIngest(
      db,
      ingest(
        'messenger',
        [],
        thread([msg('a'), msg('d1', { text: 'halo', sender: { name: 'You', isSelf: true }, status: 'sent' }), msg('c')]),
      ),
      T0,
    );
    const derived = (await db.messages.get(`${conv}:d1`))!;
    await db.messages.put({ ...derived, encrypted: true });
    await db.searchDocs.delete([rankOf(derived), derived.id]); // an encrypted message is not indexed
    await db.outbox.put({
      id: 'o1',
      conversationId: conv,
      platform: 'messenger',
      text: 'halo',
      state: 'sent',
      messageId: `${conv}:d1`,
      createdAt: T0,
      updatedAt: T0,
      attempts: 1,
    });
    await db.e2eePlain.put({
      id: `${conv}:d1`,
      conversationId: conv,
      armorId: 'a1',
      kind: 'message',
      state: 'ok',
      direction: 'out',
      sealed: null,
      textHash: 'h',
      partIndex: 0,
      partTotal: 1,
      updatedAt: T0,
    });

    const real = msg('mid.real', { text: 'halo', sender: { name: 'You', isSelf: true }, status: 'read', formerIds: ['d1'] });
    const r = await mergeIngest(db, ingest('messenger', [], thread([msg('a'), real, msg('c')])), T0 + 60_000);
    expect(r.messagesAdded).toBe(0);
    expect(r.echoed).toEqual([]);
    const rows = await db.messages.where('conversationId').equals(conv).sortBy('order');
    expect(rows.map((m) => m.nativeId)).toEqual(['a', 'mid.real', 'c']);
    const m = rows[1]!;
    expect(m).toMatchObject({ id: `${conv}:mid.real`, order: derived.order, firstSeenAt: T0, encrypted: true, status: 'read' });
    expect(await db.outbox.get('o1')).toMatchObject({ messageId: `${conv}:mid.real` });
    expect(await db.e2eePlain.toCollection().primaryKeys()).toEqual([`${conv}:mid.real`]);
    const { stored, rebuilt } = await indexAndRebuild(db);
    expect(stored).toEqual(rebuilt);
  });

  test('the real id (naming its former id), then a stale read under the derived id: one message', async () => {
    await mergeIngest(db, ingest('messenger', [], thread([msg('a'), msg('mid.real', { text: 'halo', formerIds: ['d1'] })])), T0);
    await mergeIngest(db, ingest('messenger', [], thread([msg('a'), msg('d1', { text: 'halo' })])), T0 + 1);
    expect((await db.messages.toArray()).map((m) => m.nativeId).sort()).toEqual(['a', 'mid.real']);
    const { stored, rebuilt } = await indexAndRebuild(db);
    expect(stored).toEqual(rebuilt);
  });

  test('the same batch twice, and both ids already stored: one message, under the real id, nothing lost', async () => {
    const b = ingest('messenger', [], thread([msg('d1', { text: 'halo' }), msg('mid.real', { text: 'halo' })]));
    await mergeIngest(db, b, T0);
    await db.outbox.put({
      id: 'o1',
      conversationId: conv,
      platform: 'messenger',
      text: 'halo',
      state: 'sent',
      messageId: `${conv}:d1`,
      createdAt: T0,
      updatedAt: T0,
      attempts: 1,
    });
    const fixed = ingest(
      'messenger',
      [],
      thread([msg('mid.real', { text: 'halo', formerIds: ['d1'], reactions: [{ emoji: '👍', count: 1 }] })]),
    );
    await mergeIngest(db, fixed, T0 + 1);
    await mergeIngest(db, fixed, T0 + 2);
    expect((await db.messages.toArray()).map((m) => m.id)).toEqual([`${conv}:mid.real`]);
    expect((await db.messages.get(`${conv}:mid.real`))?.reactions).toEqual([{ emoji: '👍', count: 1 }]);
    expect((await db.outbox.get('o1'))?.messageId).toBe(`${conv}:mid.real`);
    expect((await db.searchDocs.toArray()).map((d) => d.messageId)).toEqual([`${conv}:mid.real`]);
  });
});

describe('ids that cannot collide', () => {
  test('conversation `a:b` + message `c` and conversation `a` + message `b:c` are two messages', async () => {
    const one = { conversation: { nativeId: 'a:b', title: 'One', isGroup: false }, messages: [msg('c', { text: 'from a:b' })] };
    const two = { conversation: { nativeId: 'a', title: 'Two', isGroup: false }, messages: [msg('b:c', { text: 'from a' })] };
    await mergeIngest(db, ingest('instagram', [], one), T0);
    await mergeIngest(db, ingest('instagram', [], two), T0 + 1);
    const rows = await db.messages.toArray();
    expect(rows).toHaveLength(2);
    expect(rows.map((m) => [m.conversationId, m.nativeId, m.text]).sort()).toEqual([
      ['instagram:a%3Ab', 'c', 'from a:b'],
      ['instagram:a', 'b:c', 'from a'],
    ]);
  });

  test('`%` is escaped too, so an escaped-looking native id never meets an escaped one', async () => {
    await mergeIngest(
      db,
      ingest('instagram', [], { conversation: { nativeId: 'a', title: 'A', isGroup: false }, messages: [msg('b:c'), msg('b%3Ac')] }),
      T0,
    );
    expect((await db.messages.toArray()).map((m) => m.nativeId).sort()).toEqual(['b%3Ac', 'b:c']);
  });
});
