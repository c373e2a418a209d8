// @vitest-environment happy-dom
// The fixture apps' long mode (issue 13): each app's list holds 2,000 distinct chats reachable by
// scrolling, loaded in async batches behind a spinner while the DOM holds only a window of rows;
// a thread of 5,000 messages shows its newest 30 and loads older batches above on an upward scroll
// (spinner first; what was shown keeps its nodes) until the conversation's start; the adapters read
// the visible window of every layout. Geometry (the view held in place) is checked in a real browser
// in tests/e2e/long-fixtures.e2e.ts: happy-dom has no layout.
import { afterEach, describe, expect, test } from 'vitest';
import type { PlatformAdapter } from '../../content/adapter';
import { whatsappAdapter } from '../../content/whatsapp/adapter';
import { instagramAdapter } from '../../content/instagram/adapter';
import { messengerAdapter } from '../../content/messenger/adapter';
import { renderWhatsApp } from '../fixtures/whatsapp/whatsapp-app.js';
import { renderInstagram } from '../fixtures/instagram/instagram-app.js';
import { renderMessenger } from '../fixtures/messenger/messenger-app.js';
import { LONG_CHATS, LONG_MESSAGES } from '../fixtures/shared/long-data.js';
import { LONG } from '../fixtures/shared/long-scroll.js';

const NOW = new Date('2026-09-14T10:30:00').getTime();

interface LongState {
  chats: { loaded: number; total: number; loading: boolean };
  thread: { rendered: number; total: number; loading: boolean; atStart: boolean };
}
interface Control {
  longInfo(): LongState;
  loadDelayMs?: number;
  scrollThread(to: 'top' | 'bottom'): void;
}
interface Platform {
  name: string;
  layouts: readonly string[];
  adapter: PlatformAdapter;
  /** Renders the long fixture with the long 1:1 thread open. */
  mount(layout: string): Control;
  listScroller(): HTMLElement;
  listSpinner(): Element | null;
  threadSpinner(): Element | null;
  /** The open thread's messages, oldest first, as the fixture holds them. */
  truth(fx: Control): { text: string }[];
  olderBatch: number;
  /** The conversation's start as the page shows it. */
  startShown(): boolean;
  /** The notice the start shows as a row the adapter reads as a system notice (WhatsApp's encryption notice), or null. */
  startNotice: RegExp | null;
  /** The list's row nodes as the page recycles them (the adapter may read an element inside). */
  rowNodes(): Element[];
  /** Whether the thread renders only a window of its items (Messenger 2026). */
  virtualized(layout: string): boolean;
  /** How many date breaks the open thread shows. */
  dateBreaks(): number;
}

function reset(path: string) {
  document.head.replaceChildren();
  document.body.replaceChildren();
  history.replaceState(null, '', path);
}

