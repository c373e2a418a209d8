// @vitest-environment happy-dom
// The Messenger adapter against the fixture page: only under /messages, list and unread marker by
// structure, /t/ and /e2ee/t/ as one id, derived message ids stable across re-renders and recycled
// rows, emoji by alt, PIN screen, the list that empties on focus, navigation and sending.
import { afterEach, describe, expect, test } from 'vitest';
import { messengerAdapter as fb } from '../../content/messenger/adapter';
import { parseMessageLabel } from '../../content/messenger/message-label';
import { messengerSkipCounts, resetMessengerSkipCounts } from '../../content/messenger/row-facts';
import { GRAMMAR } from '../../content/messenger/selectors';
import { performSend } from '../../content/send';
import type { MessageSnapshot } from '../../lib/shared/model';
import { contentHash, derivedMessageId, sectionKey } from '../../content/messenger/message-id';
import { insertIntoComposer } from '../../content/composer';
import { expectLinearRead, startReader, type Reader } from './read-cost';
import { sendCommand } from '../unit/helpers/factories';
import { blankPage, openThread, tick, waitFor } from './helpers';
import { renderMessenger, type FixtureControl, type MessengerFixtureOptions } from '../fixtures/messenger/messenger-app.js';

const MAMA = '100004873215509'; // e2ee, unread
const FAMILY = '6281937405518826'; // e2ee group, unread
const MARK = '100009912873344';
const KEVIN = '100035590012276';
const BUDI = '100070031122846'; // oldest: virtualised away
const RIZKY = '100081456620913'; // a picture message
const EMILY = '100047718823390'; // last outgoing message "Delivered"
const LISA = '100023348871102'; // unread and online

function mount(opts: MessengerFixtureOptions = {}, path = '/messages/'): FixtureControl {
  return renderMessenger(blankPage(path), opts);
}

function list() {
  return fb.chatRows(document).map((r) => fb.parseChatRow(r)!);
}

const thread = () => openThread(fb);

afterEach(() => {
  document.body.replaceChildren();
});

describe('Messenger: URL and health', () => {
  test('active only under /messages on facebook.com (and late messenger.com redirects)', () => {
    expect(fb.isActiveUrl(new URL('https://www.facebook.com/messages/'))).toBe(true);
    expect(fb.isActiveUrl(new URL(`https://www.facebook.com/messages/e2ee/t/${MAMA}/`))).toBe(true);
    expect(fb.isActiveUrl(new URL('https://www.messenger.com/messages/t/1/'))).toBe(true);
    expect(fb.isActiveUrl(new URL('https://www.facebook.com/'))).toBe(false);
    expect(fb.isActiveUrl(new URL('https://www.facebook.com/messagesxyz'))).toBe(false);
    expect(fb.isActiveUrl(new URL('https://www.facebook.com/groups/123/'))).toBe(false);
    expect(fb.isActiveUrl(new URL('https://m.facebook.com/messages/'))).toBe(false);
  });

  test('ok; not logged in; layout not recognised; PIN required', () => {
    mount();
    expect(fb.health(document).state).toBe('ok');
    mount({}, `/messages/t/${MARK}/`);
    expect(fb.health(document).state).toBe('ok');
    mount({ state: 'not-logged-in' });
    expect(fb.health(document).state).toBe('not-logged-in');
    mount({ state: 'unknown' });
    expect(fb.health(document)).toMatchObject({ state: 'layout-unknown', reason: expect.stringMatching(/chat list/) });
    expect(fb.chatRows(document)).toHaveLength(0);
    mount({ state: 'pin' }, `/messages/e2ee/t/${MAMA}/`);
    expect(fb.health(document)).toMatchObject({ state: 'pin-required', reason: expect.stringMatching(/PIN/) });
    // The PIN screen is not an empty thread: no message rows are reported from it.
    expect(thread().messages).toHaveLength(0);
  });

  test('the list that empties on focus reads as loading, then comes back whole', async () => {
    mount();
    const before = list();
    window.dispatchEvent(new Event('focus'));
    expect(fb.chatRows(document)).toHaveLength(0);
    expect(fb.health(document).state).toBe('loading');
    const after = await waitFor(list, (l) => l.length === before.length, 1000);
    const stable = (l: typeof before) => l.map((r) => ({ ...r, lastMessageAt: null }));
    expect(stable(after)).toEqual(stable(before));
    expect(fb.health(document).state).toBe('ok');
  });
});

