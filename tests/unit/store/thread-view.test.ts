import 'fake-indexeddb/auto';
import { liveQuery } from 'dexie';
import { beforeEach, describe, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { Conversation, Message, OutboxEntry, Platform } from '../../../lib/shared/model';
import { threadView, type ThreadView } from '../../../lib/store/thread-view';
import { linkConversations, unlinkConversation } from '../../../lib/worker/people';
import { storedConversation, storedMessage } from '../helpers/factories';

let db: InboxDb;
let n = 0;
let ids = 0;
const newId = () => `tv${ids++}`;
beforeEach(async () => {
  db = openDb(`thread-view-test-${n++}`);
  await db.open();
});

const T0 = Date.UTC(2026, 10, 20, 9, 0);

const conv = (platform: Platform, nativeId: string): Conversation =>
  storedConversation(platform, nativeId, { title: 'Budi', firstSeenAt: T0, updatedAt: T0 });
const message = (c: Conversation, nativeId: string, order: number, sentAt: number): Message =>
  storedMessage(c, nativeId, order, { text: `${c.platform} ${nativeId}`, sentAt, timePrecision: 'minute', firstSeenAt: T0, updatedAt: T0 });
const reply = (c: Conversation, id: string, createdAt: number): OutboxEntry => ({
  id,
  conversationId: c.id,
  platform: c.platform,
  text: `reply ${id}`,
  state: 'queued',
  createdAt,
  updatedAt: createdAt,
  attempts: 0,
});
const shown = (v: ThreadView) => v.messages.map((m) => `${m.platform}:${m.nativeId}`);

async function twoPlatforms() {
  const wa = conv('whatsapp', 'w');
  const ig = conv('instagram', 'i');
  await db.conversations.bulkPut([wa, ig]);
  await db.messages.bulkPut([message(wa, 'a1', 1, T0 + 10), message(ig, 'b1', 1, T0 + 5), message(wa, 'a2', 2, T0 + 20)]);
  await db.outbox.bulkPut([reply(wa, 'r-wa', T0 + 30), reply(ig, 'r-ig', T0 + 25)]);
  return { wa, ig };
}

describe('thread view', () => {
  test('a conversation of no person: its own messages and replies, not merged', async () => {
    const { wa } = await twoPlatforms();
    const v = await threadView(db, wa);
    expect(v.person).toBeNull();
    expect(v.linked).toEqual([]);
    expect(v.merged).toBe(false);
    expect(v.targets.map((c) => c.id)).toEqual([wa.id]);
    expect(shown(v)).toEqual(['whatsapp:a1', 'whatsapp:a2']);
    expect(v.outbox.map((e) => e.id)).toEqual(['r-wa']);
  });

  test('linked: one timeline across the platforms, replies to any of them, the links by platform', async () => {
    const { wa, ig } = await twoPlatforms();
    const r = await linkConversations(db, [wa.id, ig.id], { newId });
    expect(r.ok).toBe(true);
    // The record the view was opened with predates the link: the store's copy decides.
    const v = await threadView(db, wa);
    expect(v.person?.id).toBe(r.ok ? r.personId : '');
    expect(v.merged).toBe(true);
    expect(v.linked.map((c) => c.id)).toEqual([ig.id, wa.id]);
    expect(v.targets.map((c) => c.id)).toEqual([ig.id, wa.id]);
    expect(shown(v)).toEqual(['instagram:b1', 'whatsapp:a1', 'whatsapp:a2']);
    expect(v.outbox.map((e) => e.id)).toEqual(['r-ig', 'r-wa']);
  });

  test('after an unlink the view is the conversation alone, though the record it was opened with still names the person', async () => {
    const { wa, ig } = await twoPlatforms();
    await linkConversations(db, [wa.id, ig.id], { newId });
    const openedWith = (await db.conversations.get(wa.id))!;
    expect(openedWith.personId).toBeTruthy();
    expect(await unlinkConversation(db, ig.id)).toBe(true);
    const v = await threadView(db, openedWith);
    expect(v.person).toBeNull();
    expect(v.merged).toBe(false);
    expect(shown(v)).toEqual(['whatsapp:a1', 'whatsapp:a2']);
    expect(v.outbox.map((e) => e.id)).toEqual(['r-wa']);
  });

  test('the focused message is in the window of a single conversation', async () => {
    const wa = conv('whatsapp', 'w');
    await db.conversations.put(wa);
    await db.messages.bulkPut(Array.from({ length: 600 }, (_, i) => message(wa, `m${i}`, i + 1, T0 + i)));
    const focus = (await db.messages.where('[conversationId+order]').equals([wa.id, 3]).first())!;
    const v = await threadView(db, wa, focus.id);
    expect(v.messages.some((m) => m.id === focus.id)).toBe(true);
    expect((await threadView(db, wa)).messages.some((m) => m.id === focus.id)).toBe(false);
  });

  test("a linked person's timeline holds the focused message too, however old in its conversation", async () => {
    const wa = conv('whatsapp', 'w');
    const ig = conv('instagram', 'i');
    await db.conversations.bulkPut([wa, ig]);
    await db.messages.bulkPut([
      ...Array.from({ length: 600 }, (_, i) => message(wa, `m${i}`, i + 1, T0 + i * 60_000)),
      message(ig, 'b1', 1, T0 + 30_000),
    ]);
    await linkConversations(db, [wa.id, ig.id], { newId });
    const focus = (await db.messages.where('[conversationId+order]').equals([wa.id, 3]).first())!;
    const v = await threadView(db, ig, focus.id);
    expect(v.merged).toBe(true);
    expect(v.messages.some((m) => m.id === focus.id)).toBe(true);
    expect(v.messages.some((m) => m.nativeId === 'b1')).toBe(true);
    // Without the focus, the window is each conversation's newest.
    const plain = await threadView(db, ig);
    expect(plain.messages.some((m) => m.id === focus.id)).toBe(false);
    expect(plain.messages.filter((m) => m.platform === 'whatsapp')).toHaveLength(500);
  });

  test('watched through a link and its Undo, every view it hands over is whole: merged exactly when it shows two platforms', async () => {
    const { wa, ig } = await twoPlatforms();
    const seen: ThreadView[] = [];
    const sub = liveQuery(() => threadView(db, wa)).subscribe({ next: (v) => seen.push(v) });
    const settle = async (count: number) => {
      for (let i = 0; i < 200 && seen.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    };
    await settle(1);
    await linkConversations(db, [wa.id, ig.id], { newId });
    await settle(2);
    await unlinkConversation(db, ig.id);
    await settle(3);
    sub.unsubscribe();
    expect(seen.map((v) => v.merged)).toEqual([false, true, false]);
    for (const v of seen) {
      const platforms = new Set(v.messages.map((m) => m.platform));
      expect(v.merged).toBe(platforms.size > 1);
      expect(v.merged).toBe(v.person !== null && v.linked.length > 1);
      const targets = new Set(v.targets.map((c) => c.id));
      expect(v.messages.every((m) => targets.has(m.conversationId))).toBe(true);
      expect(v.outbox.every((e) => targets.has(e.conversationId))).toBe(true);
    }
  });
});