const PLATFORMS: Platform[] = [
  {
    name: 'whatsapp',
    layouts: ['classic', '2026', 'mixed'],
    adapter: whatsappAdapter,
    mount(layout) {
      reset('/');
      return renderWhatsApp(document, { long: true, layout: layout as 'classic', now: NOW }) as unknown as Control;
    },
    listScroller: () => document.querySelector<HTMLElement>('#pane-side')!,
    listSpinner: () => document.querySelector('#pane-side > div > svg'),
    rowNodes: () => Array.from(document.querySelectorAll('#pane-side [role="grid"] > [role="row"]')),
    threadSpinner: () => document.querySelector('#main svg circle'),
    truth: (fx) => {
      const w = fx as unknown as ReturnType<typeof renderWhatsApp>;
      return w.truth(w.threadInfo().title);
    },
    olderBatch: 50,
    startShown: () => /end-to-end encrypted/.test(document.querySelector('#main [role="application"] [role="row"]')?.textContent ?? ''),
    startNotice: /^Messages and calls are end-to-end encrypted\./,
    virtualized: () => false,
    dateBreaks: () =>
      Array.from(document.querySelectorAll('#main [role="application"] > [role="row"]')).filter((r) => !r.querySelector('[data-id]'))
        .length - 1,
  },
  {
    name: 'instagram',
    layouts: ['anchor', '2026', 'mixed'],
    adapter: instagramAdapter,
    mount(layout) {
      reset('/direct/inbox/');
      const fx = renderInstagram(document, { long: true, layout: layout as 'anchor', now: NOW });
      (document.querySelector('[aria-label="Thread list"] a[href], [aria-label="Thread list"] [role="button"]') as HTMLElement).click();
      return fx as unknown as Control;
    },
    listScroller: () => document.querySelector<HTMLElement>('[aria-label="Thread list"]')!.firstElementChild as HTMLElement,
    listSpinner: () =>
      document.querySelector(
        '[aria-label="Thread list"] [data-visualcompletion="loading-state"][role="progressbar"] svg[aria-label="Loading..."]',
      ),
    rowNodes: () => Array.from(document.querySelectorAll('[aria-label="Thread list"] > div > div')).filter((n) => n.firstElementChild),
    threadSpinner: () =>
      document.querySelector('[aria-label^="Messages in conversation"] [data-visualcompletion="loading-state"][role="progressbar"]'),
    truth: (fx) => (fx as unknown as { truth(id: string): { text: string }[] }).truth(location.pathname.split('/')[3]!),
    olderBatch: 20,
    startShown: () => {
      const box = document.querySelector('[aria-label^="Messages in conversation"]')!;
      const first = (box.querySelector('[data-scope]')?.parentElement ?? box).firstElementChild;
      return !!first && !first.hasAttribute('data-scope') && first.querySelector('img') !== null && /\S/.test(first.textContent ?? '');
    },
    startNotice: null,
    virtualized: () => false,
    dateBreaks: () => document.querySelectorAll('[data-scope="date_break"]').length,
  },
  {
    name: 'messenger',
    layouts: ['classic', '2026', 'mixed'],
    adapter: messengerAdapter,
    mount(layout) {
      reset('/messages/');
      const fx = renderMessenger(document, { long: true, layout: layout as 'classic', now: NOW });
      (document.querySelector('[role="navigation"] [role="grid"] a[href]') as HTMLElement).click();
      return fx as unknown as Control;
    },
    listScroller: () => document.querySelector<HTMLElement>('[role="navigation"] [role="grid"]')!,
    listSpinner: () =>
      document.querySelector('[role="navigation"] [data-visualcompletion="loading-state"][role="progressbar"][aria-label="Loading..."]'),
    rowNodes: () => Array.from(document.querySelectorAll('[role="navigation"] [role="grid"] > [role="row"]')),
    threadSpinner: () => document.querySelector('[role="main"] [data-visualcompletion="loading-state"][role="progressbar"]'),
    truth: (fx) => (fx as unknown as { truth(id: string): { text: string }[] }).truth(location.pathname.split('/').at(-2)!),
    olderBatch: 20,
    startShown: () => {
      const first = document.querySelector('[role="main"] [data-virtualized], [role="main"] [role="row"]')?.parentElement
        ?.firstElementChild;
      return (
        !!first && !first.hasAttribute('data-virtualized') && first.getAttribute('role') !== 'row' && first.querySelector('img') !== null
      );
    },
    startNotice: null,
    virtualized: (layout) => layout !== 'classic',
    dateBreaks: () => document.querySelectorAll('[role="main"] [data-scope="date_break"]').length,
  },
];

const tick = () => new Promise((r) => setTimeout(r, 0));
async function until(ok: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick();
  }
}
const chats = (p: Platform) => p.adapter.chatRows(document).flatMap((r) => p.adapter.parseChatRow(r) ?? []);
/** The open thread as the runtime reads it: in document order with each row's context (linear in the rows). */
function thread(p: Platform) {
  const conv = p.adapter.openConversation(document)!;
  const rows = p.adapter.messageRows(document);
  return rows.flatMap((r, index) => p.adapter.parseMessageRow(r, conv, { rows, index, nodeChanged: true }) ?? []);
}
/** Every attribute name in the page: long mode adds nothing a real page lacks (no test-only attributes). */
const fixtureAttributes = () =>
  Array.from(document.querySelectorAll('*')).flatMap((e) => e.getAttributeNames().filter((n) => n.startsWith('data-fixture')));

afterEach(() => {
  document.body.replaceChildren();
});

