// Notifications end to end below the browser: real merges into a fake IndexedDB, handed to the
// notifier as the background does, shown through the fake `browser.notifications`.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  conversationUrl,
  isInboxUrl,
  isInboxVisible,
  isWarmupBatch,
  MAX_NOTIFICATIONS_PER_BATCH,
  NOTIFY_INTERVAL_MS,
  startNotifications,
  type Notifier,
} from '../../../lib/worker/notifications';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { mergeIngest } from '../../../lib/worker/merge';
import type { ConversationSnapshot, MessageSnapshot, Platform } from '../../../lib/shared/model';
import type { Ingest } from '../../../lib/shared/protocol';
import { setSettings } from '../../../lib/shared/settings';
import { snapshotChat, snapshotMessage } from '../helpers/factories';

const msg = snapshotMessage;

const chat = snapshotChat;

let db: InboxDb;
let n = 0;
let seq = 0;
let clock = 1_000_000;
let visible = false;
let notifier: Notifier;
const logged: unknown[][] = [];

/** A batch from a page run well past its first batches (unless `seq` says otherwise). */
function batch(
  thread: { chat: string; messages: MessageSnapshot[]; isGroup?: boolean } | null,
  conversations: ConversationSnapshot[] = [],
  opts: { platform?: Platform; seq?: number } = {},
): Ingest {
  return {
    type: 'ingest',
    platform: opts.platform ?? 'whatsapp',
    batchId: `run1-${opts.seq ?? 100 + seq++}`,
    health: { state: 'ok' },
    conversations,
    thread: thread
      ? { conversation: { nativeId: thread.chat, title: thread.chat, isGroup: thread.isGroup ?? false }, messages: thread.messages }
      : null,
  };
}

/** Merge as the background does and let the notifier act on it. */
async function ingest(b: Ingest): Promise<void> {
  const result = await mergeIngest(db, b, clock);
  await notifier.onMerged(result, b);
}

const shown = () => fakeBrowser.notifications.getAllCreateOptions() as Record<string, { title: string; message: string; type: string }>;

beforeEach(async () => {
  fakeBrowser.reset();
  db = openDb(`notify-${n++}`);
  clock = 1_000_000;
  visible = false;
  logged.length = 0;
  notifier = startNotifications(db, {
    inboxVisible: async () => visible,
    now: () => clock,
    languages: () => ['en-US'],
    log: (...a) => logged.push(a),
  });
  // History on the first scrape of the open chat, and the list.
  await ingest(batch({ chat: 'Budi', messages: [msg('h1'), msg('h2'), msg('h3')] }, [chat('Budi'), chat('Sari')]));
});