describe('Messenger: chat list', () => {
  test('rows, ids from /t/ and /e2ee/t/ links, unread by the hidden marker only', () => {
    mount();
    const rows = list();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.length).toBeLessThan(11); // virtualised
    const hrefs = fb.chatRows(document).map((r) => r.querySelector('a')!.getAttribute('href'));
    expect(hrefs.some((h) => h!.includes('/e2ee/t/'))).toBe(true);
    expect(hrefs.some((h) => /^\/messages\/t\//.test(h!))).toBe(true);
    const mama = rows.find((r) => r.nativeId === MAMA)!;
    expect(mama).toMatchObject({ title: 'Mama', isGroup: false, unread: true, unreadCount: null });
    expect(mama.preview).toBe('Kabari kalau sudah berangkat ya 🙏'); // emoji from <img alt>
    expect(rows.find((r) => r.nativeId === FAMILY)).toMatchObject({ title: 'Keluarga Santoso', isGroup: true, unread: true });
    expect(rows.find((r) => r.nativeId === MARK)).toMatchObject({ unread: false, preview: 'You: Sure, 3pm works' });
    expect(
      rows
        .filter((r) => r.unread)
        .map((r) => r.title)
        .sort(),
    ).toEqual(['Keluarga Santoso', 'Lisa Hartono', 'Mama']);
    expect(rows.every((r) => r.lastMessageAt !== null)).toBe(true);
    expect(rows.find((r) => r.nativeId === BUDI)).toBeUndefined();
  });

  test('the same thread through /t/ and /e2ee/t/ is one id', () => {
    mount({}, `/messages/e2ee/t/${MAMA}/`);
    const viaE2ee = fb.openConversation(document);
    mount({}, `/messages/t/${MAMA}/`);
    const viaPlain = fb.openConversation(document);
    expect(viaE2ee).toEqual({ nativeId: MAMA, title: 'Mama', isGroup: false });
    expect(viaPlain).toEqual(viaE2ee);
    expect(thread().messages.map((m) => m.nativeId)).toEqual(
      (mount({}, `/messages/e2ee/t/${MAMA}/`), thread().messages.map((m) => m.nativeId)),
    );
  });

  test('scrambled classes and Indonesian labels read the same; the marker is found by structure', () => {
    mount();
    const base = list().map((r) => ({ ...r, lastMessageAt: null, preview: r.preview.replace(/^You: /, '') }));
    const cls = document.querySelector('[role="navigation"] a')!.className;
    mount({ variant: 'scrambled' });
    expect(document.querySelector('[role="navigation"] a')!.className).not.toBe(cls);
    expect(list().map((r) => ({ ...r, lastMessageAt: null, preview: r.preview.replace(/^You: /, '') }))).toEqual(base);
    mount({ lang: 'id' });
    const id = list();
    expect(id.map((r) => ({ ...r, lastMessageAt: null, preview: r.preview.replace(/^Anda: /, '') }))).toEqual(base);
    expect(id.every((r) => r.lastMessageAt !== null)).toBe(true);
  });

  test('opening a thread marks its row current and read', () => {
    const fx = mount();
    fx.navigate(`/messages/e2ee/t/${MAMA}/`);
    const row = fb.chatRows(document).find((r) => r.querySelector(`a[href*="${MAMA}"]`))!;
    expect(row.querySelector('[aria-current="page"]')).not.toBeNull();
    expect(fb.parseChatRow(row)!.unread).toBe(false);
  });
});

describe('Messenger: open thread', () => {
  test('sides from the hidden "You sent" heading, emoji by alt, day-precision times', () => {
    mount({}, `/messages/e2ee/t/${MAMA}/`);
    const { messages } = thread();
    expect(messages).toHaveLength(8);
    expect(messages.map((m) => m.text)).toContain('Oke, Mama masak rendang ❤️');
    const mine = messages.filter((m) => m.sender.isSelf).map((m) => m.text);
    expect(mine).toEqual(['Sudah Ma 😊', 'Insya Allah Sabtu pagi Ma', 'Asik! 😋']);
    expect(messages.find((m) => m.text.startsWith('Nak'))!.sender).toEqual({ name: 'Mama', isSelf: false });
    const last = messages[messages.length - 1]!;
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    // Twelve minutes ago is today, unless the test runs just after midnight.
    if (new Date().getHours() > 0) expect(last.sentAt).toBe(today.getTime());
    expect(last.timePrecision).toBe('day');
    expect(messages.every((m) => m.nativeId.startsWith('fb.'))).toBe(true);
    expect(new Set(messages.map((m) => m.nativeId)).size).toBe(messages.length);
  });

  test('a group: sender names from the row headings; repeated "ok" stay distinct', () => {
    mount({}, `/messages/e2ee/t/${FAMILY}/`);
    const { conv, messages } = thread();
    expect(conv).toEqual({ nativeId: FAMILY, title: 'Keluarga Santoso', isGroup: true });
    const senders = messages.map((m) => (m.sender.isSelf ? 'me' : m.sender.name));
    expect(senders).toContain('Hendra Santoso');
    expect(senders).toContain('Dewi Anggraini');
    const oks = messages.filter((m) => m.text === 'ok');
    expect(oks).toHaveLength(4);
    expect(new Set(oks.map((m) => m.nativeId)).size).toBe(4);
    expect(oks.filter((m) => m.sender.isSelf)).toHaveLength(1);
    // Visible burst labels and hidden headings never leak into the text.
    expect(messages.filter((m) => /^(Dewi|Hendra|Mama|You sent)/.test(m.text))).toEqual([]);
    expect(messages.find((m) => m.text === 'Aku bawa kue lapis 🍰')?.sender.name).toBe('Dewi Anggraini');
  });

  test('ids are stable across a re-render with recycled row nodes, variants and languages', async () => {
    const fx = mount({}, `/messages/e2ee/t/${FAMILY}/`);
    const before = thread().messages;
    const firstRow = fb.messageRows(document)[1]!;
    fx.addIncoming(FAMILY, 'Sampai jumpa di arisan!');
    await tick();
    // The row nodes were reused and now hold other messages.
    expect(fb.messageRows(document)[1]).toBe(firstRow);
    const after = thread().messages;
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    for (const opts of [{ variant: 'scrambled' as const }, { lang: 'id' as const }]) {
      mount(opts, `/messages/t/${FAMILY}/`);
      expect(thread().messages.map((m) => [m.nativeId, m.sender.isSelf, m.text])).toEqual(
        before.map((m) => [m.nativeId, m.sender.isSelf, m.text]),
      );
    }
  });

  test('a picture message is an image attachment with no text, its caption-less row still gets an id', () => {
    mount({}, `/messages/t/${RIZKY}/`);
    const { conv, messages } = thread();
    expect(conv).toEqual({ nativeId: RIZKY, title: 'Rizky Ramadhan', isGroup: false });
    expect(messages).toHaveLength(3);
    const photo = messages[1]!;
    expect(photo).toMatchObject({ text: '', sender: { name: 'Rizky Ramadhan', isSelf: false } });
    expect(photo.attachments).toEqual([{ kind: 'image', label: 'Photo' }]);
    expect(messages[2]!.text).toBe('Bagus banget! Kirim yang lain juga dong 😍');
    expect(new Set(messages.map((m) => m.nativeId)).size).toBe(3);
  });

  test('markup-looking text stays text', () => {
    mount({}, `/messages/t/${KEVIN}/`);
    expect(thread().messages.map((m) => m.text)).toContain('<img src=x onerror=alert(1)>');
    expect(document.querySelector('img[src="x"]')).toBeNull();
  });

  test('derived ids: same content in another section or position differs', () => {
    const day = new Date(2026, 7, 14).getTime();
    const rows = [
      null,
      { day, who: 'me', content: 'ok' },
      { day, who: 'me', content: 'ok' },
      { day, who: 'Dewi', content: 'ok' },
      { day: day + 86_400_000, who: 'me', content: 'ok' },
    ];
    const ids = [1, 2, 3, 4].map((i) => derivedMessageId(rows, i));
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]).toMatch(/^fb\.20260814\.[0-9a-f]{16}\.0$/);
    expect(ids[1]).toMatch(/\.1$/);
    // Rows above it in other sections do not shift it.
    expect(derivedMessageId([{ day: day - 86_400_000, who: 'me', content: 'ok' }, ...rows], 5)).toBe(ids[3]);
  });

  test("a section's key is its own day's, whatever day was asked before (the key of the last day is kept)", () => {
    const a = new Date(2026, 7, 14).getTime();
    const b = new Date(2026, 7, 15).getTime();
    expect([a, b, a, null, b, b, a].map(sectionKey)).toEqual([
      '20260814',
      '20260815',
      '20260814',
      'top',
      '20260815',
      '20260815',
      '20260814',
    ]);
  });
});

