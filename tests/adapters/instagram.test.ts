// @vitest-environment happy-dom
// The Instagram Direct adapter against the fixture page: list, unread semantics, thread parsing,
// variants (scrambled classes, Indonesian), bad states, navigation and sending through the composer.
import { afterEach, describe, expect, test } from 'vitest';
import { instagramAdapter as ig } from '../../content/instagram/adapter';
import { parseDateBreak, parseRelativeTime } from '../../content/meta/time';
import { insertIntoComposer } from '../../content/composer';
import { expectLinearRead, startReader } from './read-cost';
import { SEL, senderHeadingIn } from '../../content/instagram/selectors';
import { performSend } from '../../content/send';
import { startContentRuntime } from '../../content/runtime';
import { isProvisionalKey, provisionalKey } from '../../lib/shared/model';
import { sendCommand } from '../unit/helpers/factories';
import { RecordingTransport } from '../unit/helpers/transport';
import { blankPage, openThread, tick, waitFor } from './helpers';
import { renderInstagram, type FixtureControl, type InstagramFixtureOptions } from '../fixtures/instagram/instagram-app.js';

// The adapter reads date breaks against the real clock, so the fixture runs on it too.
const NOW = Date.now();
const FIXED = new Date(2026, 7, 14, 15, 30).getTime(); // Fri 14 Aug 2026, 15:30 local
const BUDI = '17842064415169224';
const GROUP = '340282366841710300949128149236711';
const ALEX = '17849937201145562';
const NADIA = '17843374409981132';

function mount(opts: InstagramFixtureOptions = {}, path = '/direct/inbox/'): FixtureControl {
  return renderInstagram(blankPage(path), { now: NOW, ...opts });
}

function listSnapshots() {
  return ig.chatRows(document).map((r) => ig.parseChatRow(r));
}

const thread = () => openThread(ig);

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
    await tick(900);
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
    expectLinearRead('Instagram', small, big);
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
      (r, i) =>
        r.querySelector('h6') &&
        rows[i + 1] &&
        !rows[i + 1]!.querySelector('h6') &&
        ig.parseMessageRow(rows[i + 1]!, conv)?.sender.isSelf === false,
    );
    const headed = rows[at]!;
    const name = headed.querySelector('h6')!.textContent!;
    const below = rows[at + 1]!;
    const belowId = below.querySelector('[id^="mid.$"]')!.id;
    // The heading row goes away (its burst scrolled out): the row below has no sender to carry.
    const sentFor = (id: string) =>
      reader.ingests
        .flatMap((b) => b.thread?.messages ?? [])
        .filter((m) => m.nativeId === id)
        .at(-1);
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

// ---- 2026: the anchorless inbox (live-2026.md), failed sends, health that cannot lie ----

const SARI = '17843120958812407';
const DIMAS = '17841298877310045';

function rowByTitle(title: string): Element {
  const row = ig.chatRows(document).find((r) => ig.parseChatRow(r)?.title === title);
  if (!row) throw new Error(`no row ${title}`);
  return row;
}

