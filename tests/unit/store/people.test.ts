import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { type Conversation, type Message, type Platform } from '../../../lib/shared/model';
import {
  conversationsOf,
  defaultReplyConversation,
  mergeTimelines,
  nameSimilarity,
  suggestLinks,
  timelineOf,
} from '../../../lib/store/people';
import { linkConversations, renamePerson, unlinkConversation } from '../../../lib/worker/people';
import { storedConversation, storedMessage } from '../helpers/factories';

let db: InboxDb;
let n = 0;
let ids = 0;
const newId = () => `p${ids++}`;
beforeEach(async () => {
  db = openDb(`people-test-${n++}`);
  await db.open();
});

const T0 = Date.UTC(2026, 10, 20, 9, 0);

function conv(platform: Platform, nativeId: string, title: string, over: Partial<Conversation> = {}): Conversation {
  return storedConversation(platform, nativeId, { title, firstSeenAt: T0, updatedAt: T0, ...over });
}

function message(c: Conversation, nativeId: string, order: number, sentAt: number | null): Message {
  return storedMessage(c, nativeId, order, {
    text: `${c.platform} ${nativeId}`,
    sentAt,
    timePrecision: sentAt === null ? 'none' : 'minute',
    firstSeenAt: T0,
    updatedAt: T0,
  });
}

describe('name similarity', () => {
  test('same person, however the platform writes the name', () => {
    expect(nameSimilarity('Budi Santoso', 'budi.santoso')).toBe(1);
    expect(nameSimilarity('Budi Santoso', 'BUDI  SANTOSO 🙂')).toBe(1);
    expect(nameSimilarity('José Ramírez', 'Jose Ramirez')).toBe(1);
    expect(nameSimilarity('Sari Wulandari', 'Sari Wulandri')).toBeGreaterThan(0.9);
    expect(nameSimilarity('Budi Santoso', 'Santoso Budi')).toBe(1);
    expect(nameSimilarity('Budi Santoso', 'Budi')).toBeGreaterThanOrEqual(0.65);
  });
  test('different people stay apart', () => {
    expect(nameSimilarity('Budi Santoso', 'Hendra Santoso')).toBeLessThan(0.65);
    expect(nameSimilarity('Maya Putri', 'Ayu Lestari')).toBeLessThan(0.65);
    expect(nameSimilarity('', 'Budi')).toBe(0);
    expect(nameSimilarity('🙂', '🙂')).toBe(0);
  });
});

describe('suggestions', () => {
  test('similar names on other platforms, best first; not groups, not the same platform, not already linked', async () => {
    const wa = conv('whatsapp', '628111', 'Budi Santoso');
    await db.conversations.bulkPut([
      wa,
      conv('instagram', '1', 'budi.santoso'),
      conv('messenger', '2', 'Budi'),
      conv('messenger', '3', 'Hendra Santoso'),
      conv('whatsapp', '628222', 'Budi Santoso (kantor)'),
      conv('instagram', '4', 'Budi Santoso', { isGroup: true }),
    ]);
    const s = await suggestLinks(db, wa.id);
    expect(s.map((x) => x.conversation.id)).toEqual(['instagram:1', 'messenger:2']);
    await linkConversations(db, [wa.id, 'instagram:1'], { newId });
    expect((await suggestLinks(db, wa.id)).map((x) => x.conversation.id)).toEqual(['messenger:2']);
  });
  test('the same encryption identity key on another platform is suggested first, whatever the names', async () => {
    await db.conversations.bulkPut([
      conv('whatsapp', '628111', 'Budi Santoso'),
      conv('instagram', '9', 'bsx_99'),
      conv('messenger', '2', 'Budi'),
      conv('messenger', '7', 'Someone Else'),
    ]);
    const session = (conversationId: string, key: string | null) => ({
      conversationId,
      status: 'active' as const,
      sessions: null,
      sessionId: null,
      peerIdentityKey: key,
      trustedPeerKey: key,
      verified: false,
      keyChanged: false,
      safetyNumber: null,
      encrypt: true,
      incomingInvite: null,
      handledInvites: [],
      updatedAt: 0,
    });
    await db.e2eeSessions.bulkPut([session('whatsapp:628111', 'KEY-A'), session('instagram:9', 'KEY-A'), session('messenger:7', 'KEY-B')]);
    const s = await suggestLinks(db, 'whatsapp:628111');
    expect(s.map((x) => [x.conversation.id, x.reason])).toEqual([
      ['instagram:9', 'key'],
      ['messenger:2', 'name'],
    ]);
  });
  test('a group gets no suggestions', async () => {
    await db.conversations.bulkPut([conv('whatsapp', 'g', 'Trip', { isGroup: true }), conv('instagram', 'g2', 'Trip')]);
    expect(await suggestLinks(db, 'whatsapp:g')).toEqual([]);
  });
});

