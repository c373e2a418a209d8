// @vitest-environment happy-dom
// The Instagram Direct adapter against the fixture page: list, unread semantics, thread parsing,
// variants (scrambled classes, Indonesian), bad states, navigation and sending through the composer.
import { afterEach, describe, expect, test } from 'vitest';
import { instagramAdapter as ig } from '../../content/instagram/adapter';
import { parseDateBreak, parseRelativeTime } from '../../content/meta-time';
import { insertIntoComposer } from '../../content/composer';
import { startReader } from './read-cost';
import { renderInstagram, type FixtureControl, type InstagramFixtureOptions } from '../fixtures/instagram/instagram-app.js';

// The adapter reads date breaks against the real clock, so the fixture runs on it too.
const NOW = Date.now();
const FIXED = new Date(2026, 7, 14, 15, 30).getTime(); // Fri 14 Aug 2026, 15:30 local
const BUDI = '17842064415169224';
const GROUP = '340282366841710300949128149236711';
const ALEX = '17849937201145562';
const NADIA = '17843374409981132';

function mount(opts: InstagramFixtureOptions = {}, path = '/direct/inbox/'): FixtureControl {
  document.body.replaceChildren();
  document.head.replaceChildren();
  history.replaceState(null, '', path);
  return renderInstagram(document, { now: NOW, ...opts });
}

function listSnapshots() {
  return ig.chatRows(document).map((r) => ig.parseChatRow(r));
}

function thread() {
  const conv = ig.openConversation(document);
  if (!conv) throw new Error('no open thread');
  return { conv, messages: ig.messageRows(document).flatMap((r) => ig.parseMessageRow(r, conv) ?? []) };
}

async function waitFor<T>(read: () => T, ok: (v: T) => boolean, ms = 2000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = read();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('Instagram: URL and health', () => {
  test('active only in the Direct area of www.instagram.com', () => {
    expect(ig.isActiveUrl(new URL('https://www.instagram.com/direct/inbox/'))).toBe(true);
    expect(ig.isActiveUrl(new URL(`https://www.instagram.com/direct/t/${BUDI}/`))).toBe(true);
    expect(ig.isActiveUrl(new URL('https://www.instagram.com/'))).toBe(false);
    expect(ig.isActiveUrl(new URL('https://www.instagram.com/budi.santoso/'))).toBe(false);
    expect(ig.isActiveUrl(new URL('https://www.facebook.com/direct/inbox/'))).toBe(false);
  });

  test('ok on the inbox and in a thread', () => {
    mount();
    expect(ig.health(document).state).toBe('ok');
    mount({}, `/direct/t/${BUDI}/`);
    expect(ig.health(document).state).toBe('ok');
  });

  test('not logged in, and a layout it does not recognise, are reported with a reason', () => {
    mount({ state: 'not-logged-in' });
    expect(ig.health(document)).toMatchObject({ state: 'not-logged-in' });
    expect(ig.chatRows(document)).toHaveLength(0);
    mount({ state: 'unknown' }, `/direct/t/${BUDI}/`);
    const h = ig.health(document);
    expect(h.state).toBe('layout-unknown');
    expect(h.reason).toMatch(/thread list/);
    expect(ig.chatRows(document)).toHaveLength(0);
  });
});

describe('Instagram: thread list', () => {
  test('reads the rendered (virtualised) rows with ids from the links', () => {
    mount();
    const rows = listSnapshots();
    // 12 conversations, only a window of them rendered.
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.length).toBeLessThan(12);
    const budi = rows.find((r) => r?.nativeId === BUDI)!;
    expect(budi).toMatchObject({ title: 'Budi Santoso', isGroup: false, unread: true, unreadCount: null });
    expect(budi.preview).not.toBe('');
    expect(budi.lastMessageAt).not.toBeNull();
    expect(Math.abs(budi.lastMessageAt! - Date.now())).toBeLessThan(2 * 3_600_000);
    const group = rows.find((r) => r?.nativeId === GROUP)!;
    expect(group).toMatchObject({ title: 'Trip Bromo 🏔️', isGroup: true, unread: false });
    expect(group.preview).toMatch(/^You: Noted/);
    expect(rows.find((r) => r?.nativeId === NADIA)).toBeUndefined();
  });

  test('unread is marked (bold + dot) without inventing a count; opening a thread reads it', () => {
    const fx = mount();
    const unread = listSnapshots().filter((r) => r?.unread);
    expect(unread.map((r) => r!.title).sort()).toEqual(['Budi Santoso', 'Dimas Pratama', 'Sari Wulandari']);
    expect(unread.every((r) => r!.unreadCount === null)).toBe(true);
    fx.navigate(`/direct/t/${BUDI}/`);
    expect(listSnapshots().find((r) => r?.nativeId === BUDI)?.unread).toBe(false);
  });

  test('scrambled class names and Indonesian labels read the same', () => {
    mount();
    const base = listSnapshots().map((r) => ({ ...r, lastMessageAt: null, preview: '' }));
    const classesBefore = document.querySelector('a[href*="/direct/t/"]')!.className;
    mount({ variant: 'scrambled' });
    expect(document.querySelector('a[href*="/direct/t/"]')!.className).not.toBe(classesBefore);
    expect(listSnapshots().map((r) => ({ ...r, lastMessageAt: null, preview: '' }))).toEqual(base);
    mount({ lang: 'id' });
    const id = listSnapshots();
    expect(id.map((r) => ({ ...r, lastMessageAt: null, preview: '' }))).toEqual(base);
    expect(id.find((r) => r?.nativeId === GROUP)?.preview).toMatch(/^Anda: Noted/);
    // Indonesian relative times ("2 j", "3 h") still parse.
    expect(id.every((r) => r!.lastMessageAt !== null)).toBe(true);
  });
});