describe('Instagram 2026: anchorless thread list', () => {
  test.each([
    ['2026', 'en', 'default'],
    ['2026', 'id', 'default'],
    ['2026', 'en', 'scrambled'],
    ['mixed', 'en', 'default'],
    ['mixed', 'id', 'scrambled'],
  ] as const)(
    'layout %s (%s, %s classes): every rendered row is a conversation; rows without a link are provisional, keyed by title',
    (layout, lang, variant) => {
      mount({ lang });
      const anchors = listSnapshots();
      mount({ layout, lang, variant });
      const rows = ig.chatRows(document);
      const snaps = rows.map((r) => ig.parseChatRow(r));
      expect(snaps.every((s) => s !== null)).toBe(true);
      // The same conversations as the anchor layout shows, in the same order.
      expect(snaps.map((s) => s!.title)).toEqual(anchors.map((s) => s!.title));
      const bare = rows.filter((r) => !r.matches('a[href]'));
      expect(bare.length).toBeGreaterThan(0);
      if (layout === '2026') expect(bare).toHaveLength(rows.length);
      else expect(bare.length).toBeLessThan(rows.length);
      for (const [i, row] of rows.entries()) {
        const s = snaps[i]!;
        const a = anchors[i]!;
        if (row.matches('a[href]')) {
          expect(s.nativeId).toBe(a.nativeId);
          expect(s.provisional).toBeUndefined();
        } else {
          expect(s.provisional).toBe(true);
          expect(s.nativeId).toBe(provisionalKey(s.title));
          expect(isProvisionalKey(s.nativeId)).toBe(true);
        }
        // Everything but the id reads as on the anchor rows.
        expect({ ...s, nativeId: '', provisional: undefined }).toEqual({
          ...a,
          nativeId: '',
          provisional: undefined,
          lastMessageAt: s.lastMessageAt,
        });
        expect(s.lastMessageAt).not.toBeNull();
        expect(Math.abs(s.lastMessageAt! - a.lastMessageAt!)).toBeLessThan(60_000);
      }
      const group = snaps.find((s) => s!.title === 'Trip Bromo 🏔️')!;
      expect(group.isGroup).toBe(true);
      expect(group.preview).toMatch(lang === 'id' ? /^Anda: Noted/ : /^You: Noted/);
      expect(
        snaps
          .filter((s) => s!.unread)
          .map((s) => s!.title)
          .sort(),
      ).toEqual(['Budi Santoso', 'Dimas Pratama', 'Sari Wulandari']);
      expect(snaps.every((s) => s!.unreadCount === null)).toBe(true);
    },
  );

  test('a visually hidden "Unread" leaf is neither the age nor the preview, and marks the row unread by itself', () => {
    for (const lang of ['en', 'id'] as const) {
      mount({ layout: '2026', lang });
      const budi = rowByTitle('Budi Santoso');
      const word = lang === 'id' ? 'Belum dibaca' : 'Unread';
      // The fixture put the hidden leaf last in this row, after the age.
      expect(budi.textContent).toMatch(new RegExp(`${word}$`));
      const s = ig.parseChatRow(budi)!;
      expect(s.lastMessageAt).not.toBeNull();
      expect(Math.abs(s.lastMessageAt! - Date.now())).toBeLessThan(2 * 3_600_000);
      expect(s.preview).toBe('Udah sampai Gambir?');
      // Without the bold name and the dot, the hidden leaf alone still says unread.
      const name = budi.querySelector('span[dir="auto"]')!;
      const plain = rowByTitle('Alex Chen').querySelector('span[dir="auto"]')!;
      name.className = plain.className;
      expect(ig.parseChatRow(budi)!.unread).toBe(true);
      budi.querySelectorAll('div').forEach((d) => {
        if (d.childElementCount === 0 && d.textContent === '' && getComputedStyle(d).width === '8px') d.remove();
      });
      expect(ig.parseChatRow(budi)!.unread).toBe(true);
      [...budi.querySelectorAll('span')].find((sp) => sp.textContent === word)!.remove();
      expect(ig.parseChatRow(budi)!.unread).toBe(false);
    }
  });

  test('Sari is unread by her bold name alone (weight 700 from a generated class, no hidden leaf)', () => {
    mount({ layout: '2026' });
    const sari = rowByTitle('Sari Wulandari');
    expect(sari.textContent).not.toMatch(/Unread/);
    const name = sari.querySelector('span[dir="auto"]')!;
    expect(name.getAttribute('style')).toBeNull();
    expect(Number(getComputedStyle(name).fontWeight)).toBeGreaterThanOrEqual(700);
    expect(ig.parseChatRow(sari)!.unread).toBe(true);
    expect(document.title).toMatch(/^\(3\) Instagram • /);
  });

  test('another hidden label ("Online now") neither marks a row unread nor becomes its age', () => {
    mount({ layout: '2026' });
    const alex = rowByTitle('Alex Chen');
    const hiddenClass = [...document.querySelectorAll('span')].find((s) => s.textContent === 'Unread')!.className;
    const online = document.createElement('span');
    online.className = hiddenClass;
    online.textContent = 'Online now';
    alex.append(online);
    const s = ig.parseChatRow(alex)!;
    expect(s.unread).toBe(false);
    expect(s.lastMessageAt).not.toBeNull();
    expect(s.preview).toBe('Coffee next week?');
  });

  test('the thread list is found by its rows when its label is in a language the table does not know', () => {
    mount({ layout: '2026' });
    const noAge = () => listSnapshots().map((r) => ({ ...r, lastMessageAt: null }));
    const before = noAge();
    document.querySelector('[aria-label="Thread list"]')!.setAttribute('aria-label', 'Lista de conversas');
    expect(document.querySelector(ig.selectors.threadList!)).toBeNull();
    expect(noAge()).toEqual(before);
    expect(ig.health(document).state).toBe('ok');
  });

  test('buttons in the list that are not conversations (a tab, a control) are not read as conversations', () => {
    mount({ layout: '2026' });
    const n = ig.chatRows(document).length;
    const list = document.querySelector('[aria-label="Thread list"]')!;
    const tab = document.createElement('div');
    tab.setAttribute('role', 'button');
    tab.setAttribute('tabindex', '0');
    tab.textContent = 'Requests (2)';
    list.prepend(tab);
    // A control nested in a row is part of the row, not a row.
    const inner = document.createElement('div');
    inner.setAttribute('role', 'button');
    inner.setAttribute('tabindex', '0');
    inner.textContent = '⋯';
    rowByTitle('Alex Chen').append(inner);
    const rows = ig.chatRows(document);
    expect(rows.length).toBe(n + 1);
    expect(ig.parseChatRow(tab)).toBeNull();
    expect(rows.map((r) => ig.parseChatRow(r)).filter((s) => s !== null)).toHaveLength(n);
    expect(rows).not.toContain(inner);
  });

  test('rowOf maps a node in an anchorless row, and in a date-break cell, to its row', () => {
    mount({ layout: '2026' }, `/direct/t/${BUDI}/`);
    const row = rowByTitle('Sari Wulandari');
    expect(ig.rowOf(row.querySelector('span')!.firstChild!)).toEqual({ kind: 'chat', row });
    expect(ig.rowOf(row.parentElement!)).toEqual({ kind: 'chat', row });
    const br = document.querySelector('[data-scope="date_break"]')!;
    const cell = br.closest('[data-scope="messages_table"]')!;
    expect(cell).not.toBeNull();
    expect(ig.rowOf(br.firstChild!)).toEqual({ kind: 'message', row: cell });
    expect(ig.messageRows(document)).toContain(cell);
    expect(ig.messageRows(document)).not.toContain(br);
  });
});

