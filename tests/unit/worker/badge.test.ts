import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { badgeText, browserBadge, startBadge, unreadTotal, type BadgePort } from '../../../lib/worker/badge';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { Conversation, Platform } from '../../../lib/shared/model';
import { DEFAULT_SETTINGS, normaliseSettings, setSettings } from '../../../lib/shared/settings';
import { storedConversation } from '../helpers/factories';

const conv = storedConversation;
const unread = (platform: Platform, nativeId: string, count: number | null = null, over: Partial<Conversation> = {}) => ({
  ...conv(platform, nativeId),
  unread: true,
  unreadCount: count,
  ...over,
});

describe('unread total', () => {
  test('WhatsApp counts its numbers, Instagram and Messenger one per unread conversation', () => {
    const list = [
      unread('whatsapp', 'a', 3),
      unread('whatsapp', 'b', null), // marked unread without a number
      conv('whatsapp', 'c', { unreadCount: 5 }), // read (a stale number never counts)
      unread('instagram', 'd'),
      unread('instagram', 'e', 4), // a number on IG is not shown by the platform: still 1
      unread('messenger', 'f'),
      conv('messenger', 'g'),
    ];
    expect(unreadTotal(list, DEFAULT_SETTINGS)).toBe(3 + 1 + 1 + 1 + 1);
  });

  test('muted, archived and switched-off platforms are left out', () => {
    const list = [
      unread('whatsapp', 'a', 3, { muted: true }),
      unread('whatsapp', 'b', 2, { archived: true }),
      unread('whatsapp', 'c', 2),
      unread('messenger', 'd'),
    ];
    expect(unreadTotal(list, DEFAULT_SETTINGS)).toBe(3);
    const off = normaliseSettings({ platforms: { messenger: { enabled: false, notify: true } } });
    expect(unreadTotal(list, off)).toBe(2);
    expect(unreadTotal([], DEFAULT_SETTINGS)).toBe(0);
  });

  test('badge text: empty at zero, capped at 99+', () => {
    expect(badgeText(0)).toBe('');
    expect(badgeText(1)).toBe('1');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
  });
});

describe('startBadge', () => {
  let db: InboxDb;
  let k = 0;
  let stop: () => void = () => {};
  const texts: string[] = [];
  const port: BadgePort = { setText: async (t) => void texts.push(t) };
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeEach(() => {
    fakeBrowser.reset();
    db = openDb(`badge-${k++}`);
    texts.length = 0;
  });
  afterEach(() => stop());

  test('follows the store, settles before writing, and skips unchanged text', async () => {
    await db.conversations.bulkPut([unread('whatsapp', 'a', 2), unread('instagram', 'b')]);
    stop = startBadge(db, { port, debounceMs: 40 });
    await wait(150);
    expect(texts).toEqual(['3']);

    await db.conversations.put(unread('whatsapp', 'a', 7));
    await wait(150);
    expect(texts).toEqual(['3', '8']);

    // Same total via a different path: no write.
    await db.conversations.bulkPut([unread('whatsapp', 'a', 6), unread('messenger', 'c')]);
    await db.conversations.put(conv('instagram', 'b'));
    await wait(150);
    expect(texts).toEqual(['3', '8', '7']);
  });

  test('a list that briefly reads all-read and comes back causes no flicker', async () => {
    await db.conversations.bulkPut([unread('whatsapp', 'a', 2), unread('messenger', 'b')]);
    stop = startBadge(db, { port, debounceMs: 80 });
    await wait(200);
    expect(texts).toEqual(['3']);
    await db.conversations.bulkPut([conv('whatsapp', 'a'), conv('messenger', 'b')]);
    await wait(10);
    await db.conversations.bulkPut([unread('whatsapp', 'a', 2), unread('messenger', 'b')]);
    await wait(250);
    expect(texts).toEqual(['3']);
  });

  test('settings changes re-count; zero clears the badge', async () => {
    await db.conversations.bulkPut([unread('whatsapp', 'a', 2), unread('instagram', 'b')]);
    stop = startBadge(db, { port, debounceMs: 20 });
    await wait(100);
    await setSettings({ platforms: { whatsapp: { enabled: false } } });
    await wait(100);
    await setSettings({ platforms: { instagram: { enabled: false } } });
    await wait(100);
    expect(texts).toEqual(['3', '1', '']);
  });

  test('reads the unread conversations only: writes to read ones do not even re-run its query', async () => {
    await db.conversations.bulkPut([unread('whatsapp', 'a', 2), ...Array.from({ length: 50 }, (_, i) => conv('messenger', `r${i}`))]);
    const whole = vi.spyOn(db.conversations, 'toArray');
    const where = vi.spyOn(db.conversations, 'where');
    stop = startBadge(db, { port, debounceMs: 20 });
    await wait(100);
    expect(texts).toEqual(['2']);
    const runs = where.mock.calls.length;
    expect(runs).toBeGreaterThan(0);
    // An ingest touching read conversations (previews, times): the query is not run again.
    for (let i = 0; i < 5; i++) await db.conversations.put(conv('messenger', `r${i}`, { preview: `baru ${i}` }));
    await wait(100);
    expect(where.mock.calls.length).toBe(runs);
    // One turning unread is seen.
    await db.conversations.put(unread('messenger', 'r7'));
    await wait(100);
    expect(where.mock.calls.length).toBeGreaterThan(runs);
    expect(texts).toEqual(['2', '3']);
    expect(whole).not.toHaveBeenCalled();
  });

  test('an unread conversation read, deleted or cleared away is seen without a liveQuery (Dexie reports no old index keys)', async () => {
    await db.conversations.bulkPut([unread('whatsapp', 'a', 2), unread('messenger', 'b'), unread('instagram', 'c')]);
    stop = startBadge(db, { port, debounceMs: 20 });
    await wait(100);
    await db.conversations.put(conv('whatsapp', 'a')); // read now: its new record has no weight
    await wait(100);
    await db.conversations.delete('messenger:b');
    await wait(100);
    await db.conversations.clear();
    await wait(100);
    expect(texts).toEqual(['4', '2', '1', '']);
  });

  test('counts first only after the store has been quiet for the debounce (a waking batch merges first)', async () => {
    await db.conversations.bulkPut([unread('whatsapp', 'a', 2)]);
    const where = vi.spyOn(db.conversations, 'where');
    stop = startBadge(db, { port, debounceMs: 60 });
    await wait(30);
    await db.conversations.put(unread('messenger', 'b')); // a merge right after the start
    await wait(40);
    expect(where).not.toHaveBeenCalled();
    await wait(100);
    expect(where).toHaveBeenCalledTimes(1);
    expect(texts).toEqual(['3']);
  });

  test('writes to the real toolbar through browser.action', async () => {
    await db.conversations.bulkPut(Array.from({ length: 120 }, (_, i) => unread('instagram', `t${i}`)));
    stop = startBadge(db, { port: browserBadge(), debounceMs: 20 });
    await wait(150);
    expect(await fakeBrowser.action.getBadgeText({})).toBe('99+');
  });
});