describe('Messenger: rowOf', () => {
  test('maps nodes to chat and message rows', () => {
    mount({}, `/messages/t/${MARK}/`);
    const chat = fb.chatRows(document)[0]!;
    expect(fb.rowOf(chat.querySelector('span')!.firstChild!)).toEqual({ kind: 'chat', row: chat });
    const msg = fb.messageRows(document).find((r) => !r.matches('[data-scope="date_break"]'))!;
    expect(fb.rowOf(msg.querySelector('[dir="auto"]')!.firstChild!)).toEqual({ kind: 'message', row: msg });
    expect(fb.rowOf(document.querySelector('[role="banner"]')!)).toBeNull();
  });
});

describe('Messenger: navigate, compose, send', () => {
  test('navigates to a rendered e2ee thread and to a virtualised-away one', async () => {
    mount({ lang: 'id' });
    expect(await fb.navigateTo(document, { nativeId: MAMA, title: 'Mama' })).toBe(true);
    expect(location.pathname).toBe(`/messages/e2ee/t/${MAMA}/`);
    expect(await fb.navigateTo(document, { nativeId: BUDI, title: 'Budi Santoso' })).toBe(true);
    expect(location.pathname).toBe(`/messages/t/${BUDI}/`);
    expect(fb.openConversation(document)).toMatchObject({ nativeId: BUDI, title: 'Budi Santoso' });
  });

  test('insert + submit echoes exactly once, a new outgoing row appears with a new id', async () => {
    const fx = mount({ lang: 'id' });
    expect(await fb.navigateTo(document, { nativeId: FAMILY, title: 'Keluarga Santoso' })).toBe(true);
    const composer = fb.composer(document)!;
    expect(composer.getAttribute('aria-label')).toBe('Pesan');
    const before = thread().messages.map((m) => m.nativeId);
    // The same text as an existing own message today still gets its own id.
    const text = 'ok';
    expect(await insertIntoComposer(composer, text)).toBe('inserted');
    expect(await fb.submit(document, composer)).toBe(true);
    expect(fx.echoLog).toEqual([{ text, at: expect.any(Number), threadId: FAMILY }]);
    const after = await waitFor(
      () => thread().messages,
      (ms) => ms.length > before.length,
    );
    const added = after.filter((m) => !before.includes(m.nativeId));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ text, sender: { isSelf: true }, status: 'sent' });
    expect(fx.snoop).toContain('keydown:Enter');
    await tick(900);
    expect(fx.echoLog).toHaveLength(1);
  });

  test('the Send button is the fallback when Enter is not taken, and "Send a like" is never clicked', async () => {
    const fx = mount({}, `/messages/t/${MARK}/`);
    const composer = fb.composer(document)!;
    // A page that ignores Enter: swallow it before the app sees it.
    composer.addEventListener('keydown', (e) => e.stopImmediatePropagation(), { capture: true });
    expect(await fb.submit(document, composer)).toBe(false); // empty: nothing to send, no like sent
    expect(fx.echoLog).toHaveLength(0);
    expect(await insertIntoComposer(composer, 'See you at 3')).toBe('inserted');
    expect(await fb.submit(document, composer)).toBe(true);
    expect(fx.echoLog.map((e) => e.text)).toEqual(['See you at 3']);
  });
});

describe('Messenger: derived ids are stable', () => {
  // A derived id is a stored message's key: the hash must never change for the same content, or a
  // re-read would store every such message again. Values from the hash as first released.
  test.each([
    ['', '', '050c5d1ffe704172'],
    ['Budi', 'halo apa kabar 😀', '86db3d3786f78ebc'],
    ['', 'Kopí\nbesok?', '2d05c1ed09f65ad6'],
  ])('contentHash(%j, %j) = %s', (who, content, hash) => {
    expect(contentHash(who, content)).toBe(hash);
  });
});

