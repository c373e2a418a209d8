// The popup's and side panel's first frame, painted by the early script (entrypoints/first-rows.ts)
// from its own store read before the app's module chunks (Preact, Dexie, the polyfill: ~170 KB) are
// even fetched (lib/pages/start.ts): the newest rows show as soon as they are read instead of after
// all that code has run. The markup is the app's first render for the same rows and language (App,
// Inbox, InboxSweep and VirtualList, before any of their live reads has answered);
// tests/unit/pages/first-paint.test.tsx holds the two equal, so when the app replaces this frame
// (lib/pages/mount.tsx, in one task) nothing on screen moves. Built with DOM calls only: titles and
// previews are page text, never markup.
import { mayHoldArmor } from '../crypto/armor-text';
import { enFirst, idFirst, type FirstFrameStrings } from '../shared/i18n/first-frame';
import { pickLanguage, type Language } from '../shared/i18n/language';
import { PLATFORM_LABEL, type Conversation } from '../shared/model';
import { count, listTime } from './format';
import { windowHeight, windowOf } from './list-window';

export type Layout = 'popup' | 'panel';

/** Fixed row height of the conversation list (px); the CSS gives rows exactly this. */
export const ROW_HEIGHT = 62;
/** The id InboxSweep gives its platform list (referenced by its toggle). */
export const SWEEP_PLATFORMS_ID = 'sweep-platforms';

/** The layout a page's `#app` declares (`data-layout`); the app and the first paint both read it. */
export function layoutOf(root: HTMLElement): Layout {
  return root.dataset.layout === 'panel' ? 'panel' : 'popup';
}

/**
 * The interface language for a stored choice (`uiLanguage`: 'auto', a language, or null when none
 * was read): the choice, else the browser's. The app and the first frame both decide with this.
 */
export function languageFor(choice: string | null | undefined): Language {
  return pickLanguage(choice === 'auto' ? null : choice, navigator.languages ?? [navigator.language]);
}

/**
 * What the popup's "Open side panel" shows before the window is known (SidePanelButton): absent
 * without an API for it; disabled in Chrome until `windows.getCurrent` answers; ready in Firefox.
 */
export function sidePanelButtonState(): 'absent' | 'disabled' | 'ready' {
  const g = globalThis as { chrome?: { sidePanel?: { open?: unknown } }; browser?: { sidebarAction?: { open?: unknown } } };
  if (g.browser?.sidebarAction?.open) return 'ready';
  return g.chrome?.sidePanel?.open ? 'disabled' : 'absent';
}

const firstFrameStrings = (lang: Language): FirstFrameStrings => (lang === 'id' ? idFirst : enFirst);

type Child = Node | string | null | false;

function el(tag: string, attrs: Record<string, string | undefined>, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) node.setAttribute(name, value);
  for (const c of children) if (c !== null && c !== false) node.append(c);
  return node;
}

function button(attrs: Record<string, string | undefined>, text: string): HTMLElement {
  return el('button', { type: 'button', ...attrs }, text);
}

function row(c: Conversation, lang: Language, s: FirstFrameStrings): HTMLElement {
  const badge = !c.unread
    ? null
    : c.unreadCount
      ? el('span', { class: 'badge', 'aria-label': s.unread(c.unreadCount) }, count(c.unreadCount, lang))
      : el('span', { class: 'badge dot', 'aria-label': s.unreadNoCount });
  return el(
    'button',
    { type: 'button', class: `row${c.unread ? ' unread' : ''}` },
    el('span', { class: `platform platform-${c.platform}` }, PLATFORM_LABEL[c.platform]),
    el('span', { class: 'title', dir: 'auto' }, c.title),
    el(
      'time',
      { class: 'time', datetime: c.lastMessageAt ? new Date(c.lastMessageAt).toISOString() : undefined },
      listTime(c.lastMessageAt, lang, s.yesterday),
    ),
    el('span', { class: 'preview', dir: 'auto' }, mayHoldArmor(c.preview) ? s.e2ee.preview : c.preview),
    badge,
  );
}

