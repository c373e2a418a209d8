// @vitest-environment happy-dom
// The early script's first frame (lib/pages/first-paint.ts) must be the app's first render for the
// same rows, element for element, or the list jumps when the app takes over. These tests run the
// page's real sequence: the early script reads the store and paints into `#app`, then the app
// mounts over it (lib/pages/mount.tsx); the two DOMs are compared.
import 'fake-indexeddb/auto';
import { render } from 'preact';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ARMOR_MARKER } from '../../../lib/crypto/armor-text';
import { firstFrame, paintFirstFrame } from '../../../lib/pages/first-paint';
import { FIRST_FRAME_WAIT_MS, firstFrameShown, startFirstRows, takeFirstRows } from '../../../lib/pages/first-rows';
import { mountApp } from '../../../lib/pages/mount';
import { PLATFORMS, type Conversation, type Platform } from '../../../lib/shared/model';
import { DB_NAME, getDb } from '../../../lib/store/db';
import { storedConversation } from '../helpers/factories';

/** An element as a comparable tree: tag, attributes sorted, children; empty text nodes dropped. */
function shape(node: Node): unknown {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  const el = node as Element;
  const attrs = [...el.attributes].map((a) => `${a.name}=${a.value}`).sort();
  const children: unknown[] = [];
  for (const c of el.childNodes) {
    if (c.nodeType === Node.TEXT_NODE) {
      if (!c.textContent) continue;
      // Adjacent text nodes (Preact renders each expression as its own) read as one.
      if (typeof children[children.length - 1] === 'string') children[children.length - 1] += c.textContent!;
      else children.push(c.textContent);
    } else if (c.nodeType === Node.ELEMENT_NODE) children.push(shape(c));
  }
  return { tag: el.tagName.toLowerCase(), attrs, children };
}

const NOW = Date.now();
function conv(platform: Platform, id: string, minutesAgo: number | null, over: Partial<Conversation> = {}): Conversation {
  return storedConversation(platform, id, {
    title: `Title ${id}`,
    preview: `preview ${id}`,
    lastMessageAt: minutesAgo === null ? null : NOW - minutesAgo * 60_000,
    ...over,
  });
}

/** A store as varied as the row markup gets: unread with and without a count, old and new, group-like, RTL, markup-like text, ciphertext. */
function sample(): Conversation[] {
  const rows = [
    conv('whatsapp', 'w1', 1, { unread: true, unreadCount: 3 }),
    conv('instagram', 'i1', 5, { unread: true, unreadCount: null }),
    conv('messenger', 'm1', 60 * 26, { title: 'سلام', preview: 'مرحبا' }),
    conv('whatsapp', 'w2', 60 * 24 * 3, { title: '<img src=x onerror="alert(1)">', preview: '<b>bold</b>' }),
    conv('instagram', 'i2', 60 * 24 * 400, { unread: true, unreadCount: 1200 }),
    conv('messenger', 'm2', 30, { preview: `${ARMOR_MARKER} x4f9 2ab1 77c0` }),
  ];
  // Older than the ones above, so those are all in view.
  for (let i = 0; i < 60; i++) rows.push(conv(PLATFORMS[i % 3]!, `n${i}`, 60 * 24 * 30 + i));
  return rows;
}

let root: HTMLElement;

async function fillStore(rows: Conversation[]) {
  const db = getDb();
  await db.open();
  await db.conversations.clear();
  await db.conversations.bulkPut(rows);
}

/** The page's sequence: early script (read and paint), then the app mounting over its frame. */
async function openPage(layout: 'popup' | 'panel') {
  root.dataset.layout = layout;
  startFirstRows();
  await firstFrameShown(5_000);
  const earlyMain = root.firstElementChild;
  // The early frame is inert until the app replaces it; otherwise it is the app's markup.
  expect(earlyMain?.hasAttribute('inert')).toBe(true);
  earlyMain?.removeAttribute('inert');
  const early = earlyMain ? shape(earlyMain) : null;
  await mountApp(root);
  return { early, app: shape(root.firstElementChild!), earlyMain };
}

function setLanguages(langs: string[]) {
  Object.defineProperty(navigator, 'languages', { value: langs, configurable: true });
}

beforeEach(() => {
  document.body.innerHTML = '<div id="app"></div>';
  root = document.getElementById('app')!;
  setLanguages(['en-GB']);
});
afterEach(async () => {
  render(null, root);
  await fakeBrowser.storage.local.clear();
  takeFirstRows();
  delete (globalThis as { chrome?: unknown }).chrome;
  delete (globalThis as { browser?: { sidebarAction?: unknown } }).browser?.sidebarAction;
});

