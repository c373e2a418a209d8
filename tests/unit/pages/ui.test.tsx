// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { openDb, type InboxDb } from '../../../lib/store/db';
import type { Conversation, Message, OutboxEntry, Platform, SendFailureReason } from '../../../lib/shared/model';
import { indexMessages } from '../../../lib/store/search-index';
import { App } from '../../../lib/pages/App';
import { loadStrings } from '../../../lib/pages/i18n';
import { ROW_HEIGHT } from '../../../lib/pages/Inbox';
import { storedConversation, storedMessage } from '../helpers/factories';

let db: InboxDb;
let n = 0;
const T0 = Date.UTC(2026, 10, 20, 9, 0);

function conv(platform: Platform, nativeId: string, title: string, minutesAgo: number, over: Partial<Conversation> = {}): Conversation {
  return storedConversation(platform, nativeId, {
    title,
    preview: `preview ${title}`,
    lastMessageAt: T0 - minutesAgo * 60_000,
    listRank: null,
    firstSeenAt: T0,
    updatedAt: T0,
    ...over,
  });
}

function message(c: Conversation, nativeId: string, order: number, text: string, sentAt: number | null = T0 + order): Message {
  return storedMessage(c, nativeId, order, { text, sentAt, firstSeenAt: T0, updatedAt: T0 });
}

// The thread view is a lazily loaded chunk; load (transform) it once up front so a test's
// findByRole timeout is not spent compiling it on a busy machine.
beforeAll(() => import('../../../lib/pages/Thread'));

beforeEach(async () => {
  db = openDb(`ui-test-${n++}`);
  await db.open();
});
afterEach(() => cleanup());

const list = () => screen.getByRole('list', { name: 'Conversations' });
const rowsInDom = () => list().querySelectorAll('li[aria-posinset]').length;

/**
 * happy-dom does no layout. This stands in for it: a box measures its content (an element with an
 * inline height, its padding plus its children), except the list's scroll container once `bound`
 * gives it a height, as the stylesheet does; `reflow` fires the ResizeObservers as the browser does
 * after layout.
 */
function fakeLayout() {
  let scrollerHeight: number | null = null;
  const observers: { cb: ResizeObserverCallback; self: ResizeObserver; targets: Element[] }[] = [];
  const contentHeight = (el: HTMLElement): number => {
    const fixed = parseFloat(el.style.height);
    if (!Number.isNaN(fixed)) return fixed;
    const pad = (parseFloat(el.style.paddingTop) || 0) + (parseFloat(el.style.paddingBottom) || 0);
    return pad + [...el.children].reduce((n, c) => n + contentHeight(c as HTMLElement), 0);
  };
  const isScroller = (el: HTMLElement) => el.firstElementChild?.getAttribute('aria-label') === 'Conversations';
  const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return scrollerHeight !== null && isScroller(this) ? scrollerHeight : contentHeight(this);
    },
  });
  const original = globalThis.ResizeObserver;
  globalThis.ResizeObserver = class {
    constructor(cb: ResizeObserverCallback) {
      observers.push({ cb, self: this as unknown as ResizeObserver, targets: [] });
    }
    observe(el: Element) {
      observers.find((o) => o.self === (this as unknown as ResizeObserver))?.targets.push(el);
    }
    unobserve() {}
    disconnect() {
      const i = observers.findIndex((o) => o.self === (this as unknown as ResizeObserver));
      if (i >= 0) observers.splice(i, 1);
    }
  } as unknown as typeof ResizeObserver;
  const innerHeight = Object.getOwnPropertyDescriptor(window, 'innerHeight');
  const reflow = () => {
    for (const o of [...observers])
      o.cb(
        o.targets.map((target) => ({ target }) as ResizeObserverEntry),
        o.self,
      );
  };
  return {
    reflow,
    bound(px: number) {
      scrollerHeight = px;
      reflow();
    },
    windowHeight(px: number) {
      Object.defineProperty(window, 'innerHeight', { configurable: true, value: px });
      window.dispatchEvent(new Event('resize'));
    },
    restore() {
      if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
      else delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight;
      globalThis.ResizeObserver = original;
      if (innerHeight) Object.defineProperty(window, 'innerHeight', innerHeight);
      else delete (window as { innerHeight?: number }).innerHeight;
    },
  };
}

