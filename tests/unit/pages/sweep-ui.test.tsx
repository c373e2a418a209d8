// @vitest-environment happy-dom
// Reading the whole inbox in the interface (issue 13): "Read all chats" and the per-platform list in
// the inbox, "Load older messages" / "Read this chat" in a thread, the consent dialog, progress bars,
// Cancel and outcomes, in English and Indonesian. The pages talk to the real worker logic (router +
// lib/worker/sweep.ts over the same store) with a fake tab port; content-script progress is sent
// through the router as a tab would.
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import axe from 'axe-core';
import { afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { openDb, type InboxDb } from '../../../lib/store/db';
import { messageId, type Conversation, type Message, type Platform } from '../../../lib/shared/model';
import { PLATFORM_TAB_PATTERNS, type SendCommandReply, type SweepCancelCommand, type SweepCommand } from '../../../lib/shared/protocol';
import { getSettings, setSettings } from '../../../lib/shared/settings';
import type { SweepRecord } from '../../../lib/shared/sweep';
import { App } from '../../../lib/pages/App';
import { Options } from '../../../lib/pages/options/Options';
import { handleMessage, type BackgroundContext } from '../../../lib/worker/router';
import { createSweeps, type SweepPort } from '../../../lib/worker/sweep';
import { sweepRecord } from '../../../lib/store/sweeps';
import { storedConversation } from '../helpers/factories';

const EXT = 'abcdefghijklmnopabcdefghijklmnop';
const BASE = `chrome-extension://${EXT}/`;
const popup: Runtime.MessageSender = { id: EXT, url: `${BASE}popup.html` };
const TAB: Record<Platform, number> = { whatsapp: 7, instagram: 8, messenger: 9 };
const ORIGIN: Record<Platform, string> = {
  whatsapp: 'https://web.whatsapp.com/',
  instagram: 'https://www.instagram.com/direct/inbox/',
  messenger: 'https://www.facebook.com/messages/t/1/',
};
const T0 = Date.UTC(2026, 10, 20, 9, 0);

let db: InboxDb;
let ctx: BackgroundContext;
let n = 0;
/** Platforms with a tab open, as browser.tabs.query and the worker's port see them. */
let openTabs: Set<Platform>;
let sent: { tabId: number; command: SweepCommand | SweepCancelCommand }[];
let opened: Platform[];

function fakePort(): SweepPort {
  return {
    findTabs: async (p) => (openTabs.has(p) ? [TAB[p]] : []),
    testPacing: async () => null,
    async sendToTab(tabId, command): Promise<SendCommandReply> {
      sent.push({ tabId, command });
      return { accepted: true };
    },
    getAutoDiscardable: async () => undefined,
    setAutoDiscardable: async () => {},
    async openAppTab(p) {
      opened.push(p);
      openTabs.add(p);
    },
    settings: getSettings,
  };
}

beforeAll(() => import('../../../lib/pages/Thread'));

beforeEach(async () => {
  fakeBrowser.reset();
  db = openDb(`sweep-ui-${n++}`);
  await db.open();
  openTabs = new Set(['whatsapp', 'messenger']);
  sent = [];
  opened = [];
  ctx = {
    db,
    tabs: { findTabs: async () => [], sendToTab: async () => ({ accepted: true }) },
    extensionId: EXT,
    extensionBaseUrl: BASE,
    log: () => {},
    sweeps: createSweeps(db, fakePort(), () => {}),
  };
  vi.spyOn(browser.runtime, 'sendMessage').mockImplementation((async (message: unknown) => handleMessage(ctx, message, popup)) as never);
  vi.spyOn(browser.tabs, 'query').mockImplementation((async (q: { url?: string[] }) =>
    [...openTabs]
      .filter((p) => JSON.stringify(q.url) === JSON.stringify(PLATFORM_TAB_PATTERNS[p]))
      .map((p) => ({ id: TAB[p], url: ORIGIN[p] }))) as never);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  history.replaceState(null, '', '/');
});

/** What the platform's content script reports after a step, or at its end. */
async function report(platform: Platform, over: Partial<Pick<SweepRecord, 'state' | 'reason' | 'steps' | 'found'>>) {
  // The tab's run: written to the store before the tab is asked (the bar may show before the command left).
  const runId = await waitFor(async () => {
    const r = await sweepRecord(db, platform);
    expect(r?.state).toBe('running');
    const sentTo = sent.find((s) => s.command.type === 'sweep' && s.command.runId === r?.runId);
    expect(sentTo?.tabId).toBe(TAB[platform]);
    return r!.runId;
  });
  const sender: Runtime.MessageSender = {
    id: EXT,
    url: ORIGIN[platform],
    tab: { id: TAB[platform] } as Runtime.MessageSender['tab'],
    frameId: 0,
  };
  return act(async () => {
    expect(
      await handleMessage(ctx, { type: 'sweep-progress', platform, runId, state: 'running', steps: 1, found: 0, ...over }, sender),
    ).toEqual({ ok: true });
  });
}

const sweepCommands = () => sent.filter((s) => s.command.type === 'sweep').map((s) => s.command as SweepCommand);

async function axeViolations(root: Element) {
  const result = await axe.run(root, { rules: { 'color-contrast': { enabled: false }, region: { enabled: false } } });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((x) => x.html).join(' | ')}`);
}

function conv(platform: Platform, nativeId: string, title: string): Conversation {
  return storedConversation(platform, nativeId, { title, preview: `preview ${title}`, lastMessageAt: T0, firstSeenAt: T0, updatedAt: T0 });
}

function messages(c: Conversation, count: number): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    id: messageId(c.id, `m${i}`),
    conversationId: c.id,
    platform: c.platform,
    nativeId: `m${i}`,
    sender: { name: c.title, isSelf: false },
    text: `pesan ${i}`,
    sentAt: T0 + i,
    timePrecision: 'minute',
    order: i,
    status: 'received',
    attachments: [],
    quote: null,
    system: false,
    truncated: false,
    firstSeenAt: T0,
    updatedAt: T0,
  }));
}

describe('"Read all chats" in the inbox', () => {
  test('starts every open platform; a progress bar counts chats; Cancel stops it; the outcome is said', async () => {
    render(<App db={db} layout="popup" language="en" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Read all chats' }));
    const bar = await screen.findByRole('progressbar', { name: 'Reading chats' });
    expect(bar.getAttribute('aria-valuetext')).toBe('0 chats');
    expect(sweepCommands()).toEqual([expect.objectContaining({ kind: 'chats' })]);
    expect(sent[0]!.tabId).toBe(TAB.whatsapp);

    await report('whatsapp', { steps: 14, found: 312 });
    await waitFor(() =>
      expect(screen.getByRole('progressbar', { name: 'Reading chats' }).getAttribute('aria-valuetext')).toBe('312 chats'),
    );
    expect(screen.getByText('WhatsApp: 312 chats so far')).toBeTruthy();

    // WhatsApp reaches the end: Messenger goes next, its count from zero.
    await report('whatsapp', { state: 'done', reason: 'end', steps: 20, found: 400 });
    await waitFor(() => expect(screen.getByText('Messenger: 0 chats so far')).toBeTruthy());
    expect(sweepCommands().map((c) => c.kind)).toEqual(['chats', 'chats']);

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(sent.at(-1)).toEqual({ tabId: TAB.messenger, command: { type: 'sweep-cancel', runId: sweepCommands()[1]!.runId } }),
    );
    await report('messenger', { state: 'cancelled', reason: 'cancelled', found: 25 });
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    const sweep = screen.getByRole('region', { name: 'Reading chats' });
    expect(within(sweep).getByRole('status').textContent).toBe('Messenger: cancelled.');
    expect(screen.getByRole('button', { name: 'Read all chats' })).toBeTruthy();
  });

  test('each ending is said in words from its reason', async () => {
    const said: Record<string, string> = {
      'stopped/user-input': 'WhatsApp: stopped because you used the page.',
      'stopped/navigation': 'WhatsApp: stopped because the page went elsewhere.',
      'stopped/step-cap': 'WhatsApp: stopped after the most steps one run may take. Run it again to go on.',
      'failed/no-progress': 'WhatsApp: stopped because the page stopped loading more.',
      'interrupted/tab-lost':
        'WhatsApp: interrupted (the tab closed or reloaded, or the extension restarted). What was read is kept; run it again to go on.',
      'done/end': 'WhatsApp: done, 2,000 chats read.',
    };
    render(<App db={db} layout="popup" language="en" />);
    const sweep = await screen.findByRole('region', { name: 'Reading chats' });
    for (const [ending, text] of Object.entries(said)) {
      const [state, reason] = ending.split('/') as [SweepRecord['state'], SweepRecord['reason']];
      fireEvent.click(await within(sweep).findByRole('button', { name: 'Read all chats' }));
      await within(sweep).findByRole('progressbar', { name: 'Reading chats' });
      await report('whatsapp', { state, reason, found: 2000 });
      if (state !== 'interrupted' && state !== 'cancelled') {
        // "Read all" goes on with Messenger: cancel that part, the WhatsApp outcome is what is checked.
        await report('messenger', { state: 'interrupted', reason: 'tab-lost' });
      }
      await waitFor(() => expect(within(sweep).queryByRole('progressbar')).toBeNull());
      fireEvent.click(within(sweep).getByRole('button', { name: 'Platforms', expanded: false }));
      const platforms = within(sweep).getByRole('list', { name: 'Platforms' });
      const wa = () => within(platforms).getAllByRole('listitem')[0]!.textContent;
      if (state === 'done') await waitFor(() => expect(wa()).toMatch(/Last read \d\d:\d\d/));
      else await waitFor(() => expect(wa()).toContain(text));
      // The latest run (Messenger's) is said on top; WhatsApp's in its own line.
      fireEvent.click(within(sweep).getByRole('button', { name: 'Platforms', expanded: true }));
    }
  });

  test('per platform: "Read chats" with a tab, "Open Instagram" without; last read time; axe-clean', async () => {
    // Read earlier today (a minute ago, unless that was before midnight): shown as a clock time.
    const midnight = new Date().setHours(0, 0, 0, 0);
    await db.meta.put({ key: 'chats-read:messenger', value: Math.max(midnight, Date.now() - 60_000) });
    render(<App db={db} layout="popup" language="en" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Platforms' }));
    const platforms = screen.getByRole('list', { name: 'Platforms' });
    const items = () =>
      within(platforms)
        .getAllByRole('listitem')
        .map((i) => i.textContent?.replace(/\d\d:\d\d/, 'HH:MM'));
    await waitFor(() =>
      expect(items()).toEqual([
        'WhatsAppNot read to the end yetRead chats',
        'InstagramNot read to the end yetOpen Instagram',
        'MessengerLast read HH:MMRead chats',
      ]),
    );
    expect(await axeViolations(document.body)).toEqual([]);

    fireEvent.click(within(platforms).getByRole('button', { name: 'Open Instagram' }));
    await waitFor(() => expect(opened).toEqual(['instagram']));
    // The new tab shows up (the browser says a tab was created).
    await act(async () => {
      await fakeBrowser.tabs.onCreated.trigger({ id: TAB.instagram } as never);
    });
    await within(platforms).findByRole('button', { name: 'Read chats: Instagram' });

    fireEvent.click(within(platforms).getByRole('button', { name: 'Read chats: Messenger' }));
    await screen.findByRole('progressbar', { name: 'Reading chats' });
    expect(sent).toEqual([{ tabId: TAB.messenger, command: expect.objectContaining({ kind: 'chats' }) }]);
    expect(await axeViolations(document.body)).toEqual([]);
    // Another click while it runs is refused, and says why.
    fireEvent.click(within(platforms).getByRole('button', { name: 'Read chats: WhatsApp' }));
    await waitFor(() =>
      expect(within(screen.getByRole('region', { name: 'Reading chats' })).getByRole('status').textContent).toBe(
        'Another reading is running. Wait for it or cancel it.',
      ),
    );
  });

  test('with no messenger open, the list is open and "Read all chats" says what to do', async () => {
    openTabs = new Set();
    render(<App db={db} layout="popup" language="en" />);
    const platforms = await screen.findByRole('list', { name: 'Platforms' });
    await within(platforms).findByRole('button', { name: 'Open WhatsApp' });
    expect(within(platforms).getByRole('button', { name: 'Open Messenger' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Read all chats' }));
    await screen.findByText('No WhatsApp, Instagram or Messenger tab is open. Open one under Platforms.');
    expect(sent).toEqual([]);
  });

  test('Indonesian', async () => {
    render(<App db={db} layout="panel" language="id" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Baca semua chat' }));
    const bar = await screen.findByRole('progressbar', { name: 'Membaca chat' });
    await report('whatsapp', { found: 1234 });
    await waitFor(() => expect(bar.getAttribute('aria-valuetext')).toBe('1.234 chat'));
    fireEvent.click(screen.getByRole('button', { name: 'Batal' }));
    await report('whatsapp', { state: 'stopped', reason: 'user-input' });
    await screen.findByText('WhatsApp: dihentikan karena Anda memakai halamannya.');
    fireEvent.click(screen.getByRole('button', { name: 'Platform' }));
    expect(screen.getByRole('button', { name: 'Baca chat: WhatsApp' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Buka Instagram' })).toBeTruthy();
  });
});

describe('in a thread', () => {
  async function openThread(c: Conversation, lang: 'en' | 'id' = 'en') {
    await db.conversations.put(c);
    history.replaceState(null, '', `/popup.html?open=${encodeURIComponent(c.id)}`);
    render(<App db={db} layout="popup" language={lang} />);
    return screen.findByRole('log');
  }

  test('"Load older messages": the first use asks; "Open and read" starts it; progress of 200; the start is said', async () => {
    const budi = conv('whatsapp', 'dm/Budi', 'Budi');
    await db.messages.bulkPut(messages(budi, 40));
    const log = await openThread(budi);
    const load = await screen.findByRole('button', { name: 'Load older messages' });
    load.focus();
    fireEvent.click(load);
    const dialog = await screen.findByRole('dialog', { name: 'Open this chat in its tab?' });
    expect(dialog.textContent).toContain('Opening a chat in WhatsApp or Messenger marks its messages as read for the sender.');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(await axeViolations(document.body)).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open and read' }));

    const bar = await screen.findByRole('progressbar', { name: 'Loading messages' });
    expect((await getSettings()).openChats).toBe('allow');
    expect(sweepCommands()).toEqual([expect.objectContaining({ kind: 'older', conversationNativeId: 'dm/Budi', targetMessages: 200 })]);
    expect(bar.getAttribute('max')).toBe('200');
    await report('whatsapp', { found: 120 });
    await waitFor(() => expect(bar.getAttribute('aria-valuetext')).toBe('120 of 200 messages'));
    expect((bar as HTMLProgressElement).value).toBe(120);
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();

    await report('whatsapp', { state: 'done', reason: 'start-of-conversation', found: 160 });
    await within(log).findByText('Start of the conversation');
    expect(screen.queryByRole('button', { name: 'Load older messages' })).toBeNull();
    await screen.findByText('WhatsApp: 160 messages loaded, back to the start of the conversation.');
  });

  test('once allowed, no dialog; Cancel during the run cancels it', async () => {
    await setSettings({ openChats: 'allow' });
    const budi = conv('messenger', '100', 'Budi');
    await db.messages.bulkPut(messages(budi, 3));
    await openThread(budi);
    fireEvent.click(await screen.findByRole('button', { name: 'Load older messages' }));
    await screen.findByRole('progressbar', { name: 'Loading messages' });
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(sent.at(-1)?.command.type).toBe('sweep-cancel'));
    await report('messenger', { state: 'cancelled', reason: 'cancelled', found: 12 });
    await screen.findByText('Messenger: cancelled.');
    expect(screen.getByRole('button', { name: 'Load older messages' })).toBeTruthy();
  });

  test('nothing read yet: "Read this chat" instead of a dead end; "Never open chats for me" hides it', async () => {
    const sari = conv('whatsapp', 'dm/Sari', 'Sari');
    const log = await openThread(sari);
    const read = await screen.findByRole('button', { name: 'Read this chat' });
    expect(within(log).getByText('No messages read yet.')).toBeTruthy();
    expect(within(log).queryByText(/Open this chat in its tab/)).toBeNull();
    read.focus();
    fireEvent.click(read);
    let dialog = await screen.findByRole('dialog', { name: 'Open this chat in its tab?' });
    // Cancel: nothing saved, nothing started, the focus back on the button.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.activeElement).toBe(read);
    expect((await getSettings()).openChats).toBe('ask');
    fireEvent.click(read);
    dialog = await screen.findByRole('dialog', { name: 'Open this chat in its tab?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Never open chats for me' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Read this chat' })).toBeNull());
    expect((await getSettings()).openChats).toBe('never');
    expect(sent).toEqual([]);
    // The old hint comes back: the user reads it in its tab themselves.
    await within(log).findByText('No messages read yet. Open this chat in its tab to load them.');
  });

  test('"Read this chat" once allowed reads it; Indonesian names', async () => {
    const sari = conv('whatsapp', 'dm/Sari', 'Sari');
    await openThread(sari, 'id');
    fireEvent.click(await screen.findByRole('button', { name: 'Baca chat ini' }));
    const dialog = await screen.findByRole('dialog', { name: 'Buka chat ini di tabnya?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Buka dan baca' }));
    const bar = await screen.findByRole('progressbar', { name: 'Memuat pesan' });
    expect(sweepCommands()).toEqual([expect.objectContaining({ kind: 'chat', conversationNativeId: 'dm/Sari' })]);
    await report('whatsapp', { found: 8 });
    await waitFor(() => expect(bar.getAttribute('aria-valuetext')).toBe('8 pesan'));
    expect(screen.getByRole('button', { name: 'Batal' })).toBeTruthy();
    await report('whatsapp', { state: 'failed', reason: 'chat-not-found' });
    await screen.findByText('Chat tidak ditemukan di WhatsApp.');
  });
});

describe('Settings', () => {
  test('"Open chats in their tab" can be turned back; the tab note is said', async () => {
    await setSettings({ openChats: 'never' });
    render(<Options db={db} language="en" />);
    const select = (await screen.findByRole('combobox', { name: 'Open chats in their tab to read them' })) as HTMLSelectElement;
    expect(select.value).toBe('never');
    fireEvent.change(select, { target: { value: 'allow' } });
    await waitFor(async () => expect((await getSettings()).openChats).toBe('allow'));
    expect(screen.getByText(/keeps that tab from being put to sleep by the browser/)).toBeTruthy();
    expect(await axeViolations(document.body)).toEqual([]);
  });
});