describe('notifications', () => {
  test('history read on the first scrape never notifies', () => {
    expect(shown()).toEqual({});
    expect(logged).toEqual([]);
  });

  test('a new incoming message notifies exactly once, with sender, preview and platform', async () => {
    const next = batch({ chat: 'Budi', messages: [msg('h1'), msg('h2'), msg('h3'), msg('n1', { text: 'Jadi  ketemu\njam 7?' })] });
    await ingest(next);
    expect(shown()).toEqual({
      'whatsapp:Budi': expect.objectContaining({ type: 'basic', title: 'Budi (WhatsApp)', message: 'Jadi ketemu jam 7?' }),
    });
    // The page reports the same thread again (re-render, later batch, much later): nothing new.
    await fakeBrowser.notifications.clear('whatsapp:Budi');
    clock += 10 * NOTIFY_INTERVAL_MS;
    await ingest(next);
    await ingest(batch({ chat: 'Budi', messages: [msg('h3'), msg('n1', { text: 'Jadi ketemu jam 7?' })] }));
    expect(shown()).toEqual({});
  });

  test('own messages and system rows do not notify', async () => {
    await ingest(
      batch({
        chat: 'Budi',
        messages: [msg('h3'), msg('me', { sender: { name: 'You', isSelf: true }, status: 'sent' }), msg('sys', { system: true })],
      }),
    );
    expect(shown()).toEqual({});
  });

  test('a group message names the sender and the group', async () => {
    await ingest(batch({ chat: 'Keluarga', isGroup: true, messages: [msg('g1', { sender: { name: 'Ibu', isSelf: false } })] }));
    expect(shown()).toEqual({}); // first scrape of that chat
    await ingest(
      batch({
        chat: 'Keluarga',
        isGroup: true,
        messages: [
          msg('g1', { sender: { name: 'Ibu', isSelf: false } }),
          msg('g2', { sender: { name: 'Ayah', isSelf: false }, text: 'Makan malam' }),
        ],
      }),
    );
    expect(shown()['whatsapp:Keluarga']).toMatchObject({ title: 'Ayah in Keluarga (WhatsApp)', message: 'Makan malam' });
  });

  test('muted and archived chats stay quiet', async () => {
    await ingest(batch(null, [chat('Budi', { muted: true }), chat('Sari', { archived: true })]));
    await ingest(batch({ chat: 'Budi', messages: [msg('h3'), msg('n1')] }));
    await ingest(
      batch(null, [chat('Budi', { muted: true }), chat('Sari', { archived: true, unread: true, unreadCount: 2, preview: 'halo' })]),
    );
    expect(shown()).toEqual({});
  });

  test('the master switch and the platform switches turn it off', async () => {
    await setSettings({ notifications: false });
    await ingest(batch({ chat: 'Budi', messages: [msg('h3'), msg('n1')] }));
    expect(shown()).toEqual({});

    await setSettings({ notifications: true, platforms: { whatsapp: { notify: false } } });
    await ingest(batch({ chat: 'Budi', messages: [msg('n1'), msg('n2')] }));
    expect(shown()).toEqual({});

    await setSettings({ platforms: { whatsapp: { notify: true, enabled: false } } });
    await ingest(batch({ chat: 'Budi', messages: [msg('n2'), msg('n3')] }));
    expect(shown()).toEqual({});

    // Other platforms are not affected by WhatsApp's switch.
    await setSettings({ platforms: { whatsapp: { enabled: true, notify: false } } });
    await ingest(batch({ chat: 'ig1', messages: [msg('i1')] }, [], { platform: 'instagram' }));
    await ingest(batch({ chat: 'ig1', messages: [msg('i1'), msg('i2', { text: 'Halo dari IG' })] }, [], { platform: 'instagram' }));
    expect(Object.keys(shown())).toEqual(['instagram:ig1']);

    await setSettings({ platforms: { whatsapp: { notify: true } } });
    await ingest(batch({ chat: 'Budi', messages: [msg('n3'), msg('n4')] }));
    expect(Object.keys(shown()).sort()).toEqual(['instagram:ig1', 'whatsapp:Budi']);
  });

  test('nothing while an inbox page is in front of the user', async () => {
    visible = true;
    await ingest(batch({ chat: 'Budi', messages: [msg('h3'), msg('n1')] }));
    expect(shown()).toEqual({});
  });

  test('rate limit: one per conversation per interval, a few per batch', async () => {
    await ingest(batch({ chat: 'Budi', messages: [msg('h3'), msg('n1', { text: 'satu' })] }));
    await fakeBrowser.notifications.clear('whatsapp:Budi');
    clock += NOTIFY_INTERVAL_MS - 1;
    await ingest(batch({ chat: 'Budi', messages: [msg('n1'), msg('n2', { text: 'dua' })] }));
    expect(shown()).toEqual({});
    clock += 1;
    await ingest(batch({ chat: 'Budi', messages: [msg('n2'), msg('n3', { text: 'tiga' })] }));
    expect(shown()['whatsapp:Budi']?.message).toBe('tiga');

    // Many chats' unread marks rising in one batch: capped.
    const many = Array.from({ length: 6 }, (_, i) => chat(`c${i}`));
    await ingest(batch(null, many));
    await ingest(
      batch(
        null,
        many.map((c) => ({ ...c, unread: true, preview: `pesan ${c.nativeId}` })),
      ),
    );
    const fromList = Object.keys(shown()).filter((id) => id !== 'whatsapp:Budi');
    expect(fromList).toHaveLength(MAX_NOTIFICATIONS_PER_BATCH);
  });

  test('a list-only unread rise notifies with the preview, except in the first batches of a page run', async () => {
    await ingest(batch(null, [chat('Sari', { unread: true, unreadCount: 2, preview: 'lama' })], { seq: 1 }));
    expect(shown()).toEqual({}); // read on page load: old news
    await ingest(batch(null, [chat('Sari', { unread: true, unreadCount: 3, preview: 'Nanti kabari ya' })]));
    expect(shown()['whatsapp:Sari']).toMatchObject({ title: 'Sari (WhatsApp)', message: 'Nanti kabari ya' });

    // Its thread read later: the same message is not announced a second time.
    await fakeBrowser.notifications.clear('whatsapp:Sari');
    await ingest(batch({ chat: 'Sari', messages: [msg('s1', { text: 'lama' })] }));
    clock += NOTIFY_INTERVAL_MS * 3;
    await ingest(batch({ chat: 'Sari', messages: [msg('s1', { text: 'lama' }), msg('s2', { text: 'Nanti kabari ya' })] }));
    expect(shown()).toEqual({});
    // A different new message in that thread is news.
    await ingest(batch({ chat: 'Sari', messages: [msg('s2', { text: 'Nanti kabari ya' }), msg('s3', { text: 'Sudah sampai' })] }));
    expect(shown()['whatsapp:Sari']?.message).toBe('Sudah sampai');
  });

  test('strings follow the interface language', async () => {
    await setSettings({ uiLanguage: 'id' });
    await ingest(batch({ chat: 'Budi', messages: [msg('h3'), msg('n1', { text: '', attachments: [{ kind: 'image', label: 'Foto' }] })] }));
    expect(shown()['whatsapp:Budi']).toMatchObject({ message: 'Foto' });
    await ingest(batch(null, [chat('Sari', { unread: true, preview: '' })]));
    expect(shown()['whatsapp:Sari']).toMatchObject({ message: 'Pesan baru' });
  });

  test('clicking a notification opens its thread in an inbox tab and clears it', async () => {
    await ingest(batch({ chat: 'Budi', messages: [msg('h3'), msg('n1')] }));
    expect(Object.keys(shown())).toEqual(['whatsapp:Budi']);
    await fakeBrowser.notifications.onClicked.trigger('whatsapp:Budi');
    await expect.poll(() => fakeBrowser.tabs.query({ url: conversationUrl('whatsapp:Budi') }).then((t) => t.length)).toBe(1);
    expect(conversationUrl('whatsapp:Budi')).toBe('chrome-extension://test-extension-id/popup.html?open=whatsapp%3ABudi');
    await expect.poll(() => Object.keys(shown()).length).toBe(0);

    // After stop(), clicks are no longer handled.
    notifier.stop();
    await fakeBrowser.notifications.onClicked.trigger('whatsapp:Sari');
    expect(await fakeBrowser.tabs.query({ url: conversationUrl('whatsapp:Sari') })).toEqual([]);
  });
});