describe('Instagram 2026: the open thread', () => {
  test.each([
    ['en', 'default'],
    ['id', 'default'],
    ['en', 'scrambled'],
  ] as const)(
    'threads read as on the anchor layout (%s, %s classes): ids, sides, texts, days; date breaks in cells are no messages',
    (lang, variant) => {
      for (const id of [BUDI, GROUP, ALEX]) {
        mount({ lang }, `/direct/t/${id}/`);
        const before = thread();
        mount({ lang, layout: '2026', variant }, `/direct/t/${id}/`);
        const now = thread();
        expect(now.conv.nativeId).toBe(id);
        expect(now.conv.title).toBe(before.conv.title);
        expect(now.conv.isGroup).toBe(before.conv.isGroup);
        expect(now.messages).toEqual(before.messages);
        expect(document.querySelector('[data-scope="messages_table"] h5[dir="auto"] [data-scope="date_break"]')).not.toBeNull();
      }
    },
  );

  test.each(['en', 'id'] as const)(
    'opening an anchorless row: the thread names the list row key (%s), one conversation for the store to fold',
    async (lang) => {
      for (const title of ['Budi Santoso', 'Trip Bromo 🏔️', 'Sari Wulandari']) {
        mount({ layout: '2026', lang });
        const row = ig.parseChatRow(rowByTitle(title))!;
        expect(row.provisional).toBe(true);
        expect(await ig.navigateTo(document, { nativeId: row.nativeId, title })).toBe(true);
        const conv = ig.openConversation(document)!;
        expect(conv.nativeId).toMatch(/^\d+$/);
        expect(location.pathname).toBe(`/direct/t/${conv.nativeId}/`);
        expect(conv.title).toBe(title);
        expect(conv.provisionalKey).toBe(row.nativeId);
        expect(conv.isGroup).toBe(row.isGroup);
      }
    },
  );

  test('mixed: a thread whose row has its link needs no key; one whose row has none names it', async () => {
    mount({ layout: 'mixed' });
    const budi = ig.parseChatRow(rowByTitle('Budi Santoso'))!;
    expect(budi.nativeId).toBe(BUDI);
    expect(await ig.navigateTo(document, { nativeId: BUDI, title: 'Budi Santoso' })).toBe(true);
    expect(ig.openConversation(document)).toEqual({ nativeId: BUDI, title: 'Budi Santoso', isGroup: false });
    const sari = ig.parseChatRow(rowByTitle('Sari Wulandari'))!;
    expect(sari.provisional).toBe(true);
    expect(await ig.navigateTo(document, { nativeId: sari.nativeId, title: 'Sari Wulandari' })).toBe(true);
    expect(ig.openConversation(document)).toEqual({
      nativeId: SARI,
      title: 'Sari Wulandari',
      isGroup: false,
      provisionalKey: sari.nativeId,
    });
  });
});