describe('Messenger: ids while only changed rows are parsed', () => {
  /** Every message id the runtime has sent, with the text and side sent last for it. */
  const sentIds = (reader: Reader) => {
    const out = new Map<string, string>();
    for (const b of reader.ingests)
      for (const m of b.thread?.messages ?? []) out.set(m.nativeId, `${m.sender.isSelf ? 'me' : m.sender.name}: ${m.text}`);
    return out;
  };
  /** What a fresh read of the page (after a reload, say) gives, by id. */
  const freshIds = () => new Map(thread().messages.map((m) => [m.nativeId, `${m.sender.isSelf ? 'me' : m.sender.name}: ${m.text}`]));

  test('an identical message rendered above one already read (older history) gets its own id, and both match a fresh read', async () => {
    mount({}, `/messages/e2ee/t/${FAMILY}/`);
    const { reader } = await startReader(fb);
    const conv = fb.openConversation(document)!;
    const rows = fb.messageRows(document);
    const mine = rows.find((r) => fb.parseMessageRow(r, conv)?.text === 'ok' && fb.parseMessageRow(r, conv)?.sender.isSelf)!;
    // The date break that starts the "ok"'s day: older rows of that day load in below it.
    let brk = rows.indexOf(mine);
    while (!rows[brk]!.matches('[data-scope="date_break"]')) brk--;
    const idBefore = fb.parseMessageRow(mine, conv)!.nativeId;
    expect(idBefore).toMatch(/\.0$/);
    const older = mine.cloneNode(true) as Element; // a new node (Facebook prepends older history)
    const cost = await reader.measure(() => rows[brk]!.after(older));
    const fresh = freshIds();
    expect(fresh.size).toBe(thread().messages.length); // a full read never gives two rows one id
    // Everything a full read now shows was sent under the same id: nothing lost to a shared id.
    const sent = sentIds(reader);
    for (const [id, what] of fresh) expect(sent.get(id), id).toBe(what);
    expect([...fresh.values()].filter((w) => w === 'me: ok')).toHaveLength(2);
    // Only the rows from the inserted one down were parsed again.
    expect(cost.rowsParsed).toBe(rows.length - brk);
    reader.runtime.stop();
  });

  test('appending, re-rendering with recycled nodes and loading older days keep every id equal to a fresh read', async () => {
    const fx = mount({}, `/messages/e2ee/t/${FAMILY}/`);
    const { reader } = await startReader(fb);
    const check = () => {
      const sent = sentIds(reader);
      for (const [id, what] of freshIds()) expect(sent.get(id), id).toBe(what);
    };
    check();
    const one = await reader.measure(() => fx.addIncoming(FAMILY, 'ok'));
    check();
    await reader.measure(() => (fx as FixtureControl & { scrollThread(to: 'top' | 'bottom'): void }).scrollThread('top'));
    check();
    expect(one.rowsParsed).toBeGreaterThan(0);
    reader.runtime.stop();
  });
});

describe('Messenger: a read costs the rows it parses', () => {
  /** Mark's thread grown to about `n` rows by cloning its own rows (breaks, both sides), each with new text. */
  function grow(n: number): Element {
    mount({}, `/messages/t/${MARK}/`);
    const own = fb.messageRows(document);
    const box = own[0]!.parentElement!;
    let k = 0;
    while (fb.messageRows(document).length < n) {
      const copies = own.map((r) => {
        const c = r.cloneNode(true) as Element;
        const bubble = c.querySelector('[role="none"][dir="auto"]');
        if (bubble) bubble.append(` #${++k}`);
        return c;
      });
      box.prepend(...copies);
    }
    return box;
  }

  async function costAt(n: number) {
    const box = grow(n);
    const rows = fb.messageRows(document).length;
    const conv = fb.openConversation(document)!;
    const incoming = fb.messageRows(document).find((r) => fb.parseMessageRow(r, conv)?.sender.isSelf === false)!;
    const { reader, first } = await startReader(fb);
    const one = await reader.measure(() => {
      const c = incoming.cloneNode(true) as Element;
      c.querySelector('[role="none"][dir="auto"]')!.append(' appended');
      box.append(c);
    });
    const sent = reader.ingests.at(-1)!.thread!.messages;
    reader.runtime.stop();
    return { rows, first, one, sent };
  }

  test('the first read is linear in the rows, one new message parses one row with the same queries at 200 and 2,000 rows', async () => {
    const small = await costAt(200);
    const big = await costAt(2_000);
    expectLinearRead('Messenger', small, big);
    expect(big.sent.at(-1)!.text).toMatch(/ appended$/);
    expect(big.sent.at(-1)!.nativeId).toMatch(/^fb\.\d{8}\.[0-9a-f]{16}\.0$/);
  }, 120_000);
});

describe('Messenger: a chat row whose title reads as nothing', () => {
  // Found by the adapter fuzz (seed 864936204): a title that is only an emoji <img> whose alt is
  // blank gave a conversation titled ''. Such a row names no conversation and is skipped.
  test('is not listed; the other rows still are', () => {
    mount();
    const before = list();
    const mama = before.find((c) => c.nativeId === MAMA)!;
    expect(mama.title).not.toBe('');
    const row = fb.chatRows(document).find((r) => fb.parseChatRow(r)?.nativeId === MAMA)!;
    const titleEl = Array.from(row.querySelectorAll('span')).find((el) => el.childElementCount === 0 && el.textContent === mama.title)!;
    const emoji = document.createElement('img');
    emoji.setAttribute('alt', '   ');
    titleEl.replaceChildren(emoji);
    const rows = fb.chatRows(document).map((r) => fb.parseChatRow(r));
    expect(rows.filter((c) => c?.nativeId === MAMA)).toEqual([]);
    expect(rows.filter((c) => c && c.title.trim() === '')).toEqual([]);
    expect(rows.filter(Boolean).length).toBe(before.length - 1);
  });
});

// ---- The 2026 thread (live-2026.md): one labelled message element per message ----