describe.each(PLATFORMS)('long mode: $name', (p) => {
  test.each(p.layouts)(
    '%s: the list reaches 2,000 distinct chats by scrolling, in batches behind a spinner, with a bounded window of rows',
    async (layout) => {
      const fx = p.mount(layout);
      fx.loadDelayMs = 0;
      expect(fx.longInfo().chats).toEqual({ loaded: LONG.firstChats, total: LONG_CHATS, loading: false });
      const scroller = p.listScroller();
      const titles = new Set<string>();
      const ids = new Set<string>();
      let maxRows = 0;
      let loads = 0;
      for (let step = 0; step < 2_000 && titles.size < LONG_CHATS; step++) {
        const rows = p.adapter.chatRows(document);
        maxRows = Math.max(maxRows, rows.length);
        for (const c of chats(p)) {
          titles.add(c.title);
          ids.add(c.nativeId);
        }
        // Less than the viewport plus the overscan: every row is rendered at some step.
        scroller.scrollTop += 700;
        scroller.dispatchEvent(new Event('scroll'));
        if (fx.longInfo().chats.loading) {
          // The batch is asked for near the end of what is loaded: the spinner shows until it arrives.
          expect(p.listSpinner()).not.toBeNull();
          loads++;
          await until(() => !fx.longInfo().chats.loading);
          expect(p.listSpinner()).toBeNull();
        }
      }
      expect(titles.size).toBe(LONG_CHATS);
      expect(ids.size).toBe(LONG_CHATS);
      expect(loads).toBe(Math.ceil((LONG_CHATS - LONG.firstChats) / LONG.chatBatch));
      expect(fx.longInfo().chats).toEqual({ loaded: LONG_CHATS, total: LONG_CHATS, loading: false });
      expect(maxRows).toBeGreaterThanOrEqual(8);
      expect(maxRows).toBeLessThanOrEqual(25);
      // At the end nothing more loads.
      scroller.scrollTop += 400;
      scroller.dispatchEvent(new Event('scroll'));
      expect(fx.longInfo().chats.loading).toBe(false);
      expect(fixtureAttributes()).toEqual([]);
    },
  );

  test.each(p.layouts)('%s: rows are recycled: a node shows another chat after scrolling, and no row shows two', (layout) => {
    p.mount(layout);
    const scroller = p.listScroller();
    const before = new Set(p.rowNodes());
    const titlesBefore = chats(p).map((c) => c.title);
    scroller.scrollTop = 30 * 72;
    scroller.dispatchEvent(new Event('scroll'));
    const after = p.rowNodes();
    const titlesAfter = chats(p).map((c) => c.title);
    expect(after.some((r) => before.has(r))).toBe(true);
    expect(titlesAfter.filter((t) => titlesBefore.includes(t))).toEqual([]);
    expect(new Set(titlesAfter).size).toBe(titlesAfter.length);
  });

  test.each(p.layouts)('%s: the adapters read the visible window: chats and the newest 30 messages, ids distinct', (layout) => {
    const fx = p.mount(layout);
    expect(p.adapter.health(document)).toEqual({ state: 'ok' });
    const list = chats(p);
    expect(list.length).toBe(p.adapter.chatRows(document).length);
    expect(new Set(list.map((c) => c.nativeId)).size).toBe(list.length);
    expect(list.some((c) => c.isGroup)).toBe(true);
    const truth = p.truth(fx);
    expect(truth.length).toBe(LONG_MESSAGES);
    expect(fx.longInfo().thread).toEqual({ rendered: LONG.firstMessages, total: LONG_MESSAGES, loading: false, atStart: false });
    const msgs = thread(p);
    expect(new Set(msgs.map((m) => m.nativeId)).size).toBe(msgs.length);
    const expected = truth.slice(-LONG.firstMessages).map((m) => m.text);
    if (p.virtualized(layout)) {
      // Only the items near the viewport (the newest) are rendered; the rest are placeholders.
      expect(msgs.length).toBeGreaterThan(5);
      expect(msgs.length).toBeLessThan(LONG.firstMessages);
      expect(msgs.map((m) => m.text)).toEqual(expected.slice(-msgs.length));
      expect(document.querySelectorAll('[data-virtualized="true"]').length).toBeGreaterThan(0);
    } else expect(msgs.map((m) => m.text)).toEqual(expected);
    expect(msgs.some((m) => m.sender.isSelf) && msgs.some((m) => !m.sender.isSelf)).toBe(true);
    expect(fixtureAttributes()).toEqual([]);
  });

  test.each(p.layouts)('%s: scrolling up shows a spinner, then an older batch above; what was shown keeps its nodes', async (layout) => {
    const fx = p.mount(layout);
    fx.loadDelayMs = 5;
    expect(p.threadSpinner()).toBeNull();
    fx.scrollThread('top');
    expect(fx.longInfo().thread.loading).toBe(true);
    expect(p.threadSpinner()).not.toBeNull();
    // What is shown while the batch loads: the top of what is loaded, its oldest message first. Read
    // after the scroll, not before: a thread that renders only the items near the viewport (Messenger
    // 2026, mixed) has, by then, put the newest messages it showed at the bottom back into placeholders.
    const shownBefore = thread(p);
    const oldest = shownBefore[0]!;
    const oldestIndex = LONG_MESSAGES - LONG.firstMessages; // the oldest loaded message's place in the thread
    expect(oldest.text).toBe(p.truth(fx)[oldestIndex]!.text);
    const oldestRow = p.adapter
      .messageRows(document)
      .find((r) => p.adapter.parseMessageRow(r, p.adapter.openConversation(document)!)?.nativeId === oldest.nativeId)!;
    fx.scrollThread('top'); // one load at a time
    await until(() => !fx.longInfo().thread.loading);
    expect(p.threadSpinner()).toBeNull();
    expect(fx.longInfo().thread.rendered).toBe(LONG.firstMessages + p.olderBatch);
    const truth = p.truth(fx);
    const msgs = thread(p);
    const at = msgs.findIndex((m) => m.nativeId === oldest.nativeId);
    expect(at).toBeGreaterThan(0); // older messages above it
    expect(msgs.slice(0, at).map((m) => m.text)).toEqual(truth.slice(oldestIndex - at, oldestIndex).map((m) => m.text));
    expect(oldestRow.isConnected).toBe(true);
    expect(new Set(msgs.map((m) => m.nativeId)).size).toBe(msgs.length);
  });

  test('the start of the conversation comes after all 5,000 messages, and then nothing more loads', async () => {
    const layout = p.layouts[0]!;
    const fx = p.mount(layout);
    fx.loadDelayMs = 0;
    let loads = 0;
    while (!fx.longInfo().thread.atStart && loads < 1_000) {
      expect(p.startShown()).toBe(false);
      fx.scrollThread('top');
      loads++;
      await until(() => !fx.longInfo().thread.loading);
    }
    expect(loads).toBe(Math.ceil((LONG_MESSAGES - LONG.firstMessages) / p.olderBatch));
    expect(fx.longInfo().thread).toEqual({ rendered: LONG_MESSAGES, total: LONG_MESSAGES, loading: false, atStart: true });
    expect(p.startShown()).toBe(true);
    fx.scrollThread('top');
    expect(fx.longInfo().thread.loading).toBe(false);
    expect(p.threadSpinner()).toBeNull();
    const rows = thread(p);
    // The notice the start shows is read as what it is, a system row above the first message
    // (WhatsApp's encryption notice; the adapter keeps system notices), not as a message.
    const notices = rows.filter((m) => m.system).map((m) => m.text);
    if (p.startNotice) {
      expect(notices).toEqual([expect.stringMatching(p.startNotice)]);
      expect(rows[0]!.system).toBe(true);
    } else expect(notices).toEqual([]);
    const msgs = rows.filter((m) => !m.system);
    expect(msgs.length).toBe(LONG_MESSAGES);
    expect(new Set(msgs.map((m) => m.nativeId)).size).toBe(LONG_MESSAGES);
    expect(msgs.map((m) => m.text)).toEqual(p.truth(fx).map((m) => m.text));
    // A date break for every day with messages: the thread spans months.
    expect(p.dateBreaks()).toBeGreaterThan(200);
  }, 60_000);
});

test('long mode is off by default: the existing pages keep their own chats', () => {
  reset('/');
  const wa = renderWhatsApp(document, { now: NOW });
  expect(wa.chatsInfo().length).toBeLessThan(20);
  expect(wa.longInfo().chats).toEqual({ loaded: wa.chatsInfo().length, total: wa.chatsInfo().length, loading: false });
});