describe('Instagram 2026: navigating', () => {
  test('a real id whose row has no link: the URL route is tried, then the row with that title is clicked', async () => {
    mount({ layout: '2026' }, `/direct/t/${BUDI}/`);
    const pushes: string[] = [];
    const push = history.pushState.bind(history);
    history.pushState = (s: unknown, t: string, url?: string | URL | null) => {
      pushes.push(String(url));
      push(s, t, url);
    };
    try {
      expect(await ig.navigateTo(document, { nativeId: SARI, title: 'Sari Wulandari' })).toBe(true);
    } finally {
      history.pushState = push;
    }
    // First the route by URL (which this router ignores), then the click (the app's own pushState).
    expect(pushes).toEqual([`/direct/t/${SARI}/`, `/direct/t/${SARI}/`]);
    expect(ig.openConversation(document)).toMatchObject({ nativeId: SARI, title: 'Sari Wulandari' });
    expect(thread().messages.at(-1)?.text).toBe('The sunset one 😍');
  });

  test('a real id whose row is neither linked nor rendered: not found, and the URL is put back (no thread read under a wrong id)', async () => {
    mount({ layout: '2026' }, `/direct/t/${BUDI}/`);
    let during: unknown = 'unread';
    const check = setInterval(() => {
      if (location.pathname.includes(NADIA)) during = ig.openConversation(document);
    }, 20);
    const r = await ig.navigateTo(document, { nativeId: NADIA, title: 'Nadia Rahman' });
    clearInterval(check);
    expect(r).toBe(false);
    expect(location.pathname).toBe(`/direct/t/${BUDI}/`);
    // While the URL named Nadia's thread but the page showed Budi's, no thread was read.
    expect(during).toBeNull();
    expect(ig.openConversation(document)).toMatchObject({ nativeId: BUDI, title: 'Budi Santoso' });
  });

  test('two rows with one title and nothing else to tell them apart: ambiguous, and the send is refused', async () => {
    const fx = mount({ layout: '2026', twins: true });
    const twins = ig.chatRows(document).filter((r) => ig.parseChatRow(r)?.title === 'Dimas Pratama');
    expect(twins).toHaveLength(2);
    const key = provisionalKey('Dimas Pratama');
    expect(twins.every((r) => ig.parseChatRow(r)!.nativeId === key)).toBe(true);
    expect(await ig.navigateTo(document, { nativeId: key, title: 'Dimas Pratama' })).toBe('ambiguous');
    expect(location.pathname).toBe('/direct/inbox/');
    // By real id, without links: the URL route fails here, and the title names two rows.
    expect(await ig.navigateTo(document, { nativeId: DIMAS, title: 'Dimas Pratama' })).toBe('ambiguous');
    expect(location.pathname).toBe('/direct/inbox/');
    const r = await performSend(ig, document, sendCommand(key, 'Dimas Pratama', 'Jadi futsal?'), { echoTimeoutMs: 1000 });
    expect(r).toMatchObject({ ok: false, reason: 'ambiguous-target' });
    expect(fx.echoLog).toHaveLength(0);
    // Opened by the user, a namesake's thread names no key: the store must not fold the other one in.
    fx.navigate(`/direct/t/${DIMAS}/`);
    expect(ig.openConversation(document)).toEqual({ nativeId: DIMAS, title: 'Dimas Pratama', isGroup: false });
  });

  test('a send to a provisional conversation opens its row by click, posts once and ends Sent', async () => {
    const fx = mount({ layout: '2026' });
    const key = provisionalKey('Alex Chen');
    const text = 'Kamis bisa, jam 4?';
    const r = await performSend(ig, document, sendCommand(key, 'Alex Chen', text), { echoTimeoutMs: 4000 });
    expect(r).toMatchObject({ ok: true, conversationNativeId: key });
    expect(r.messageNativeId).toMatch(/^mid\.\$/);
    expect(fx.echoLog.map((e) => [e.text, e.threadId])).toEqual([[text, ALEX]]);
  });
});