const MIN = 60_000;
type Layout = NonNullable<MessengerFixtureOptions['layout']>;
const shape = (m: MessageSnapshot) => [m.nativeId, m.sender.isSelf, m.text, m.quote, m.reactions ?? null];
const messageEls = () => Array.from(document.querySelectorAll<HTMLElement>('[data-message-id]'));
const elByText = (text: string) => messageEls().find((e) => fb.parseMessageRow(e, fb.openConversation(document)!)?.text === text)!;

describe('Messenger 2026: the labelled message element', () => {
  test('direction from the label only, real ids (mid.$ and <account>@msgr. in e2ee), formerIds = the ids the older layout gave', () => {
    for (const [id, path] of [
      [MARK, `/messages/t/${MARK}/`],
      [FAMILY, `/messages/e2ee/t/${FAMILY}/`],
    ] as const) {
      mount({}, path);
      const classic = thread().messages;
      mount({ layout: '2026' }, path);
      // No role=row and no "You sent" heading in the 2026 thread: the label is the only signal.
      expect(document.querySelectorAll('[role="main"] [role="row"]')).toHaveLength(0);
      expect(document.body.textContent).not.toMatch(/You sent/);
      const modern = thread().messages;
      expect(modern.map((m) => [m.sender.isSelf, m.text])).toEqual(classic.map((m) => [m.sender.isSelf, m.text]));
      expect(modern.map((m) => m.formerIds)).toEqual(classic.map((m) => [m.nativeId]));
      if (id === MARK) expect(modern.every((m) => /^mid\.\$[a-z0-9]+$/.test(m.nativeId))).toBe(true);
      else expect(modern.every((m) => /^100071122334455@msgr\.\d+$/.test(m.nativeId))).toBe(true);
      expect(new Set(modern.map((m) => m.nativeId)).size).toBe(modern.length);
      // The same message keeps its real id on a second render (stable across reloads).
      mount({ layout: '2026' }, path);
      expect(thread().messages.map((m) => m.nativeId)).toEqual(modern.map((m) => m.nativeId));
    }
  });

  test('an id attribute that is not a sane id is not trusted: the row gets its derived id, no formerIds', () => {
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    const conv = fb.openConversation(document)!;
    const el = messageEls()[0]!;
    const good = fb.parseMessageRow(el, conv)!;
    el.setAttribute('data-message-id', '<img src=x>');
    const bad = fb.parseMessageRow(el, conv)!;
    expect(bad.nativeId).toBe(good.formerIds![0]);
    expect(bad.formerIds).toBeUndefined();
    el.setAttribute('data-message-id', 'mid.$' + 'A'.repeat(400));
    expect(fb.parseMessageRow(el, conv)!.nativeId).toMatch(/^fb\./);
  });

  test('sender names come from the label in groups; in a 1:1 the contact', () => {
    mount({ layout: '2026' }, `/messages/e2ee/t/${FAMILY}/`);
    const { conv, messages } = thread();
    expect(conv.isGroup).toBe(true);
    expect(messages.find((m) => m.text === 'Aku bawa kue lapis 🍰')!.sender).toEqual({ name: 'Dewi Anggraini', isSelf: false });
    expect(messages.filter((m) => m.sender.isSelf).map((m) => m.text)).toEqual(['Aku download semua ya', 'ok']);
    // The visible burst name beside the message element is not its text.
    expect(messages.filter((m) => /^(Dewi|Hendra|Mama) /.test(m.text))).toEqual([]);
    // Without the list row, two different senders in the labels make it a group.
    fb.chatRows(document).forEach((r) => r.remove());
    expect(fb.openConversation(document)!.isGroup).toBe(true);
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    fb.chatRows(document).forEach((r) => r.remove());
    expect(fb.openConversation(document)!.isGroup).toBe(false);
  });

  test('a reply: the quote is its own field, not text; reactions come from the button label; the toolbar is not text', () => {
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    const { messages } = thread();
    const reply = messages.find((m) => m.text === 'Sure, 3pm works')!;
    expect(reply.quote).toEqual({ sender: '', text: 'Quick one: can we move the call to 3pm?' });
    expect(messages.find((m) => m.text.startsWith('Looks great'))!).toMatchObject({
      text: 'Looks great, thanks 🙌',
      reactions: [{ emoji: '👍', count: 1 }],
    });
    expect(messages.find((m) => m.text.startsWith('Hi Rani'))!.reactions).toEqual([]);
    // Toolbar glyphs and reaction emoji never leak into text.
    expect(messages.filter((m) => /[☺↩⋯]|reaction/.test(m.text))).toEqual([]);
    expect(document.querySelectorAll('[role="toolbar"][aria-label="Message actions"]')).toHaveLength(messageEls().length);
    mount({ layout: '2026' }, `/messages/e2ee/t/${FAMILY}/`);
    expect(
      thread()
        .messages.filter((m) => m.reactions?.length)
        .map((m) => [m.text, m.reactions]),
    ).toEqual([['ok', [{ emoji: '😂', count: 2 }]]]);
  });

  test('a reaction added later changes reactions, never the id; an unparseable reaction label gives no reactions field', () => {
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    const conv = fb.openConversation(document)!;
    const el = elByText('Hi Rani, are the slides ready for Monday?');
    const before = fb.parseMessageRow(el, conv)!;
    const button = document.createElement('div');
    button.setAttribute('role', 'button');
    button.setAttribute('aria-label', '3 reactions with ❤️; see who reacted to this.');
    button.textContent = '❤️3';
    el.append(button);
    const after = fb.parseMessageRow(el, conv)!;
    expect(after.nativeId).toBe(before.nativeId);
    expect(after.formerIds).toEqual(before.formerIds);
    expect(after.reactions).toEqual([{ emoji: '❤️', count: 3 }]);
    expect(after.text).toBe(before.text);
    button.setAttribute('aria-label', 'Reacted by several people');
    const odd = fb.parseMessageRow(el, conv)!;
    expect(odd.reactions).toBeUndefined();
    expect(odd.text).toBe(before.text);
  });

  test('status rows (Seen, Sent, Delivered; Dilihat, Terkirim) are not messages; they give the last outgoing message its status', () => {
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    let ms = thread().messages;
    expect(ms.map((m) => m.text)).not.toContain('Seen');
    expect(document.body.textContent).toContain('Seen');
    expect(ms.at(-1)).toMatchObject({ text: 'Sure, 3pm works', status: 'read' });
    expect(
      ms
        .filter((m) => m.sender.isSelf)
        .slice(0, -1)
        .every((m) => m.status === 'sent'),
    ).toBe(true);
    mount({ layout: '2026' }, `/messages/t/${EMILY}/`);
    ms = thread().messages;
    expect(ms.at(-1)).toMatchObject({ sender: { isSelf: true }, status: 'delivered' });
    expect(ms.map((m) => m.text)).not.toContain('Delivered');
    mount({ layout: '2026', lang: 'id' }, `/messages/t/${MARK}/`);
    ms = thread().messages;
    expect(document.body.textContent).toContain('Dilihat');
    expect(ms.at(-1)).toMatchObject({ status: 'read' });
    expect(ms.map((m) => m.text)).not.toContain('Dilihat');
    mount({ layout: '2026', lang: 'id' }, `/messages/e2ee/t/${MAMA}/`);
    expect(document.body.textContent).toContain('Terkirim');
    expect(thread().messages.map((m) => m.text)).not.toContain('Terkirim');
  });

  test('the time: the clock of the label on the day of the nearest date break above; past midnight, the next day', () => {
    const now = Date.now();
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    const ms = thread().messages;
    const at = (ago: number) => now - ago * MIN;
    const quick = ms.find((m) => m.text.startsWith('Quick one'))!;
    expect(quick.timePrecision).toBe('minute');
    expect(Math.abs(quick.sentAt! - at(300))).toBeLessThan(2 * MIN);
    // Six days ago: the break says "<weekday> HH:MM", the label only the clock.
    const first = ms[0]!;
    expect(Math.abs(first.sentAt! - at(6 * 1440))).toBeLessThan(2 * MIN);
    expect(document.querySelector('[data-scope="date_break"]')!.textContent).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d\d:\d\d$/);
    // Two messages under one break whose clocks wrap past midnight.
    const conv = fb.openConversation(document)!;
    const hi = elByText('Hi Rani, are the slides ready for Monday?');
    const almost = elByText('Almost, sending them tonight');
    hi.setAttribute('aria-label', 'At 23:50, Mark Thompson: Hi Rani, are the slides ready for Monday?');
    almost.setAttribute('aria-label', 'At 12:10 AM, You: Almost, sending them tonight');
    const rows = fb.messageRows(document);
    const a = fb.parseMessageRow(hi, conv, { rows, index: rows.indexOf(hi), nodeChanged: true })!;
    const b = fb.parseMessageRow(almost, conv, { rows, index: rows.indexOf(almost), nodeChanged: true })!;
    expect(new Date(a.sentAt!).getHours()).toBe(23);
    expect(b.sentAt! - a.sentAt!).toBe(20 * MIN);
  });

  test('label grammar: English documented (24 h and 12 h), Indonesian "Anda" as the self word, anything else unparsed', () => {
    const both = [GRAMMAR.en, GRAMMAR.id];
    expect(parseMessageLabel('At 16:15, You: hello', both)).toEqual({ clock: 975, self: true, name: '' });
    expect(parseMessageLabel('At 4:15 PM, Alex Moreau: a: b', both)).toEqual({ clock: 975, self: false, name: 'Alex Moreau' });
    expect(parseMessageLabel('At 12:05 AM, You: ', both)).toEqual({ clock: 5, self: true, name: '' });
    expect(parseMessageLabel('Pukul 16.15, Anda: halo', both)).toEqual({ clock: 975, self: true, name: '' });
    expect(parseMessageLabel('Pukul 16.15, Alex Moreau: halo', both)).toMatchObject({ self: false, name: 'Alex Moreau' });
    for (const bad of ['', 'hello', 'At 25:00, You: x', 'At 16:15 You: x', 'Anda · 16.15 · halo', 'At 16:15, : x']) {
      expect(parseMessageLabel(bad, both), bad).toBeNull();
    }
  });

  test('a label that does not parse: the side comes from layout; with no layout signal either, the row is skipped and counted', () => {
    mount({ layout: '2026' }, `/messages/e2ee/t/${MAMA}/`);
    const en = thread().messages;
    resetMessengerSkipCounts();
    // Indonesian page whose labels follow a grammar no table knows.
    mount({ layout: '2026', lang: 'id', idLabel: 'unseen' }, `/messages/e2ee/t/${MAMA}/`);
    expect(messageEls()[0]!.getAttribute('aria-label')).toMatch(/^Mama · \d\d\.\d\d · /);
    const id = thread().messages;
    expect(id.map((m) => [m.nativeId, m.sender.isSelf, m.text])).toEqual(en.map((m) => [m.nativeId, m.sender.isSelf, m.text]));
    expect(id.filter((m) => !m.sender.isSelf).every((m) => m.sender.name === 'Mama')).toBe(true);
    // The clock is still found in the label.
    expect(id.map((m) => m.sentAt)).toEqual(en.map((m) => m.sentAt));
    expect(messengerSkipCounts()['label-unparsed-no-layout']).toBe(0);
    // Now one message whose label is unreadable and whose line gives no side.
    const el = messageEls()[1]!;
    el.setAttribute('aria-label', '—');
    el.parentElement!.removeAttribute('class');
    const after = thread().messages;
    expect(after).toHaveLength(id.length - 1);
    expect(after.map((m) => m.nativeId)).not.toContain(el.getAttribute('data-message-id'));
    expect(messengerSkipCounts()['label-unparsed-no-layout']).toBe(1);
  });

  test('variants read alike: scrambled classes, extra wrapper divs, Indonesian UI', () => {
    for (const path of [`/messages/t/${MARK}/`, `/messages/e2ee/t/${FAMILY}/`, `/messages/t/${RIZKY}/`]) {
      mount({ layout: '2026' }, path);
      const base = thread().messages.map(shape);
      expect(base.length).toBeGreaterThan(2);
      for (const opts of [
        { variant: 'scrambled' },
        { variant: 'wrappers' },
        { lang: 'id' },
        { lang: 'id', idLabel: 'unseen' },
      ] as MessengerFixtureOptions[]) {
        mount({ layout: '2026', ...opts }, path);
        const got = thread().messages.map(shape);
        // Unseen Indonesian labels never name group senders: compare what the layout can tell.
        expect(got, JSON.stringify(opts)).toEqual(base);
      }
    }
    mount({ layout: '2026' }, `/messages/t/${RIZKY}/`);
    expect(thread().messages[1]).toMatchObject({ text: '', attachments: [{ kind: 'image', label: 'Photo' }], sender: { isSelf: false } });
  });

  test('a mixed page (staged rollout): older rows keep derived ids, newer rows real ids whose formerIds are the older ids; nothing is rewritten', () => {
    for (const path of [`/messages/e2ee/t/${FAMILY}/`, `/messages/e2ee/t/${MAMA}/`, `/messages/t/${MARK}/`]) {
      mount({}, path);
      const classic = new Map(thread().messages.map((m) => [m.nativeId, m]));
      mount({ layout: 'mixed' }, path);
      expect(document.querySelectorAll('[role="main"] [role="row"]:not([data-scope])').length).toBeGreaterThan(0);
      expect(messageEls().length).toBeGreaterThan(0);
      const mixed = thread().messages;
      expect(mixed).toHaveLength(classic.size);
      for (const m of mixed) {
        // Each message is one the older layout stored, under its old id or linked to it.
        const old = classic.get(m.formerIds ? m.formerIds[0]! : m.nativeId)!;
        expect(old, m.text).toBeDefined();
        expect([m.sender.isSelf, m.sender.name, m.text]).toEqual([old.sender.isSelf, old.sender.name, old.text]);
        if (m.formerIds) expect(m.nativeId).not.toMatch(/^fb\./);
        else expect(m.nativeId).toMatch(/^fb\./);
      }
      expect(new Set(mixed.map((m) => m.formerIds?.[0] ?? m.nativeId)).size).toBe(mixed.length);
    }
  });

  test('heavy virtualisation: placeholder rows are not messages; the scroller is two levels under the log; rowOf maps toolbar and status changes to their message', () => {
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    expect(document.querySelectorAll('[data-virtualized="true"]').length).toBeGreaterThanOrEqual(100);
    expect(thread().messages).toHaveLength(messageEls().length);
    const log = document.querySelector('[role="log"]')!;
    const scroller = document.querySelector('[data-virtualized]')!.parentElement!;
    expect(scroller.parentElement!.parentElement).toBe(log);
    const el = elByText('Quick one: can we move the call to 3pm?');
    expect(fb.rowOf(el.querySelector('[role="toolbar"] [role="button"]')!.firstChild!)).toEqual({ kind: 'message', row: el });
    const status = Array.from(document.querySelectorAll('[data-virtualized="false"]')).find((v) => v.textContent === 'Seen')!;
    expect(fb.rowOf(status.firstElementChild!)).toEqual({ kind: 'message', row: elByText('Sure, 3pm works') });
    expect(fb.rowOf(document.querySelector('[data-virtualized="true"]')!)).toBeNull();
  });

  test('read by the runtime: ids equal a fresh read after a new message and recycled nodes', async () => {
    const fx = mount({ layout: '2026' }, `/messages/e2ee/t/${FAMILY}/`);
    const { reader } = await startReader(fb);
    await reader.measure(() => fx.addIncoming(FAMILY, 'ok'));
    const sent = new Map<string, string>();
    for (const b of reader.ingests) for (const m of b.thread?.messages ?? []) sent.set(m.nativeId, `${m.sender.isSelf}:${m.text}`);
    for (const m of thread().messages) expect(sent.get(m.nativeId), m.nativeId).toBe(`${m.sender.isSelf}:${m.text}`);
    expect(thread().messages.at(-1)).toMatchObject({ text: 'ok', sender: { name: 'Mama', isSelf: false } });
    reader.runtime.stop();
  });
});