describe('link, rename, unlink', () => {
  beforeEach(async () => {
    await db.conversations.bulkPut([
      conv('whatsapp', 'w', 'Budi Santoso'),
      conv('instagram', 'i', 'budi.santoso'),
      conv('messenger', 'm', 'Budi'),
      conv('messenger', 'g', 'Arisan', { isGroup: true }),
    ]);
  });
  const personOf = async (id: string) => (await db.conversations.get(id))!.personId;

  test('linking creates one person named after the first conversation', async () => {
    const r = await linkConversations(db, ['whatsapp:w', 'instagram:i'], { newId });
    expect(r.ok).toBe(true);
    const pid = r.ok ? r.personId : '';
    expect(await personOf('whatsapp:w')).toBe(pid);
    expect(await personOf('instagram:i')).toBe(pid);
    expect((await db.people.get(pid))!.name).toBe('Budi Santoso');
    expect(await db.people.count()).toBe(1);
  });

  test('linking into an existing person reuses it; two people merge into one', async () => {
    const a = await linkConversations(db, ['whatsapp:w', 'instagram:i'], { newId });
    await db.conversations.put(conv('whatsapp', 'w2', 'Budi 2'));
    const b = await linkConversations(db, ['messenger:m', 'whatsapp:w2'], { newId });
    expect(a.ok && b.ok && a.personId !== b.personId).toBe(true);
    const c = await linkConversations(db, ['instagram:i', 'messenger:m'], { newId });
    expect(c.ok && a.ok && c.personId === a.personId).toBe(true);
    // The whole second person moved, including the conversation not named in the request.
    expect(await personOf('whatsapp:w2')).toBe(a.ok ? a.personId : '');
    expect(await db.people.count()).toBe(1);
  });

  test('refuses groups, unknown ids and a single conversation', async () => {
    expect((await linkConversations(db, ['whatsapp:w', 'messenger:g'])).ok).toBe(false);
    expect((await linkConversations(db, ['whatsapp:w', 'nope:x'])).ok).toBe(false);
    expect((await linkConversations(db, ['whatsapp:w', 'whatsapp:w'])).ok).toBe(false);
    expect(await db.people.count()).toBe(0);
  });

  test('rename; unlink down to one dissolves the person (undo)', async () => {
    const r = await linkConversations(db, ['whatsapp:w', 'instagram:i', 'messenger:m'], { newId });
    const pid = r.ok ? r.personId : '';
    expect(await renamePerson(db, pid, '  Budi S.  ')).toBe(true);
    expect((await db.people.get(pid))!.name).toBe('Budi S.');
    expect(await renamePerson(db, pid, '   ')).toBe(false);
    expect(await unlinkConversation(db, 'messenger:m')).toBe(true);
    expect(await personOf('messenger:m')).toBeNull();
    expect(await personOf('whatsapp:w')).toBe(pid);
    expect(await unlinkConversation(db, 'instagram:i')).toBe(true);
    expect(await personOf('whatsapp:w')).toBeNull();
    expect(await db.people.count()).toBe(0);
    expect(await unlinkConversation(db, 'whatsapp:w')).toBe(false);
  });
});

describe('merged timeline', () => {
  test('ordered by time across platforms; untimed messages keep their own conversation order', () => {
    const wa = conv('whatsapp', 'w', 'Budi');
    const ig = conv('instagram', 'i', 'Budi');
    const a = [message(wa, 'a1', 1, T0 + 1), message(wa, 'a2', 2, T0 + 5), message(wa, 'a3', 3, T0 + 9)];
    const b = [message(ig, 'b1', 1, T0 + 3), message(ig, 'b2', 2, null), message(ig, 'b3', 3, T0 + 7)];
    expect(mergeTimelines([a, b]).map((m) => m.nativeId)).toEqual(['a1', 'b1', 'b2', 'a2', 'b3', 'a3']);
    expect(mergeTimelines([])).toEqual([]);
  });

  test('a timeline reads every linked conversation', async () => {
    const wa = conv('whatsapp', 'w', 'Budi');
    const ig = conv('instagram', 'i', 'Budi');
    const other = conv('messenger', 'x', 'Someone');
    await db.conversations.bulkPut([wa, ig, other]);
    await db.messages.bulkPut([
      message(wa, 'a1', 1, T0 + 10),
      message(ig, 'b1', 1, T0 + 5),
      message(other, 'c1', 1, T0 + 7),
      message(wa, 'a2', 2, T0 + 20),
    ]);
    const r = await linkConversations(db, [wa.id, ig.id], { newId });
    const linked = await conversationsOf(db, r.ok ? r.personId : '');
    const t = await timelineOf(
      db,
      linked.map((c) => c.id),
    );
    expect(t.map((m) => `${m.platform}:${m.nativeId}`)).toEqual(['instagram:b1', 'whatsapp:a1', 'whatsapp:a2']);
  });

  test("replies default to the conversation last sent through, else none (the opened one): never a message's date", async () => {
    // A date in 2099 (an import, a page's clock) must not pick the route: only the user's sends do.
    const wa = conv('whatsapp', 'w', 'Budi', { lastMessageAt: T0 + 100 });
    const ig = conv('instagram', 'i', 'Budi', { lastMessageAt: Date.UTC(2099, 0, 1) });
    expect(await defaultReplyConversation(db, [ig, wa])).toBeNull();
    await db.outbox.put({
      id: 'o0',
      conversationId: wa.id,
      platform: 'whatsapp',
      text: 'hi',
      state: 'sent',
      createdAt: T0 - 1,
      updatedAt: T0,
      attempts: 1,
    });
    expect(await defaultReplyConversation(db, [ig, wa])).toBe(wa.id);
    await db.outbox.put({
      id: 'o1',
      conversationId: ig.id,
      platform: 'instagram',
      text: 'hi',
      state: 'sent',
      createdAt: T0,
      updatedAt: T0,
      attempts: 1,
    });
    expect(await defaultReplyConversation(db, [ig, wa])).toBe(ig.id);
    expect(await defaultReplyConversation(db, [])).toBeNull();
  });
});