describe('the first frame', () => {
  test.each([
    ['popup', 'en-GB', 'no side panel API'],
    ['popup', 'id-ID', 'no side panel API'],
    ['panel', 'en-GB', 'no side panel API'],
    ['panel', 'id-ID', 'no side panel API'],
    ['popup', 'en-GB', 'Chrome side panel'],
    ['popup', 'id-ID', 'Firefox sidebar'],
  ] as const)('is the app first render, element for element (%s, %s, %s)', async (layout, lang, api) => {
    setLanguages([lang]);
    if (api === 'Chrome side panel')
      (globalThis as { chrome?: unknown }).chrome = {
        sidePanel: { open: async () => {} },
        windows: { getCurrent: () => new Promise(() => {}) },
      };
    if (api === 'Firefox sidebar')
      (globalThis as unknown as { browser: { sidebarAction?: unknown } }).browser.sidebarAction = { open: async () => {} };
    await fillStore(sample());
    const { early, app, earlyMain } = await openPage(layout);
    expect(early).not.toBeNull();
    expect(app).toEqual(early);
    // And the app replaced it rather than adding to it.
    expect(root.children).toHaveLength(1);
    expect(root.firstElementChild).not.toBe(earlyMain);
  });

  test.each([
    ['id', ['en-GB'], 'Kotak Masuk Terpadu'],
    ['en', ['id-ID'], 'Unified Inbox'],
    ['auto', ['id-ID'], 'Kotak Masuk Terpadu'],
    ['xx', ['en-GB'], 'Unified Inbox'],
  ])('uses the language chosen in Options (%s, browser %s) from the first frame on', async (choice, langs, title) => {
    setLanguages(langs);
    await fakeBrowser.storage.local.set({ settings: { uiLanguage: choice } });
    await fillStore(sample());
    const { early, app } = await openPage('popup');
    expect(root.querySelector('h1')?.textContent).toBe(title);
    expect(app).toEqual(early);
  });

  test('shows the newest rows, with scraped text as text', async () => {
    await fillStore(sample());
    root.dataset.layout = 'popup';
    startFirstRows();
    await firstFrameShown(5_000);
    const titles = [...root.querySelectorAll('li[aria-posinset] .title')].map((t) => t.textContent);
    expect(titles.slice(0, 5)).toEqual(['Title w1', 'Title i1', 'Title m2', 'سلام', '<img src=x onerror="alert(1)">']);
    expect(root.querySelector('img, b')).toBeNull();
    expect(root.textContent).toContain('<img src=x onerror="alert(1)">');
    // Ciphertext never shows as a preview.
    expect(root.textContent).not.toContain('UIE1');
    expect(root.querySelector('ul[aria-label="Conversations"]')?.getAttribute('aria-busy')).toBe('true');
  });

  test('paints nothing for an empty store, a page opening a thread, or a page the app already drew', () => {
    const rows = sample();
    expect(paintFirstFrame(document, [])).toBe(false);
    expect(paintFirstFrame(document, null)).toBe(false);
    history.replaceState(null, '', '?open=abc');
    expect(paintFirstFrame(document, rows)).toBe(false);
    history.replaceState(null, '', location.pathname);
    root.append(document.createElement('main'));
    expect(paintFirstFrame(document, rows)).toBe(false);
    expect(root.children).toHaveLength(1);
    root.replaceChildren();
    expect(paintFirstFrame(document, rows)).toBe(true);
  });

  test('renders only the rows the window shows, as the list does', () => {
    const frame = firstFrame({ rows: sample(), layout: 'popup', lang: 'en', viewport: 600, sidePanel: 'absent' });
    // ceil(600 / 62) = 10 rows in view, plus 4 below.
    expect(frame.querySelectorAll('li[aria-posinset]')).toHaveLength(14);
    expect(frame.querySelector<HTMLElement>('ul.rows')!.style.height).toBe(`${66 * 62}px`);
  });

  test('the app does not wait long for an early read that never answers', async () => {
    (globalThis as Record<string, unknown>).__unifiedInboxFirstRows = { done: new Promise(() => {}), shown: new Promise(() => {}) };
    const t = performance.now();
    await firstFrameShown(50);
    expect(performance.now() - t).toBeLessThan(1_000);
    expect(FIRST_FRAME_WAIT_MS).toBeLessThanOrEqual(300);
  });

  test('the store the early script reads is the app store', () => {
    expect(getDb().name).toBe(DB_NAME);
  });
});