describe('Messenger 2026: chat list unread marker', () => {
  test('unread only from the 1px leaf under html-span: "Online now" and "Sent" hidden labels are not unread', () => {
    for (const layout of ['classic', '2026'] as Layout[]) {
      mount({ layout });
      const rows = list();
      expect(document.body.textContent).toContain('Online now');
      expect(rows.find((r) => r.nativeId === MARK)).toMatchObject({ unread: false });
      expect(rows.find((r) => r.nativeId === LISA)).toMatchObject({ unread: true });
      expect(
        rows
          .filter((r) => r.unread)
          .map((r) => r.title)
          .sort(),
      ).toEqual(['Keluarga Santoso', 'Lisa Hartono', 'Mama']);
    }
    mount({ layout: '2026' });
    const mamaRow = () => fb.chatRows(document).find((r) => fb.parseChatRow(r)?.nativeId === MAMA)!;
    // Without its html-span parent the same hidden text is just a label: not unread (bold or not).
    const marker = mamaRow().querySelector('.html-span')!;
    marker.classList.remove('html-span');
    expect(fb.parseChatRow(mamaRow())!.unread).toBe(false);
    marker.classList.add('html-span');
    expect(fb.parseChatRow(mamaRow())!.unread).toBe(true);
  });
});

describe('Messenger 2026: health that cannot lie', () => {
  test('ok on a 2026 and a mixed thread; layout-unknown naming the anchor when rows yield no message', () => {
    for (const layout of ['2026', 'mixed'] as Layout[]) {
      mount({ layout }, `/messages/t/${MARK}/`);
      expect(fb.health(document)).toEqual({ state: 'ok' });
    }
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    // The message elements lose the attributes the adapter knows: rows still render text.
    for (const el of messageEls()) {
      for (const a of ['data-message-id', 'data-scope', 'aria-roledescription']) el.removeAttribute(a);
    }
    expect(thread().messages).toHaveLength(0);
    expect(fb.health(document)).toEqual({
      state: 'layout-unknown',
      reason: 'thread rows found but no message element with data-message-id or role=row',
    });
  });

  test('message elements that neither label nor layout attribute: layout-unknown', () => {
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    for (const el of messageEls()) {
      el.setAttribute('aria-label', 'x');
      el.parentElement!.removeAttribute('class');
    }
    expect(thread().messages).toHaveLength(0);
    expect(fb.health(document)).toMatchObject({ state: 'layout-unknown', reason: expect.stringMatching(/aria-label nor the layout/) });
  });

  test('a thread of placeholders only is not a layout change', () => {
    mount({ layout: '2026' }, `/messages/t/${MARK}/`);
    for (const v of Array.from(document.querySelectorAll('[data-virtualized="false"]'))) v.replaceChildren();
    expect(fb.health(document).state).toBe('ok');
  });

  test('list rows that lose role=row while the list still shows chats: layout-unknown, not "loading" for ever', () => {
    mount({ layout: '2026' });
    for (const r of Array.from(document.querySelectorAll('[role="navigation"] [role="grid"] [role="row"]'))) r.removeAttribute('role');
    expect(fb.chatRows(document)).toHaveLength(0);
    expect(fb.health(document)).toMatchObject({ state: 'layout-unknown', reason: expect.stringMatching(/no \[role=row\] rows/) });
    // An empty list (Facebook empties it for a moment on focus) is still "loading".
    for (const g of Array.from(document.querySelectorAll('[role="navigation"] [role="grid"]'))) g.replaceChildren();
    expect(fb.health(document).state).toBe('loading');
  });

  test('list rows that show text but link to no thread, or have no readable title, are layout-unknown, not an empty inbox', () => {
    mount({ layout: '2026' });
    for (const a of Array.from(document.querySelectorAll('[role="navigation"] [role="row"] a'))) a.removeAttribute('href');
    expect(fb.chatRows(document)).toHaveLength(0);
    expect(fb.health(document)).toMatchObject({
      state: 'layout-unknown',
      reason: expect.stringMatching(/chat list rows found but none links to a thread/),
    });
    mount({ layout: '2026' });
    for (const row of fb.chatRows(document)) for (const s of Array.from(row.querySelectorAll('span[dir="auto"]'))) s.replaceChildren();
    for (const row of fb.chatRows(document))
      for (const s of Array.from(row.querySelectorAll('span'))) if (s.childElementCount === 0) s.textContent = '';
    expect(
      fb
        .chatRows(document)
        .map((r) => fb.parseChatRow(r))
        .filter(Boolean),
    ).toEqual([]);
    expect(fb.health(document)).toMatchObject({ state: 'layout-unknown', reason: expect.stringMatching(/none has a readable title/) });
  });
});