describe('Instagram: failed sends', () => {
  test.each([
    ['2026', 'en'],
    ['2026', 'id'],
    ['anchor', 'en'],
  ] as const)('a bubble marked "Not sent" parses as failed, right-aligned, exact text (%s, %s)', async (layout, lang) => {
    const fx = mount({ layout, lang }, `/direct/t/${ALEX}/`);
    (fx as unknown as { echoDelayMs: number }).echoDelayMs = 0;
    fx.failNextSend();
    const composer = ig.composer(document)!;
    const text = 'Ini tidak akan terkirim 🙈';
    expect(await insertIntoComposer(composer, text)).toBe('inserted');
    expect(await ig.submit(document, composer)).toBe(true);
    const msgs = await waitFor(
      () => thread().messages,
      (ms) => ms.some((m) => m.text === text),
    );
    const failed = msgs.filter((m) => m.text === text);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'failed', sender: { isSelf: true }, text });
    expect(document.querySelector(`[aria-label="${lang === 'id' ? 'Tidak terkirim' : 'Not sent'}"]`)).not.toBeNull();
    // Read twice, the same id (a re-render does not make it a new message).
    expect(thread().messages.find((m) => m.text === text)!.nativeId).toBe(failed[0]!.nativeId);
    expect(fx.echoLog).toHaveLength(0);
  });

  test('a send the app marks "Not sent" ends app-not-sent, never Sent; the same text sent again succeeds', async () => {
    const fx = mount({ layout: '2026' }, `/direct/t/${ALEX}/`);
    fx.failNextSend();
    const text = 'Coffee Thursday then?';
    const r = await performSend(ig, document, sendCommand(ALEX, 'Alex Chen', text), { echoTimeoutMs: 4000 });
    expect(r).toMatchObject({ ok: false, reason: 'app-not-sent' });
    expect(fx.failedLog.map((e) => e.text)).toEqual([text]);
    // The failed bubble stays; the next attempt with the same text is not fooled by it either way.
    const again = await performSend(ig, document, sendCommand(ALEX, 'Alex Chen', text), { echoTimeoutMs: 4000 });
    expect(again).toMatchObject({ ok: true });
    expect(again.messageNativeId).toMatch(/^mid\.\$/);
    expect(fx.echoLog.map((e) => e.text)).toEqual([text]);
    // And a second failure of that same text is told apart from the first.
    fx.failNextSend();
    const third = await performSend(ig, document, sendCommand(ALEX, 'Alex Chen', text), { echoTimeoutMs: 4000 });
    expect(third).toMatchObject({ ok: false, reason: 'app-not-sent' });
    const failedIds = thread()
      .messages.filter((m) => m.status === 'failed')
      .map((m) => m.nativeId);
    expect(new Set(failedIds).size).toBe(2);
  });

  test('a failed bubble is not an earlier attempt that already posted (checkEchoFirst)', async () => {
    const fx = mount({ layout: '2026' }, `/direct/t/${ALEX}/`);
    fx.failNextSend();
    const text = 'Retry me';
    const started = Date.now();
    expect(await performSend(ig, document, sendCommand(ALEX, 'Alex Chen', text), { echoTimeoutMs: 4000 })).toMatchObject({
      reason: 'app-not-sent',
    });
    const retry = { ...sendCommand(ALEX, 'Alex Chen', text), attemptStartedAt: started, checkEchoFirst: true };
    const r = await performSend(ig, document, retry, { echoTimeoutMs: 4000 });
    expect(r).toMatchObject({ ok: true });
    expect(fx.echoLog.map((e) => e.text)).toEqual([text]);
  });
});