describe('Instagram: open thread', () => {
  test('a 1:1 thread: peer, mid.$ ids, sides, day-precision times from date breaks', () => {
    mount({}, `/direct/t/${BUDI}/`);
    const { conv, messages } = thread();
    expect(conv).toEqual({ nativeId: BUDI, title: 'Budi Santoso', isGroup: false });
    // Virtualised: the newest 25 of 38 are rendered.
    expect(messages).toHaveLength(25);
    expect(messages.every((m) => /^mid\.\$/.test(m.nativeId))).toBe(true);
    expect(new Set(messages.map((m) => m.nativeId)).size).toBe(25);
    const last = messages[messages.length - 1]!;
    expect(last).toMatchObject({ text: 'Udah sampai Gambir?', sender: { name: 'Budi Santoso', isSelf: false }, status: 'received' });
    const mine = messages.find((m) => m.text === 'Jangan telat ya besok');
    expect(mine?.sender.isSelf).toBe(true);
    expect(mine?.status).toBe('sent');
    const today = new Date(NOW);
    today.setHours(0, 0, 0, 0);
    expect(last.sentAt).toBe(today.getTime());
    expect(last.timePrecision).toBe('day');
    // Both sides are present (layout signals, not text).
    expect(messages.filter((m) => m.sender.isSelf).length).toBeGreaterThan(3);
    expect(messages.filter((m) => !m.sender.isSelf).length).toBeGreaterThan(3);
  });

  test('ids and sides are stable across a re-render, scrambled and Indonesian', () => {
    const fx = mount({}, `/direct/t/${BUDI}/`);
    const before = thread().messages;
    fx.addIncoming(ALEX, 'render everything again');
    const rowNode = document.getElementById(before[0]!.nativeId);
    expect(rowNode).not.toBeNull();
    expect(thread().messages).toEqual(before);
    for (const opts of [{ variant: 'scrambled' as const }, { lang: 'id' as const }]) {
      mount(opts, `/direct/t/${BUDI}/`);
      expect(thread().messages.map((m) => [m.nativeId, m.sender.isSelf, m.text, m.sentAt])).toEqual(
        before.map((m) => [m.nativeId, m.sender.isSelf, m.text, m.sentAt]),
      );
    }
  });

  test('a group thread: sender headings carry over a burst; own messages are self', () => {
    mount({}, `/direct/t/${GROUP}/`);
    const { conv, messages } = thread();
    expect(conv).toEqual({ nativeId: GROUP, title: 'Trip Bromo 🏔️', isGroup: true });
    const byText = (t: string) => messages.find((m) => m.text === t)!;
    expect(byText('Mantap 🔥').sender).toEqual({ name: 'Budi Santoso', isSelf: false });
    expect(byText('Aku bawa snack').sender).toEqual({ name: 'Budi Santoso', isSelf: false });
    expect(byText('And sunscreen!').sender).toEqual({ name: 'Ayu Lestari', isSelf: false });
    expect(byText('Aku bawa termos kopi').sender.isSelf).toBe(true);
    expect(byText('Noted 👍').sender.isSelf).toBe(true);
  });

  test('markup-looking text is read as text and never becomes markup', () => {
    mount({}, `/direct/t/${ALEX}/`);
    const { messages } = thread();
    expect(messages.map((m) => m.text)).toContain('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });

  test('without a thread open there is no conversation and no composer', () => {
    mount();
    expect(ig.openConversation(document)).toBeNull();
    expect(ig.composer(document)).toBeNull();
  });
});

describe('Instagram: rowOf', () => {
  test('maps nodes to their chat or message row', () => {
    mount({}, `/direct/t/${BUDI}/`);
    const link = ig.chatRows(document)[0]!;
    const titleText = link.querySelector('span')!.firstChild!;
    expect(ig.rowOf(titleText)).toEqual({ kind: 'chat', row: link });
    expect(ig.rowOf(link.parentElement!)).toEqual({ kind: 'chat', row: link });
    const row = ig.messageRows(document).find((r) => r.matches('[data-scope="messages_table"]'))!;
    const inBubble = row.querySelector('[id^="mid.$"] [dir="auto"]')!.firstChild!;
    expect(ig.rowOf(inBubble)).toEqual({ kind: 'message', row });
    const br = document.querySelector('[data-scope="date_break"]')!;
    expect(ig.rowOf(br)).toEqual({ kind: 'message', row: br });
    expect(ig.parseMessageRow(br, ig.openConversation(document)!)).toBeNull();
    expect(ig.rowOf(document.body)).toBeNull();
  });
});

describe('Instagram: navigate, compose, send', () => {
  test('navigates without a reload to a rendered and a not-rendered thread', async () => {
    mount();
    // Rendered: the link is clicked, the page routes it.
    expect(await ig.navigateTo(document, { nativeId: BUDI, title: 'Budi Santoso' })).toBe(true);
    expect(location.pathname).toBe(`/direct/t/${BUDI}/`);
    expect(ig.openConversation(document)?.title).toBe('Budi Santoso');
    // Not rendered (virtualised away): pushState + popstate.
    expect(ig.chatRows(document).some((r) => r.getAttribute('href')?.includes(NADIA))).toBe(false);
    expect(await ig.navigateTo(document, { nativeId: NADIA, title: 'Nadia Rahman' })).toBe(true);
    expect(ig.openConversation(document)).toMatchObject({ nativeId: NADIA, title: 'Nadia Rahman' });
    expect(thread().messages.map((m) => m.text)).toContain('Terima kasih Nadia 🙏');
  });

  test('insert + submit echoes exactly once and a new outgoing row appears', async () => {
    const fx = mount({ lang: 'id' });
    expect(await ig.navigateTo(document, { nativeId: ALEX, title: 'Alex Chen' })).toBe(true);
    const composer = ig.composer(document)!;
    expect(composer.getAttribute('aria-label')).toBe('Pesan');
    const before = thread().messages.map((m) => m.nativeId);
    const text = 'Sure, Tuesday works ☕';
    expect(await insertIntoComposer(composer, text)).toBe('inserted');
    expect(await ig.submit(document, composer)).toBe(true);
    expect(fx.echoLog).toEqual([{ text, at: expect.any(Number), threadId: ALEX }]);
    const after = await waitFor(
      () => thread().messages,
      (ms) => ms.length > before.length,
    );
    const added = after.filter((m) => !before.includes(m.nativeId));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ text, sender: { isSelf: true }, status: 'sent' });
    expect(added[0]!.nativeId).toMatch(/^mid\.\$/);
    expect(fx.snoop).toContain(`paste:${text}`);
    expect(fx.snoop).toContain('keydown:Enter');
    expect(fx.echoLog).toHaveLength(1);
  });

  test('a text over 1,000 characters is refused by the page: never echoed', async () => {
    const fx = mount({}, `/direct/t/${BUDI}/`);
    const composer = ig.composer(document)!;
    const long = 'a'.repeat(1001);
    expect(await insertIntoComposer(composer, long)).toBe('inserted');
    expect(await ig.submit(document, composer)).toBe(false);
    await new Promise((r) => setTimeout(r, 900));
    expect(fx.echoLog).toHaveLength(0);
    expect(document.querySelector('[role="alert"]')?.textContent).toMatch(/too long/);
    expect(thread().messages.some((m) => m.text === long)).toBe(false);
  });

  test('submit does nothing on an empty composer', async () => {
    const fx = mount({}, `/direct/t/${BUDI}/`);
    expect(await ig.submit(document, ig.composer(document)!)).toBe(false);
    expect(fx.echoLog).toHaveLength(0);
  });
});

describe('Meta time labels', () => {
  const now = FIXED;
  const day = (y: number, m: number, d: number) => new Date(y, m, d).getTime();
  test('relative list times, English and Indonesian', () => {
    expect(parseRelativeTime('2h', 'en', now)).toBe(now - 2 * 3_600_000);
    expect(parseRelativeTime('2 j', 'id', now)).toBe(now - 2 * 3_600_000);
    expect(parseRelativeTime('3 h', 'id', now)).toBe(now - 3 * 86_400_000);
    expect(parseRelativeTime('1w', 'en', now)).toBe(now - 7 * 86_400_000);
    expect(parseRelativeTime('1 mgg', 'id', now)).toBe(now - 7 * 86_400_000);
    expect(parseRelativeTime('baru saja', 'id', now)).toBe(now);
    expect(parseRelativeTime('Budi', 'en', now)).toBeNull();
  });
  test('date breaks to the day', () => {
    expect(parseDateBreak('Today 10:42', now)).toBe(day(2026, 7, 14));
    expect(parseDateBreak('10.42', now)).toBe(day(2026, 7, 14));
    expect(parseDateBreak('Kemarin pukul 20.15', now)).toBe(day(2026, 7, 13));
    expect(parseDateBreak('Mon 14:03', now)).toBe(day(2026, 7, 10));
    expect(parseDateBreak('Sen 14.03', now)).toBe(day(2026, 7, 10));
    expect(parseDateBreak('Jun 3, 2026, 09:15', now)).toBe(day(2026, 5, 3));
    expect(parseDateBreak('3 Juni 2026 09.15', now)).toBe(day(2026, 5, 3));
    expect(parseDateBreak('30 Des', now)).toBe(day(2025, 11, 30));
    expect(parseDateBreak('hello', now)).toBeNull();
  });
});

describe('Instagram: a read costs the rows it parses', () => {
  /** The group thread grown to about `n` rows by cloning its own rows (breaks, headings, both sides), each bubble with a new id and text. */
  function grow(n: number): Element {
    mount({}, `/direct/t/${GROUP}/`);
    const own = ig.messageRows(document);
    const box = own[0]!.parentElement!;
    let k = 0;
    while (ig.messageRows(document).length < n) {
      const copies = own.map((r) => {
        const c = r.cloneNode(true) as Element;
        const bubble = c.querySelector('[id^="mid.$"]');
        if (bubble) {
          bubble.id = `mid.$grown${++k}`;
          const t = bubble.querySelector('[dir="auto"]');
          if (t) t.textContent = `${t.textContent} #${k}`;
        }
        return c;
      });
      box.prepend(...copies);
    }
    return box;
  }

  /** An incoming bubble without a heading (its sender carried down from the burst), appended. */
  function appendIncoming(box: Element, id: string): () => void {
    const conv = ig.openConversation(document)!;
    const plain = ig.messageRows(document).find((r) => !r.querySelector('h6') && ig.parseMessageRow(r, conv)?.sender.isSelf === false)!;
    return () => {
      const c = plain.cloneNode(true) as Element;
      c.querySelector('[id^="mid.$"]')!.id = id;
      box.append(c);
    };
  }

  async function costAt(n: number) {
    const box = grow(n);
    const rows = ig.messageRows(document).length;
    const { reader, first } = await startReader(ig);
    const one = await reader.measure(appendIncoming(box, 'mid.$appended1'));
    const sent = reader.ingests.at(-1)!.thread!.messages;
    reader.runtime.stop();
    return { rows, first, one, sent };
  }

  test('the first read is linear in the rows, one new message parses one row with the same queries at 200 and 2,000 rows', async () => {
    const small = await costAt(200);
    const big = await costAt(2_000);
    console.log(
      `Instagram read: ${small.rows} rows first ${small.first.ms.toFixed(0)} ms, +1 ${small.one.ms.toFixed(1)} ms; ` +
        `${big.rows} rows first ${big.first.ms.toFixed(0)} ms, +1 ${big.one.ms.toFixed(1)} ms ` +
        `(queries +1: ${small.one.queries} / ${big.one.queries}; elements returned, first read per row: ${(small.first.returned / small.rows).toFixed(1)} / ${(big.first.returned / big.rows).toFixed(1)})`,
    );
    expect(big.first.rowsParsed).toBeGreaterThanOrEqual(big.rows);
    // A whole-thread query per row would hand back ~rows elements per row: 10× more per row at 10× the rows.
    expect(big.first.returned / big.rows).toBeLessThan(1.5 * (small.first.returned / small.rows));
    expect(small.one.rowsParsed).toBe(1);
    expect(big.one.rowsParsed).toBe(1);
    expect(big.one.queries).toBe(small.one.queries);
    // The appended bubble carries its burst's sender and the day of the last break down.
    const last = big.sent.at(-1)!;
    const prev = big.sent.at(-2)!;
    expect(last.nativeId).toBe('mid.$appended1');
    expect(last.sender.isSelf).toBe(false);
    expect(last.sentAt).toBe(prev.sentAt);
    }, 60_000);

  test('a heading or a date break rendered above rows already read reaches them (rows below a change are re-derived)', async () => {
    mount({}, `/direct/t/${GROUP}/`);
    const { reader } = await startReader(ig);
    const rows = ig.messageRows(document);
    const conv = ig.openConversation(document)!;
    // A burst's first row (with the heading) and the incoming row below it (without).
    const at = rows.findIndex(
      (r, i) => r.querySelector('h6') && rows[i + 1] && !rows[i + 1]!.querySelector('h6') && ig.parseMessageRow(rows[i + 1]!, conv)?.sender.isSelf === false,
    );
    const headed = rows[at]!;
    const name = headed.querySelector('h6')!.textContent!;
    const below = rows[at + 1]!;
    const belowId = below.querySelector('[id^="mid.$"]')!.id;
    // The heading row goes away (its burst scrolled out): the row below has no sender to carry.
    const sentFor = (id: string) => reader.ingests.flatMap((b) => b.thread?.messages ?? []).filter((m) => m.nativeId === id).at(-1);
    expect(sentFor(belowId)!.sender.name).toBe(name);
    const cost = await reader.measure(() => headed.remove());
    expect(sentFor(belowId)!.sender.name).toBe('');
    expect(cost.rowsParsed).toBeGreaterThan(0);
    // What the runtime sent agrees with a fresh read of the page as it is now.
    const fresh = thread().messages.find((m) => m.nativeId === belowId)!;
    expect(sentFor(belowId)).toEqual(fresh);
    reader.runtime.stop();
  });
});
