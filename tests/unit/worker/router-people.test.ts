// The page messages that change people go through the background (the store's one writer), are
// schema-checked, and are refused from content scripts.
import 'fake-indexeddb/auto';
import { beforeEach, expect, test } from 'vitest';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { Conversation } from '../../../lib/shared/model';
import { backgroundContext, contentSender, pageSender } from '../helpers/background';

const sidePanel = pageSender('sidepanel.html');
const waTab = contentSender('https://web.whatsapp.com/', 7);

let db: InboxDb;
let ctx: BackgroundContext;
let k = 0;
beforeEach(async () => {
  db = openDb(`people-msg-${k++}`);
  ctx = backgroundContext(db);
  const base: Omit<Conversation, 'id' | 'platform' | 'nativeId' | 'title'> = {
    isGroup: false,
    unread: false,
    unreadCount: null,
    muted: false,
    archived: false,
    pinned: false,
    preview: '',
    lastMessageAt: null,
    listRank: 0,
    personId: null,
    firstSeenAt: 1,
    updatedAt: 1,
  };
  await db.conversations.bulkPut([
    { ...base, id: 'whatsapp:b', platform: 'whatsapp', nativeId: 'b', title: 'Budi Santoso' },
    { ...base, id: 'instagram:b', platform: 'instagram', nativeId: 'b', title: 'budi.santoso' },
  ]);
});

const personOf = async (id: string) => (await db.conversations.get(id))!.personId;

test('link, rename and unlink from an extension page', async () => {
  expect(await handleMessage(ctx, { type: 'link-people', conversationIds: ['whatsapp:b', 'instagram:b'] }, sidePanel)).toEqual({
    ok: true,
  });
  const pid = await personOf('whatsapp:b');
  expect(pid).toMatch(/^person:/);
  expect(await personOf('instagram:b')).toBe(pid);
  expect(await handleMessage(ctx, { type: 'rename-person', personId: pid, name: 'Budi' }, sidePanel)).toEqual({ ok: true });
  expect((await db.people.get(pid!))!.name).toBe('Budi');
  expect(await handleMessage(ctx, { type: 'unlink', conversationId: 'instagram:b' }, sidePanel)).toEqual({ ok: true });
  expect(await personOf('whatsapp:b')).toBeNull();
  expect(await db.people.count()).toBe(0);
  expect((await handleMessage(ctx, { type: 'unlink', conversationId: 'instagram:b' }, sidePanel)).ok).toBe(false);
});

test('malformed requests and content scripts are refused', async () => {
  expect((await handleMessage(ctx, { type: 'link-people', conversationIds: ['whatsapp:b'] }, sidePanel)).ok).toBe(false);
  expect((await handleMessage(ctx, { type: 'rename-person', personId: 'x', name: '' }, sidePanel)).ok).toBe(false);
  expect((await handleMessage(ctx, { type: 'link-people', conversationIds: ['whatsapp:b', 'instagram:b'], extra: 1 }, sidePanel)).ok).toBe(
    false,
  );
  expect((await handleMessage(ctx, { type: 'link-people', conversationIds: ['whatsapp:b', 'instagram:b'] }, waTab)).ok).toBe(false);
  expect(await db.people.count()).toBe(0);
});