describe('Instagram: health cannot lie', () => {
  test.each(['anchor', '2026', 'mixed'] as const)(
    'a thread list whose rows yield nothing readable is layout-unknown, naming the anchor (%s)',
    (layout) => {
      mount({ layout });
      expect(ig.health(document).state).toBe('ok');
      // Link rows lose their link (their text stays); anchorless rows lose their name and age.
      for (const row of ig.chatRows(document)) {
        if (row.hasAttribute('href')) row.removeAttribute('href');
        else row.replaceChildren(document.createElement('div'));
      }
      const h = ig.health(document);
      expect(h.state).toBe('layout-unknown');
      expect(h.reason).toContain('a[href*="/direct/t/"]');
      expect(h.reason).toContain('div[role="button"][tabindex="0"]');
      expect(
        ig
          .chatRows(document)
          .map((r) => ig.parseChatRow(r))
          .filter(Boolean),
      ).toHaveLength(0);
    },
  );

  test('a labelled list whose content is no longer rows at all is layout-unknown; an empty one is an empty inbox', () => {
    mount({ layout: '2026' });
    for (const row of ig.chatRows(document)) {
      const div = document.createElement('div');
      div.setAttribute('role', 'listitem');
      div.textContent = row.textContent;
      row.replaceWith(div);
    }
    expect(ig.chatRows(document)).toHaveLength(0);
    expect(ig.health(document).state).toBe('layout-unknown');
    document.querySelector('[aria-label="Thread list"]')!.replaceChildren();
    expect(ig.health(document).state).toBe('ok');
  });

  test.each(['anchor', '2026'] as const)('a thread whose rows yield no message is layout-unknown (%s)', (layout) => {
    mount({ layout }, `/direct/t/${BUDI}/`);
    expect(ig.health(document).state).toBe('ok');
    document.querySelectorAll('[id^="mid.$"]').forEach((b) => b.removeAttribute('id'));
    const h = ig.health(document);
    expect(h.state).toBe('layout-unknown');
    expect(h.reason).toContain('div[data-scope="messages_table"]');
    expect(thread().messages).toHaveLength(0);
  });

  test('bubbles emptied of text (only the ids left): layout-unknown, not an empty thread', () => {
    mount({ layout: '2026' }, `/direct/t/${BUDI}/`);
    document.querySelectorAll('[id^="mid.$"]').forEach((b) => b.replaceChildren(document.createElement('div')));
    expect(ig.health(document).state).toBe('layout-unknown');
  });
});