describe('Messenger 2026: navigate and send', () => {
  test('navigation clicks the rendered row link, scrolling the list to an older chat; never a synthetic popstate', async () => {
    mount({ layout: '2026' });
    let popstates = 0;
    const count = () => popstates++;
    window.addEventListener('popstate', count);
    expect(await fb.navigateTo(document, { nativeId: MAMA, title: 'Mama' })).toBe(true);
    expect(location.pathname).toBe(`/messages/e2ee/t/${MAMA}/`);
    expect(await fb.navigateTo(document, { nativeId: BUDI, title: 'Budi Santoso' })).toBe(true);
    expect(location.pathname).toBe(`/messages/t/${BUDI}/`);
    expect(fb.openConversation(document)).toMatchObject({ nativeId: BUDI, title: 'Budi Santoso' });
    expect(await fb.navigateTo(document, { nativeId: '999999999', title: 'Nobody' })).toBe(false);
    window.removeEventListener('popstate', count);
    expect(popstates).toBe(0);
  });

  test('a reply on the 2026 shape: the echo is read as outgoing with a real id, so the send succeeds', async () => {
    for (const lang of ['en', 'id'] as const) {
      const fx = mount({ layout: '2026', lang }, `/messages/t/${MARK}/`);
      fx.navigate(`/messages/e2ee/t/${MAMA}/`);
      const text = `Iya Ma ${lang}`;
      const result = await performSend(fb, document, sendCommand(MAMA, 'Mama', text, { outboxId: `o-${lang}` }), { echoTimeoutMs: 4000 });
      expect(result, lang).toMatchObject({
        ok: true,
        conversationNativeId: MAMA,
        messageNativeId: expect.stringMatching(/^100071122334455@msgr\.\d+$/),
      });
      expect(fx.echoLog.map((e) => e.text)).toEqual([text]);
      const echo = thread().messages.find((m) => m.nativeId === (result as { messageNativeId: string }).messageNativeId)!;
      expect(echo).toMatchObject({ text, sender: { isSelf: true }, status: 'sent', timePrecision: 'minute' });
      expect(messageEls().at(-1)!.getAttribute('aria-label')).toMatch(
        lang === 'en' ? /^At \d\d:\d\d, You: Iya Ma en$/ : /^Pukul \d\d\.\d\d, Anda: Iya Ma id$/,
      );
    }
  });
});
