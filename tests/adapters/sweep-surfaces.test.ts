// @vitest-environment happy-dom
// What each adapter tells a sweep about its page (content/<platform>/sweep.ts), on every fixture
// layout: the element that scrolls the chat list and the one that scrolls the open thread (each
// holds its rows and scrolls), Instagram's column-reverse thread, Messenger's 2026 thread scroller
// two levels below [role="log"], and the loading indicator seen only while it is shown.
import { afterEach, describe, expect, test } from 'vitest';
import type { PlatformAdapter } from '../../content/adapter';
import { scrollsY } from '../../content/dom';
import { instagramAdapter as ig } from '../../content/instagram/adapter';
import { messengerAdapter as fb } from '../../content/messenger/adapter';
import { whatsappAdapter as wa } from '../../content/whatsapp/adapter';
import { renderInstagram } from '../fixtures/instagram/instagram-app.js';
import { renderMessenger } from '../fixtures/messenger/messenger-app.js';
import { renderWhatsApp } from '../fixtures/whatsapp/whatsapp-app.js';

const IG_ALEX = '17849937201145562';
const FB_MAMA = '100004873215509';

afterEach(() => {
  document.body.replaceChildren();
  document.head.replaceChildren();
});

function expectSurfaces(adapter: PlatformAdapter) {
  const s = adapter.sweep!;
  expect(s).toBeDefined();
  const list = s.chatListScroller(document);
  expect(list).not.toBeNull();
  expect(scrollsY(list!)).toBe(true);
  const chats = adapter.chatRows(document);
  expect(chats.length).toBeGreaterThan(0);
  for (const row of chats) expect(list!.contains(row)).toBe(true);
  const thread = s.threadScroller(document);
  expect(thread).not.toBeNull();
  expect(scrollsY(thread!)).toBe(true);
  const rows = adapter.messageRows(document);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(thread!.contains(row)).toBe(true);
  expect(thread!.contains(list!) || list!.contains(thread!)).toBe(false);
  // No indicator on a page that is not loading; one shown next to the rows is seen (Meta's own
  // markup, [data-visualcompletion="loading-state"], is tested with the long fixtures).
  expect(s.loadingMore(document, 'chats')).toBe(false);
  expect(s.loadingMore(document, 'thread')).toBe(false);
  for (const [where, box] of [
    ['chats', list!],
    ['thread', thread!],
  ] as const) {
    const spinner = document.createElement('div');
    spinner.setAttribute('role', 'progressbar');
    box.prepend(spinner);
    expect(s.loadingMore(document, where), where).toBe(true);
    spinner.remove();
  }
  return { list: list!, thread: thread! };
}

describe.each(['classic', '2026', 'mixed'] as const)('WhatsApp (%s): sweep surfaces', (layout) => {
  test('the list scrolls in #pane-side; the thread in the scrolling ancestor of its rows', () => {
    document.body.replaceChildren();
    const fx = renderWhatsApp(document, { layout });
    fx.openChat(layout === 'classic' ? 'Budi Santoso' : 'Ibu', layout === 'classic' ? undefined : 'dm');
    const { list } = expectSurfaces(wa);
    expect(list.id).toBe('pane-side');
  });
});

describe.each(['classic', '2026', 'mixed'] as const)('Messenger (%s): sweep surfaces', (layout) => {
  test('the list scrolls in its grid; the thread where the layout puts it', () => {
    history.replaceState(null, '', `/messages/e2ee/t/${FB_MAMA}/`);
    renderMessenger(document, { layout });
    const { thread } = expectSurfaces(fb);
    if (layout !== 'classic') expect(thread.parentElement?.parentElement?.getAttribute('role')).toBe('log');
  });
});

describe.each(['anchor', '2026', 'mixed'] as const)('Instagram (%s): sweep surfaces', (layout) => {
  test('the list and the thread scroll around their rows; the 2026 thread is column-reverse', () => {
    history.replaceState(null, '', `/direct/t/${IG_ALEX}/`);
    renderInstagram(document, { layout, now: Date.UTC(2026, 6, 1, 10) });
    const { thread } = expectSurfaces(ig);
    const reverse = getComputedStyle(thread).flexDirection === 'column-reverse';
    expect(reverse).toBe(layout !== 'anchor');
  });
});