describe('Instagram: partial and mixed shapes make no bogus conversations or messages', () => {
  test('a link row wrapped in a role=button (a half-migrated row) is one conversation with its real id', () => {
    mount({ layout: 'mixed' });
    const link = ig.chatRows(document).find((r) => r.matches('a[href]'))!;
    const wrap = document.createElement('div');
    wrap.setAttribute('role', 'button');
    wrap.setAttribute('tabindex', '0');
    link.replaceWith(wrap);
    wrap.append(link);
    const snaps = ig.chatRows(document).map((r) => ig.parseChatRow(r));
    expect(snaps.filter((s) => s?.title === ig.parseChatRow(link)!.title)).toHaveLength(1);
    expect(snaps.find((s) => s?.title === ig.parseChatRow(link)!.title)!.provisional).toBeUndefined();
    expect(ig.parseChatRow(wrap)).toBeNull();
  });

  test('a "Not sent" button beside an incoming bubble does not make it a failed own message', () => {
    mount({ layout: '2026' }, `/direct/t/${ALEX}/`);
    const conv = ig.openConversation(document)!;
    const row = ig.messageRows(document).find((r) => ig.parseMessageRow(r, conv)?.text === 'Coffee next week?')!;
    const b = document.createElement('div');
    b.setAttribute('role', 'button');
    b.setAttribute('aria-label', 'Not sent');
    row.querySelector('[id^="mid.$"]')!.parentElement!.append(b);
    expect(ig.parseMessageRow(row, conv)).toMatchObject({ status: 'received', sender: { isSelf: false } });
  });

  test('a messages_table cell with neither a mid.$ bubble nor a Not sent mark is no message', () => {
    mount({ layout: '2026' }, `/direct/t/${ALEX}/`);
    const conv = ig.openConversation(document)!;
    const cell = document.createElement('div');
    cell.setAttribute('data-scope', 'messages_table');
    const p = document.createElement('div');
    p.setAttribute('role', 'presentation');
    p.textContent = 'typing…';
    cell.append(p);
    document.querySelector('[data-scope="messages_table"]')!.parentElement!.append(cell);
    expect(ig.parseMessageRow(cell, conv)).toBeNull();
    expect(thread().messages.some((m) => m.text === 'typing…')).toBe(false);
  });
});

describe('Instagram: failed sends through the content runtime', () => {
  test('a failed bubble the runtime has seen is never taken as an earlier attempt that posted', async () => {
    const fx = mount({ layout: '2026' }, `/direct/t/${ALEX}/`);
    const transport = new RecordingTransport();
    const runtime = startContentRuntime({ ...ig, isActiveUrl: () => true }, document, transport, {
      debounceMs: 0,
      maxWaitMs: 0,
      log: () => {},
      echoTimeoutMs: 4000,
    });
    const result = (outboxId: string) => transport.sendResult(outboxId, 8000);
    try {
      await tick(50);
      const text = 'Sekali lagi ya';
      const started = Date.now();
      fx.failNextSend();
      const first = sendCommand(ALEX, 'Alex Chen', text);
      expect(await transport.command(first)).toEqual({ accepted: true });
      expect(await result(first.outboxId)).toMatchObject({ ok: false, reason: 'app-not-sent' });
      // The user presses Retry: a new attempt that checks for an echo of the earlier one first.
      const again = { ...sendCommand(ALEX, 'Alex Chen', text), attemptStartedAt: started, checkEchoFirst: true };
      expect(await transport.command(again)).toEqual({ accepted: true });
      expect(await result(again.outboxId)).toMatchObject({ ok: true });
      expect(fx.echoLog.map((e) => e.text)).toEqual([text]);
      // The failed bubble was read and sent to the store as failed, not as sent.
      const reported = transport.sent
        .flatMap((m) => (m.type === 'ingest' ? (m.thread?.messages ?? []) : []))
        .filter((m) => m.text === text);
      expect(reported.some((m) => m.status === 'failed')).toBe(true);
    } finally {
      runtime.stop();
    }
  }, 30_000);
});

describe('Instagram: sender headings found by structure', () => {
  test.each([
    ['2026', 'en', 'default'],
    ['2026', 'id', 'scrambled'],
    ['mixed', 'en', 'default'],
    ['anchor', 'en', 'scrambled'],
  ] as const)("layout %s (%s, %s classes): every row's heading is the one `h6 > span` finds", (layout, lang, variant) => {
    mount({ layout, lang, variant }, `/direct/t/${GROUP}/`);
    const rows = ig.messageRows(document);
    expect(rows.length).toBeGreaterThan(0);
    let headings = 0;
    for (const row of rows) {
      const found = senderHeadingIn(row);
      expect(found).toBe(row.querySelector(SEL.senderHeading));
      if (found) headings++;
    }
    expect(headings).toBeGreaterThan(0); // a group thread names its senders
  });
});