describe('inbox', () => {
  test('shows Loading… first, then a windowed list that still reports every row’s place', async () => {
    const many = Array.from({ length: 3_000 }, (_, i) => conv('whatsapp', `c${i}`, `Contact ${i}`, i));
    await db.conversations.bulkPut(many);
    render(<App db={db} layout="panel" language="en" />);
    // (The inbox's other live region, "Reading chats", says nothing yet.)
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toEqual(['', 'Loading…']);
    // The first rows come from a quick read of the newest; the total is not known yet.
    await waitFor(() => expect(within(list()).getAllByRole('listitem').length).toBeGreaterThan(5));
    if (list().getAttribute('aria-busy') === 'true') {
      expect(within(list()).getAllByRole('listitem')[0]!.getAttribute('aria-setsize')).toBe('-1');
    }
    // Then the whole list, still windowed.
    await waitFor(() => expect(list().getAttribute('aria-busy')).toBeNull());
    const items = within(list()).getAllByRole('listitem');
    expect(items.length).toBeLessThan(40); // windowed, not 3,000 rows
    expect(items[0]!.getAttribute('aria-setsize')).toBe('3000');
    expect(items[0]!.getAttribute('aria-posinset')).toBe('1');
    expect(within(items[0]!).getByRole('button').textContent).toContain('Contact 0');
    // Scrolling (the list's scroll container) renders the rows further down, after padding that
    // stands in for the rows above.
    const ul = list();
    const scroller = ul.parentElement!;
    scroller.scrollTop = 2_000 * ROW_HEIGHT;
    fireEvent.scroll(scroller);
    await waitFor(() => expect(within(list()).getByText('Contact 2000')).toBeTruthy());
    const row = within(list()).getByText('Contact 2000').closest('li')!;
    expect(row.getAttribute('aria-posinset')).toBe('2001');
    expect(parseInt(ul.style.paddingTop, 10)).toBeGreaterThan(1_900 * ROW_HEIGHT);
    expect(ul.style.height).toBe(`${3_000 * ROW_HEIGHT}px`); // the whole list's height, so the scrollbar is true
  });

  test('after layout only a window of rows is in the DOM, whatever the list box measures, re-measured on resize', async () => {
    const layout = fakeLayout();
    try {
      await db.conversations.bulkPut(Array.from({ length: 5_000 }, (_, i) => conv('whatsapp', `c${i}`, `Contact ${i}`, i)));
      render(<App db={db} layout="popup" language="en" />);
      await waitFor(() => expect(within(list()).getAllByRole('listitem').length).toBeGreaterThan(5));
      // Before the stylesheet bounds it, a box is as tall as its content: the whole list (310,000 px).
      await act(() => layout.reflow());
      expect(rowsInDom()).toBeLessThanOrEqual(Math.ceil(innerHeight / ROW_HEIGHT) + 10);
      // Laid out: the scroller is 496 px high (as in the 580 px popup).
      await act(() => layout.bound(496));
      expect(rowsInDom()).toBeLessThanOrEqual(Math.ceil(496 / ROW_HEIGHT) + 10);
      const few = rowsInDom();
      // A taller side panel / window: more rows, still a window.
      await act(() => {
        layout.bound(1_200);
        layout.windowHeight(1_300);
      });
      expect(rowsInDom()).toBeGreaterThan(few);
      expect(rowsInDom()).toBeGreaterThanOrEqual(Math.ceil(1_200 / ROW_HEIGHT));
      expect(rowsInDom()).toBeLessThanOrEqual(Math.ceil(1_200 / ROW_HEIGHT) + 10);
    } finally {
      layout.restore();
    }
  });

  test('keyboard moves reach rows far down the list that were not rendered, and the DOM stays windowed', async () => {
    const layout = fakeLayout();
    try {
      await db.conversations.bulkPut(Array.from({ length: 3_000 }, (_, i) => conv('whatsapp', `c${i}`, `Contact ${i}`, i)));
      render(<App db={db} layout="popup" language="en" />);
      await waitFor(() => expect(within(list()).getAllByRole('listitem').length).toBeGreaterThan(5));
      await act(() => layout.bound(496));
      await waitFor(() => expect(list().getAttribute('aria-busy')).toBeNull());
      expect(within(list()).queryByText('Contact 150')).toBeNull();
      fireEvent.keyDown(document.body, { key: 'j' });
      for (let i = 1; i <= 150; i++) fireEvent.keyDown(document.activeElement!, { key: i % 2 ? 'j' : 'ArrowDown' });
      await waitFor(() => expect(document.activeElement?.textContent).toContain('Contact 150'));
      const row = document.activeElement!.closest('li')!;
      expect(row.getAttribute('aria-posinset')).toBe('151');
      expect(row.getAttribute('aria-setsize')).toBe('3000');
      expect(rowsInDom()).toBeLessThanOrEqual(Math.ceil(496 / ROW_HEIGHT) + 10);
      // The scroller followed: the active row is inside its visible part.
      const scroller = list().parentElement!;
      expect(150 * ROW_HEIGHT).toBeGreaterThanOrEqual(scroller.scrollTop);
      expect(151 * ROW_HEIGHT).toBeLessThanOrEqual(scroller.scrollTop + 496);
      for (let i = 0; i < 20; i++) fireEvent.keyDown(document.activeElement!, { key: i % 2 ? 'k' : 'ArrowUp' });
      await waitFor(() => expect(document.activeElement?.textContent).toContain('Contact 130'));
      fireEvent.click(document.activeElement!);
      await screen.findByRole('log', { name: 'Conversation with Contact 130' });
    } finally {
      layout.restore();
    }
  });

  test('j/k and arrows move through conversations, Enter opens, Escape goes back, / focuses search', async () => {
    await db.conversations.bulkPut([
      conv('whatsapp', 'a', 'Alpha', 1),
      conv('instagram', 'b', 'Bravo', 2),
      conv('messenger', 'c', 'Charlie', 3),
    ]);
    render(<App db={db} layout="popup" language="en" />);
    await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(3));
    fireEvent.keyDown(document.body, { key: 'j' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Alpha'));
    fireEvent.keyDown(document.activeElement!, { key: 'j' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Bravo'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Charlie'));
    fireEvent.keyDown(document.activeElement!, { key: 'k' });
    await waitFor(() => expect(document.activeElement?.textContent).toContain('Bravo'));
    // Enter on a focused row is its button's click.
    fireEvent.click(document.activeElement!);
    await waitFor(() => expect(screen.getByRole('log', { name: 'Conversation with Bravo' })).toBeTruthy());
    // Typing in the composer: j and / are text, not shortcuts.
    const box = screen.getByRole('textbox', { name: 'Message' });
    fireEvent.keyDown(box, { key: '/' });
    expect(screen.queryByRole('list', { name: 'Conversations' })).toBeNull();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    await waitFor(() => expect(list()).toBeTruthy());
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Search' }));
  });

  test('search finds messages through the index; a result opens the thread at that message', async () => {
    const budi = conv('whatsapp', 'budi', 'Budi Santoso', 1);
    const sari = conv('instagram', 'sari', 'Sari Wulandari', 2);
    await db.conversations.bulkPut([budi, sari]);
    const msgs = [
      ...Array.from({ length: 30 }, (_, i) => message(budi, `m${i}`, i, `obrolan ${i}`)),
      message(budi, 'target', 100, 'Sampai jumpa besok, jangan lupa kopí'),
      message(sari, 's1', 1, 'The sunset one'),
    ];
    await db.messages.bulkPut(msgs);
    await indexMessages(db, msgs);
    render(<App db={db} layout="panel" language="en" />);
    await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(2));
    fireEvent.input(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'KOPI jump' } });
    const results = await screen.findByRole('list', { name: 'Search results' });
    await waitFor(() => expect(within(results).getAllByRole('listitem')).toHaveLength(1));
    const hit = within(results).getByRole('button');
    expect(hit.textContent).toContain('Budi Santoso');
    expect(hit.textContent).toContain('WhatsApp');
    expect(hit.querySelector('mark')?.textContent).toBe('jump'); // the matched prefix, where it first occurs
    // The conversation list narrows to the conversation holding the match.
    await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(1));
    fireEvent.click(hit);
    const log = await screen.findByRole('log', { name: 'Conversation with Budi Santoso' });
    await waitFor(() => expect(log.querySelector('[aria-current="true"]')?.textContent).toContain('Sampai jumpa'));
    expect(document.activeElement?.textContent).toContain('Sampai jumpa');
  });

  test('an open search shows the current title of a conversation renamed after it ran', async () => {
    const budi = conv('whatsapp', 'budi', 'Budi Santoso', 1);
    await db.conversations.put(budi);
    const msgs = [message(budi, 'k1', 1, 'kopi tubruk')];
    await db.messages.bulkPut(msgs);
    await indexMessages(db, msgs);
    render(<App db={db} layout="panel" language="en" />);
    await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(1));
    fireEvent.input(screen.getByRole('searchbox', { name: 'Search' }), { target: { value: 'tubruk' } });
    const results = await screen.findByRole('list', { name: 'Search results' });
    await waitFor(() => expect(within(results).getByRole('button').textContent).toContain('Budi Santoso'));
    await act(async () => {
      await db.conversations.put({ ...budi, title: 'Budi S. (kantor)' });
    });
    // The index did not change, so the search does not run again; the result follows the list.
    await waitFor(() => expect(within(results).getByRole('button').textContent).toContain('Budi S. (kantor)'));
  });

  test('Indonesian interface strings', async () => {
    // As mountApp does: the Indonesian table (a chunk of its own) is loaded before the first render.
    await loadStrings('id');
    render(<App db={db} layout="panel" language="id" />);
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toEqual(['', 'Memuat…']);
    expect(screen.getByRole('searchbox', { name: 'Cari' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('id');
  });

  test('a language chosen while the page is open shows once its table has loaded', async () => {
    const { rerender } = render(<App db={db} layout="panel" language="en" />);
    expect(screen.getByRole('searchbox', { name: 'Search' })).toBeTruthy();
    rerender(<App db={db} layout="panel" language="id" />);
    expect(await screen.findByRole('searchbox', { name: 'Cari' })).toBeTruthy();
    await waitFor(() => expect(document.documentElement.lang).toBe('id'));
  });
});

describe('people in the thread', () => {
  test('a linked person shows one timeline marked by platform, and a "Send via" choice', async () => {
    const wa = conv('whatsapp', 'w', 'Budi Santoso', 1, { personId: 'person:1' });
    const ig = conv('instagram', 'i', 'budi.santoso', 2, { personId: 'person:1' });
    await db.conversations.bulkPut([wa, ig]);
    await db.people.put({ id: 'person:1', name: 'Budi', createdAt: T0, updatedAt: T0 });
    await db.messages.bulkPut([
      message(wa, 'a', 1, 'dari WA pertama', T0 + 1),
      message(ig, 'b', 1, 'dari IG', T0 + 2),
      message(wa, 'c', 2, 'dari WA kedua', T0 + 3),
    ]);
    render(<App db={db} layout="panel" language="en" />);
    await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(2));
    fireEvent.click(within(list()).getByRole('button', { name: /Budi Santoso/ }));
    const log = await screen.findByRole('log', { name: 'Conversation with Budi' });
    await waitFor(() => expect(within(log).getAllByRole('article')).toHaveLength(3));
    const articles = within(log)
      .getAllByRole('article')
      .map((a) => a.textContent);
    expect(articles[0]).toMatch(/WhatsApp.*dari WA pertama/);
    expect(articles[1]).toMatch(/Instagram.*dari IG/);
    expect(articles[2]).toMatch(/WhatsApp.*dari WA kedua/);
    const via = screen.getByRole('combobox', { name: 'Send via' }) as HTMLSelectElement;
    await waitFor(() => expect(via.value).toBe(wa.id)); // newest activity, no reply sent yet
    expect([...via.options].map((o) => o.textContent)).toEqual(['Instagram', 'WhatsApp']);
  });

  test('"Link to…" lists a similarly named conversation on another platform with Accept', async () => {
    await db.conversations.bulkPut([
      conv('whatsapp', 'w', 'Budi Santoso', 1),
      conv('messenger', 'm', 'Budi Santoso', 2),
      conv('messenger', 'h', 'Hendra Santoso', 3),
    ]);
    render(<App db={db} layout="panel" language="en" />);
    await waitFor(() => expect(within(list()).getAllByRole('listitem')).toHaveLength(3));
    fireEvent.click(within(list()).getByRole('button', { name: /Budi Santoso.*WhatsApp|WhatsApp.*Budi Santoso/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Link to…' }));
    const accept = await screen.findByRole('button', { name: /Accept: link Budi Santoso \(Messenger\)/ });
    expect(accept).toBeTruthy();
    const panel = screen.getByRole('region', { name: 'People who may be the same person' });
    expect(within(panel).queryByText(/Hendra/)).toBeNull();
  });
});

describe('failed replies', () => {
  // The Indonesian text for each stored reason code, on WhatsApp (limit 8.000 characters).
  const INDONESIAN: Record<SendFailureReason, string> = {
    'no-tab': 'Tidak ada tab WhatsApp yang terbuka. Buka WhatsApp di sebuah tab, lalu coba lagi.',
    'chat-not-found': 'Chat tidak ditemukan di WhatsApp. Gulir ke chat itu atau buka di sana, lalu coba lagi.',
    'composer-rejected': 'Kotak pesan WhatsApp tidak menerima teksnya.',
    'draft-present': 'Ada draf yang belum terkirim di kotak pesan WhatsApp; draf itu tidak diubah.',
    'too-long': 'Terlalu panjang untuk WhatsApp (paling banyak 8.000 karakter).',
    'no-echo': 'WhatsApp tidak pernah menampilkan pesan ini sebagai terkirim.',
    'not-ready': 'WhatsApp belum siap (belum masuk, masih memuat, atau tidak dikenali).',
    interrupted: 'Tab WhatsApp tertutup saat mengirim.',
    'ambiguous-target': 'Dua chat WhatsApp memiliki nama ini: buka chat yang benar di WhatsApp, lalu kirim.',
    'app-not-sent': 'WhatsApp menandai pesan ini "Tidak terkirim". Periksa halamannya, lalu coba lagi.',
  };
  const reasons = Object.keys(INDONESIAN) as SendFailureReason[];
  const failed = (c: Conversation, id: string, over: Partial<OutboxEntry>): OutboxEntry => ({
    id,
    conversationId: c.id,
    platform: c.platform,
    text: `balasan ${id}`,
    state: 'failed',
    createdAt: T0,
    updatedAt: T0,
    attempts: 1,
    ...over,
  });

  async function openThread(entries: OutboxEntry[]) {
    const budi = conv('whatsapp', 'b', 'Budi Santoso', 1);
    await db.conversations.put(budi);
    await db.outbox.bulkPut(entries);
    render(<App db={db} layout="panel" language="id" />);
    const inbox = () => screen.getByRole('list', { name: 'Percakapan' });
    await waitFor(() => expect(within(inbox()).getAllByRole('listitem')).toHaveLength(1));
    fireEvent.click(within(inbox()).getByRole('button', { name: /Budi Santoso/ }));
    const log = await screen.findByRole('log', { name: 'Percakapan dengan Budi Santoso' });
    await waitFor(() => expect(within(log).getAllByRole('article')).toHaveLength(entries.length));
    return (id: string) =>
      within(log)
        .getAllByRole('article')
        .find((a) => a.textContent?.includes(`balasan ${id}`))!;
  }

  test('every stored reason code is shown in Indonesian under Gagal, with Retry except when too long', async () => {
    const budi = conv('whatsapp', 'b', 'Budi Santoso', 1);
    const article = await openThread(reasons.map((r) => failed(budi, r, { reason: r })));
    for (const r of reasons) {
      const a = article(r);
      expect(within(a).getByText('Gagal')).toBeTruthy();
      expect(within(a).getByText(`: ${INDONESIAN[r]}`)).toBeTruthy();
      expect(within(a).queryAllByRole('button', { name: 'Coba lagi' }), r).toHaveLength(r === 'too-long' ? 0 : 1);
    }
  });

  test('an entry stored with English text beside its code (before codes-only) is shown in Indonesian; a page message without a code as it came', async () => {
    const budi = conv('whatsapp', 'b', 'Budi Santoso', 1);
    const article = await openThread([
      failed(budi, 'lama', {
        reason: 'ambiguous-target',
        detail: 'Two WhatsApp chats have this name: open the right one in WhatsApp, then send.',
      }),
      failed(budi, 'halaman', { reason: 'composer-rejected', detail: 'The send button did not appear.' }),
      failed(budi, 'tanpa-kode', { detail: 'TypeError: x is undefined' }),
    ]);
    expect(within(article('lama')).getByText(`: ${INDONESIAN['ambiguous-target']}`)).toBeTruthy();
    expect(article('lama').textContent).not.toMatch(/Two WhatsApp chats/);
    expect(within(article('halaman')).getByText(`: ${INDONESIAN['composer-rejected']}`)).toBeTruthy();
    expect(article('halaman').textContent).not.toMatch(/send button/);
    expect(within(article('tanpa-kode')).getByText(': TypeError: x is undefined')).toBeTruthy();
  });
});