describe('helpers', () => {
  test('warm-up batches are the first three of a page run', () => {
    expect(isWarmupBatch('lx3k-1')).toBe(true);
    expect(isWarmupBatch('lx3k-3')).toBe(true);
    expect(isWarmupBatch('lx3k-4')).toBe(false);
    expect(isWarmupBatch('no-sequence')).toBe(false);
  });

  test('inbox pages are recognised by path only', () => {
    const base = 'chrome-extension://abc/';
    expect(isInboxUrl('chrome-extension://abc/popup.html?open=x', base)).toBe(true);
    expect(isInboxUrl('chrome-extension://abc/sidepanel.html#top', base)).toBe(true);
    expect(isInboxUrl('chrome-extension://abc/options.html', base)).toBe(false);
    expect(isInboxUrl('chrome-extension://other/popup.html', base)).toBe(false);
    expect(isInboxUrl(undefined, base)).toBe(false);
  });
});

describe('isInboxVisible', () => {
  const base = 'chrome-extension://test-extension-id/';
  const withContexts = (impl: () => Promise<unknown[]>) => {
    (fakeBrowser.runtime as unknown as { getContexts?: unknown }).getContexts = impl;
  };
  beforeEach(() => {
    fakeBrowser.reset();
    delete (fakeBrowser.runtime as unknown as { getContexts?: unknown }).getContexts;
  });

  test('an open popup or side panel counts; an inbox tab only while it is the active tab', async () => {
    withContexts(async () => [{ contextType: 'POPUP', documentUrl: `${base}popup.html` }]);
    expect(await isInboxVisible()).toBe(true);
    withContexts(async () => [{ contextType: 'SIDE_PANEL', documentUrl: `${base}sidepanel.html` }]);
    expect(await isInboxVisible()).toBe(true);

    const inbox = await fakeBrowser.tabs.create({ url: `${base}popup.html?open=x`, active: true });
    withContexts(async () => [
      { contextType: 'BACKGROUND', documentUrl: `${base}background.html` },
      { contextType: 'TAB', documentUrl: `${base}popup.html?open=x`, tabId: inbox.id },
    ]);
    expect(await isInboxVisible()).toBe(true);
    await fakeBrowser.tabs.create({ url: 'https://web.whatsapp.com/', active: true });
    expect(await isInboxVisible()).toBe(false);
    // The options page is not the inbox.
    withContexts(async () => [{ contextType: 'POPUP', documentUrl: `${base}options.html` }]);
    expect(await isInboxVisible()).toBe(false);
  });

  test('a browser refusing the query falls back to the open views', async () => {
    withContexts(async () => {
      throw new Error('Invalid enumeration value');
    });
    const view = (href: string, visibilityState: string) => ({ location: { href }, document: { visibilityState } });
    const ext = fakeBrowser.extension as unknown as { getViews: () => unknown[] };
    const original = ext.getViews;
    try {
      ext.getViews = () => [view(`${base}background.html`, 'visible'), view(`${base}sidepanel.html`, 'hidden')];
      expect(await isInboxVisible()).toBe(false);
      ext.getViews = () => [view(`${base}sidepanel.html`, 'visible')];
      expect(await isInboxVisible()).toBe(true);
    } finally {
      ext.getViews = original;
    }
  });
});