function conversationList(rows: readonly Conversation[], lang: Language, s: FirstFrameStrings, viewport: number): HTMLElement {
  const ul = el('ul', { class: 'rows', 'aria-label': s.conversations, 'aria-busy': 'true' });
  ul.style.height = `${rows.length * ROW_HEIGHT}px`;
  ul.style.paddingTop = '0px';
  const [, shown] = windowOf(rows.length, 0, viewport, ROW_HEIGHT);
  for (let i = 0; i < shown; i++) {
    const li = el('li', { 'data-index': String(i), 'aria-posinset': String(i + 1), 'aria-setsize': '-1' }, row(rows[i]!, lang, s));
    li.style.height = `${ROW_HEIGHT}px`;
    ul.append(li);
  }
  return el('div', { class: 'conversations' }, ul);
}

function sweepBar(s: FirstFrameStrings): HTMLElement {
  return el(
    'section',
    { class: 'sweep', 'aria-label': s.sweep.heading },
    el(
      'div',
      { class: 'sweep-bar' },
      button({}, s.sweep.readAll),
      button({ class: 'link-button sweep-toggle', 'aria-expanded': 'false', 'aria-controls': SWEEP_PLATFORMS_ID }, s.sweep.platforms),
    ),
    el('p', { class: 'sweep-status', role: 'status' }),
  );
}

export interface FirstFrame {
  rows: readonly Conversation[];
  layout: Layout;
  lang: Language;
  /** The list's visible height before layout: the window's (VirtualList's first guess). */
  viewport: number;
  sidePanel: 'absent' | 'disabled' | 'ready';
}

/** The app's first frame for these rows (see the top of this file). */
export function firstFrame(f: FirstFrame): HTMLElement {
  const s = firstFrameStrings(f.lang);
  const search = el('input', {
    type: 'search',
    class: 'search',
    role: 'searchbox',
    'aria-label': s.search,
    placeholder: s.searchPlaceholder,
    'aria-keyshortcuts': '/',
  });
  const toolbar = el(
    'div',
    { class: 'toolbar' },
    el('h1', { class: 'app-title' }, s.appName),
    f.layout === 'popup' &&
      f.sidePanel !== 'absent' &&
      button({ class: 'open-panel', disabled: f.sidePanel === 'disabled' ? '' : undefined }, s.openSidePanel),
    button({ class: 'open-options' }, s.openOptions),
  );
  const inbox = el(
    'section',
    { class: 'inbox', 'aria-label': s.conversations },
    search,
    el('ul', { class: 'health', 'aria-label': s.platformStatus }),
    sweepBar(s),
    conversationList(f.rows, f.lang, s, f.viewport),
  );
  // A picture of the app until the app replaces it: `inert`, so a click or a key cannot land on a
  // button that has no handler yet (the only attribute the app's own render does not have).
  return el(
    'main',
    { class: `app layout-${f.layout}`, inert: '' },
    el('div', { class: 'list-pane' }, toolbar, inbox, el('p', { class: 'keys-help' }, s.keyboardHelp)),
  );
}

/**
 * Paints the first frame into the page's `#app` if the app has not rendered there yet and there is
 * something to show (an empty store, or a page opening a thread, is left to the app). Returns
 * whether it painted.
 */
export function paintFirstFrame(doc: Document, rows: readonly Conversation[] | null, languageChoice: string | null = null): boolean {
  const root = doc.getElementById('app');
  if (!root || root.firstChild || !rows?.length) return false;
  if (new URLSearchParams(doc.location?.search ?? '').has('open')) return false;
  const lang = languageFor(languageChoice);
  const layout = layoutOf(root);
  root.append(firstFrame({ rows, layout, lang, viewport: windowHeight(), sidePanel: sidePanelButtonState() }));
  doc.documentElement.lang = lang;
  doc.title = firstFrameStrings(lang).appName;
  return true;
}
