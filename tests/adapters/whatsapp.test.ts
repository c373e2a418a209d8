// @vitest-environment happy-dom
// The WhatsApp Web adapter against the fixture page: chat list, open thread, every data-id shape,
// both timestamp locales, variants (scrambled class names, Indonesian), bad states, recycled rows,
// navigation and sending through the Lexical-like composer. The 2026 layout (live-2026.md) and the
// mixed rollout are in whatsapp-2026 below: date order from evidence, outermost data-ids, system
// notices with ids, groups without @g.us, kind-qualified ids and ambiguous send targets.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { whatsappAdapter as wa } from '../../content/whatsapp/adapter';
import { dateOrder, forgetDateOrder, noteDatePair } from '../../content/whatsapp/date-order';
import { parseDataId } from '../../content/whatsapp/ids';
import { insertIntoComposer } from '../../content/composer';
import { performSend } from '../../content/send';
import { ConversationSnapshotSchema, ThreadSnapshotSchema } from '../../lib/shared/schemas';
import * as v from 'valibot';
import { provisionalKey, titleKey } from '../../lib/shared/model';
import { sendCommand } from '../unit/helpers/factories';
import { tick, waitUntil } from './helpers';
import { counting } from './read-cost';
import { renderWhatsApp, type WhatsAppFixtureOptions } from '../fixtures/whatsapp/whatsapp-app.js';

function mount(opts: WhatsAppFixtureOptions = {}) {
  document.body.replaceChildren();
  return renderWhatsApp(document, opts);
}
const chats = () => wa.chatRows(document).flatMap((r) => wa.parseChatRow(r) ?? []);
function thread() {
  const conv = wa.openConversation(document)!;
  return wa.messageRows(document).flatMap((r) => wa.parseMessageRow(r, conv) ?? []);
}

describe.each([
  ['default', { variant: 'default', lang: 'en' }],
  ['scrambled class names', { variant: 'scrambled', lang: 'en' }],
  ['Indonesian, day-first 24-hour', { variant: 'default', lang: 'id' }],
  ['scrambled + Indonesian', { variant: 'scrambled', lang: 'id' }],
] as const)('WhatsApp adapter: %s', (_name, opts) => {
  test('the chat list: titles, unread counts, muted, pinned, previews, groups', () => {
    mount(opts);
    expect(wa.health(document)).toEqual({ state: 'ok' });
    const list = chats();
    expect(list.length).toBe(10); // the rendered window of the virtual list
    const byTitle = Object.fromEntries(list.map((c) => [c.title, c]));
    expect(byTitle['Sarah Johnson']).toMatchObject({ pinned: true, unread: false, unreadCount: 0 });
    expect(byTitle['Keluarga Besar']).toMatchObject({ unread: true, unreadCount: 5, isGroup: true, preview: 'Mama: Alhamdulillah 🙏' });
    expect(byTitle['Kantor – Tim Produk']).toMatchObject({ muted: true, unreadCount: 12 });
    expect(byTitle['Budi Santoso']!.unreadCount).toBe(0); // open, so read
    // Ids say the kind where the row shows it (a group's "Name: preview"); the rest are provisional.
    expect(byTitle['Keluarga Besar']!.nativeId).toBe('group/Keluarga Besar');
    expect(byTitle['Sarah Johnson']).toMatchObject({ nativeId: '~Sarah Johnson', provisional: true, isGroup: false });
    // The selected row is the open chat: it takes the thread's kind.
    expect(byTitle['Budi Santoso']).toMatchObject({ nativeId: 'dm/Budi Santoso', isGroup: false });
    expect(byTitle['Budi Santoso']!.provisional).toBeUndefined();
    expect(list.every((c) => c.nativeId === (c.provisional ? provisionalKey(c.title) : titleKey(c.title, c.isGroup)))).toBe(true);
    expect(list.every((c) => c.lastMessageAt === null || c.lastMessageAt <= Date.now() + 60_000)).toBe(true);
  });

  test('the open thread: ids, senders, times, self, quote, media, system notice, tricky text', () => {
    mount(opts);
    const conv = wa.openConversation(document)!;
    expect(conv).toEqual({ nativeId: 'dm/Budi Santoso', title: 'Budi Santoso', isGroup: false, provisionalKey: '~Budi Santoso' });
    const msgs = thread();
    expect(msgs.length).toBeGreaterThanOrEqual(14);
    expect(new Set(msgs.map((m) => m.nativeId)).size).toBe(msgs.length);
    const mine = msgs.filter((m) => m.sender.isSelf);
    const theirs = msgs.filter((m) => !m.sender.isSelf && !m.system);
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.every((m) => m.sender.name === 'Budi Santoso' && m.status === 'received')).toBe(true);
    expect(mine.every((m) => m.status === 'read')).toBe(true);
    // Text bubbles carry data-pre-plain-text (minute precision); a captionless document does not.
    expect(msgs.filter((m) => !m.system && m.text).every((m) => m.timePrecision === 'minute' && typeof m.sentAt === 'number')).toBe(true);
    // Minute precision in DOM order: never decreasing.
    const times = msgs.filter((m) => m.sentAt !== null).map((m) => m.sentAt!);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const quoted = msgs.find((m) => m.quote);
    expect(quoted).toMatchObject({ text: 'Oke makasih, udah aku simpan', quote: { sender: 'Budi Santoso', text: 'Foto stasiunnya' } });
    expect(msgs.find((m) => m.attachments[0]?.kind === 'image')).toMatchObject({
      text: 'Foto stasiunnya',
      attachments: [{ kind: 'image', label: 'Foto stasiunnya' }],
    });
    expect(msgs.find((m) => m.attachments[0]?.kind === 'document')).toMatchObject({
      text: '',
      attachments: [{ kind: 'document', label: 'Tiket-Bandung.pdf' }],
    });
    expect(msgs.some((m) => m.text === '<img src=x onerror=alert(1)>')).toBe(true);
    expect(msgs.some((m) => m.text === 'مرحبا! hello in Arabic 🌙')).toBe(true);
    expect(msgs.some((m) => m.text === 'Jangan lupa bawa jaket, dingin 🥶')).toBe(true);
    const long = msgs.find((m) => m.text.startsWith('Catatan perjalanan:\n'))!;
    expect(long.truncated).toBe(true);
  });

  test('health per state: QR, "Use here", an unknown layout', () => {
    mount({ ...opts, state: 'qr' });
    expect(wa.health(document).state).toBe('not-logged-in');
    expect(wa.chatRows(document)).toEqual([]);
    mount({ ...opts, state: 'use-here' });
    expect(wa.health(document).state).toBe('inactive');
    mount({ ...opts, state: 'unknown' });
    expect(wa.health(document)).toMatchObject({ state: 'layout-unknown' });
    expect(wa.health(document).reason).toMatch(/#pane-side/);
  });
});

describe('WhatsApp adapter: structure', () => {
  test('all three data-id shapes across chats give per-chat message ids', async () => {
    const fx = mount();
    const seen: Record<string, string[]> = {};
    for (const title of ['Budi Santoso', 'Keluarga Besar', 'Sarah Johnson', 'Dewi Lestari']) {
      fx.openChat(title);
      seen[title] = thread()
        .filter((m) => !m.system)
        .map((m) => m.nativeId);
    }
    const shapes = Array.from(document.querySelectorAll('[data-id]')).map((e) => e.getAttribute('data-id'));
    expect(shapes.some((s) => /@lid_/.test(s!))).toBe(true);
    expect(seen['Keluarga Besar']!.every((id) => !id.includes('@'))).toBe(true);
    expect(seen['Sarah Johnson']!.every((id) => /^3A[0-9A-F]{18}$/.test(id))).toBe(true);
    const groupThread = thread;
    fx.openChat('Keluarga Besar');
    expect(wa.openConversation(document)!.isGroup).toBe(true);
    const g = groupThread().filter((m) => !m.system);
    expect(g.find((m) => m.text === 'Jangan lupa arisan hari Minggu ya')!.sender).toEqual({ name: 'Mama', isSelf: false });
    expect(g.find((m) => m.text === 'Aku bawa kue 🍰')!.sender.isSelf).toBe(true);
  });

  test('system notices are kept with a stable id; date dividers are not messages', () => {
    const fx = mount({ lang: 'id' });
    fx.openChat('Sarah Johnson'); // short chat: the whole history, with the encryption notice
    const sys = thread().filter((m) => m.system);
    expect(sys).toHaveLength(1);
    expect(sys[0]!.text).toMatch(/terenkripsi secara end-to-end/);
    const again = thread().filter((m) => m.system);
    expect(again[0]!.nativeId).toBe(sys[0]!.nativeId);
  });

  test('rowOf maps any node inside a row to its row and kind', () => {
    mount();
    const chatText = document.querySelector('#pane-side [role="row"] span[title]')!.firstChild!;
    expect(wa.rowOf(chatText)).toMatchObject({ kind: 'chat' });
    const msgText = document.querySelector('#main span.selectable-text')!;
    expect(wa.rowOf(msgText)!.kind).toBe('message');
    expect(wa.rowOf(document.body)).toBeNull();
  });

  test('a recycled chat-row node is re-read with its new content', () => {
    mount();
    const rowsBefore = wa.chatRows(document);
    const node = rowsBefore[0]!;
    const before = wa.parseChatRow(node)!.nativeId;
    const pane = document.getElementById('pane-side')!;
    pane.scrollTop = 72 * 4;
    pane.dispatchEvent(new Event('scroll'));
    const after = wa.parseChatRow(node)!.nativeId;
    expect(after).not.toBe(before);
    expect(new Set(chats().map((c) => c.nativeId)).size).toBe(10);
  });

  test('100,000 characters, HTML-looking text and emoji survive an incoming message unchanged', () => {
    const fx = mount();
    const big = 'Halo '.repeat(20_000);
    fx.addIncoming('Budi Santoso', big.slice(0, 650) + ' <b>bold?</b> 👍🏽');
    const last = thread().at(-1)!;
    expect(last.text).toBe(big.slice(0, 650) + ' <b>bold?</b> 👍🏽');
  });

  test('sending: navigate to another chat, insert through input events, click Send, one echo', async () => {
    const fx = mount();
    expect(await wa.navigateTo(document, { nativeId: 'dm/Sarah Johnson', title: 'Sarah Johnson' })).toBe(true);
    expect(wa.openConversation(document)!.nativeId).toBe('dm/Sarah Johnson');
    const box = wa.composer(document)!;
    // A direct DOM write is ignored by the editor, as in the real app.
    box.textContent = 'sneaky';
    await tick(20);
    expect(document.querySelector('#main footer [aria-label="Send"]')).toBeNull();
    expect(await insertIntoComposer(box, 'See you at 3 ✓')).toBe('inserted');
    expect(await wa.submit(document, box)).toBe(true);
    expect(fx.echoLog.map((e) => e.text)).toEqual(['See you at 3 ✓']);
    expect(await waitUntil(() => thread().some((m) => m.sender.isSelf && m.text === 'See you at 3 ✓'))).toBe(true);
    const echo = thread().find((m) => m.text === 'See you at 3 ✓')!;
    expect(['pending', 'sent']).toContain(echo.status);
  });

  test('navigateTo refuses a chat that is not rendered in the virtual list', async () => {
    mount();
    expect(await wa.navigateTo(document, { nativeId: 'dm/Toko Kue Bu Ani', title: 'Toko Kue Bu Ani' })).toBe(false);
  });

  test('navigateTo takes the ids stored before kinds (the title) and provisional keys, when one row matches', async () => {
    mount();
    expect(await wa.navigateTo(document, { nativeId: 'Sarah Johnson', title: 'Sarah Johnson' })).toBe(true);
    expect(wa.openConversation(document)!.nativeId).toBe('dm/Sarah Johnson');
    expect(await wa.navigateTo(document, { nativeId: '~Dewi Lestari', title: 'Dewi Lestari' })).toBe(true);
    expect(wa.openConversation(document)!.nativeId).toBe('dm/Dewi Lestari');
    expect(await wa.navigateTo(document, { nativeId: 'group/Keluarga Besar', title: 'Keluarga Besar' })).toBe(true);
    expect(wa.openConversation(document)).toMatchObject({ nativeId: 'group/Keluarga Besar', isGroup: true });
  });

  test('navigateTo checks the opened header: a target of the other kind is not taken for it', async () => {
    mount();
    // The one "Sarah Johnson" row opens a 1:1 chat: not the group the target names.
    expect(await wa.navigateTo(document, { nativeId: 'group/Sarah Johnson', title: 'Sarah Johnson' })).toBe(false);
    expect(wa.openConversation(document)!.nativeId).toBe('dm/Sarah Johnson');
  });

  test('submit finds no Send button while the box is empty (WhatsApp shows the mic)', async () => {
    mount();
    const t0 = Date.now();
    expect(await wa.submit(document, wa.composer(document)!)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });
});

// ---------------------------------------------------------------------------------------------
// 2026 (live-2026.md) and the staged rollout between the layouts.

const at = (y: number, mo: number, d: number, h = 12) => new Date(y, mo - 1, d, h, 0).getTime();
/** A day above 12 on every page that shows dates (the thread spans 28–30 March). */
const EVIDENCE_NOW = at(2026, 3, 30);
/** Every date on the page falls on 2–11 March: no value tells the order. */
const NO_EVIDENCE_NOW = at(2026, 3, 11);
const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000;

/** Mount with the page's clock as "now", so list times ("Yesterday", "14:14") resolve against it. */
function mountAt(opts: WhatsAppFixtureOptions) {
  vi.useFakeTimers({ toFake: ['Date'], now: opts.now });
  return mount(opts);
}
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** The open thread compared with what the fixture holds: ids, direction, sender, time. */
function expectThreadMatchesTruth(fx: ReturnType<typeof mount>, title: string, which?: 'group' | 'dm') {
  const conv = wa.openConversation(document)!;
  const truth = fx.truth(title, which);
  const msgs = thread().filter((m) => !m.system);
  expect(msgs.length).toBeGreaterThan(0);
  for (const m of msgs) {
    const t = truth.find((x) => (parseDataId(x.dataId)?.msgId ?? '') === m.nativeId);
    expect(t, `message ${m.nativeId} (${m.text.slice(0, 20)}) is one the chat holds`).toBeTruthy();
    expect(m.sender.isSelf).toBe(t!.mine);
    if (!t!.mine) expect(m.sender.name).toBe(conv.isGroup ? t!.from : title);
    if (m.sentAt !== null) expect(new Date(m.sentAt).toString(), m.text.slice(0, 30)).toBe(new Date(minute(t!.at)).toString());
  }
  return msgs;
}

const LAYOUTS = [
  ['2026', { layout: '2026' }],
  ['2026, scrambled class names', { layout: '2026', variant: 'scrambled' }],
  ['2026, extra wrappers', { layout: '2026', wrappers: true }],
  ['2026, Indonesian', { layout: '2026', lang: 'id' }],
  ['mixed rollout', { layout: 'mixed' }],
  ['mixed, scrambled + wrappers', { layout: 'mixed', variant: 'scrambled', wrappers: true }],
] as const;

describe.each([
  ...LAYOUTS,
  ['classic', {}],
  ['classic, scrambled', { variant: 'scrambled' }],
  ['classic, Indonesian', { lang: 'id' }],
] as const)('WhatsApp adapter, every layout: %s', (_name, base) => {
  const opts = (o: WhatsAppFixtureOptions) => ({ ...base, ...o }) as WhatsAppFixtureOptions;

  test('with a day above 12 on the page, every message time is the one sent (even under a misleading <html lang>)', () => {
    // The wrong region on purpose: the dates themselves decide.
    const misleading = 'lang' in base && base.lang === 'id' ? 'en-US' : 'en-IN';
    const fx = mountAt(opts({ now: EVIDENCE_NOW, htmlLang: misleading }));
    const msgs = expectThreadMatchesTruth(fx, 'Budi Santoso');
    expect(msgs.filter((m) => m.sentAt !== null).length).toBeGreaterThan(5);
    expect(dateOrder(document)).toMatchObject({ basis: 'evidence', ambiguous: false });
  });

  test('without evidence the page language decides, and the times are still right', () => {
    const dayFirst = 'lang' in base && base.lang === 'id';
    const fx = mountAt(opts({ now: NO_EVIDENCE_NOW, htmlLang: dayFirst ? 'id-ID' : 'en-US' }));
    expectThreadMatchesTruth(fx, 'Budi Santoso');
    expect(dateOrder(document)).toEqual({ monthFirst: !dayFirst, basis: 'locale', ambiguous: false });
  });

  test('the list reads by structure: every rendered chat with title, preview, unread and a time', () => {
    mountAt(opts({ now: EVIDENCE_NOW }));
    expect(wa.health(document)).toEqual({ state: 'ok' });
    const list = chats();
    expect(list.length).toBe(10);
    expect(list.every((c) => c.preview.length > 0 && c.lastMessageAt !== null && c.lastMessageAt <= EVIDENCE_NOW + 60_000)).toBe(true);
    expect(list.some((c) => (c.unreadCount ?? 0) > 0)).toBe(true);
    expect(list.every((c) => c.nativeId === (c.provisional ? provisionalKey(c.title) : titleKey(c.title, c.isGroup)))).toBe(true);
  });
});

describe.each(LAYOUTS)('WhatsApp adapter, 2026 chats: %s', (_name, base) => {
  const opts = (o: WhatsAppFixtureOptions = {}) => ({ now: EVIDENCE_NOW, ...base, ...o }) as WhatsAppFixtureOptions;
  const row = (title: string, pick = 0) => chats().filter((c) => c.title === title)[pick]!;

  test('message ids are the outermost data-id, never the nested one', () => {
    const fx = mountAt(opts());
    const nested = Array.from(document.querySelectorAll('#main [data-id] [data-id]')).map((e) => e.getAttribute('data-id'));
    expect(nested.length).toBeGreaterThan(0);
    const ids = thread().map((m) => m.nativeId);
    expect(ids.filter((id) => nested.includes(id) && !fx.truth('Budi Santoso').some((t) => t.dataId === id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    // The quoted message keeps its place as a quote, not as a second message.
    expect(thread().find((m) => m.quote)).toMatchObject({ text: 'Oke makasih, udah aku simpan', quote: { text: 'Foto stasiunnya' } });
  });

  test('a system notice carrying a data-id is a system row, not a message from the contact', () => {
    const fx = mountAt(opts());
    fx.openChat('Toko Batik Sekar');
    const all = thread();
    const notice = all.find((m) => /secure service from Meta|layanan aman dari Meta/.test(m.text))!;
    expect(notice).toMatchObject({ system: true, sender: { name: '', isSelf: false }, status: 'received', sentAt: null });
    const holder = Array.from(document.querySelectorAll('#main [data-id]')).find((e) => e.textContent!.includes(notice.text.slice(0, 20)))!;
    expect(notice.nativeId).toBe(holder.getAttribute('data-id'));
    expect(all.filter((m) => !m.system).every((m) => !m.text.includes('Meta'))).toBe(true);
    expectThreadMatchesTruth(fx, 'Toko Batik Sekar');
  });

  test('groups without @g.us: the header member line, the thread senders, the placeholder avatar', () => {
    const fx = mountAt(opts());
    expect(document.querySelector('[data-id*="@"]')).toBeNull();
    fx.openChat('Ibu', 'group');
    expect(wa.openConversation(document)).toMatchObject({ nativeId: 'group/Ibu', isGroup: true });
    expectThreadMatchesTruth(fx, 'Ibu', 'group');
    fx.openChat('Kerja – Tim Data');
    expect(wa.openConversation(document)!.isGroup).toBe(true);
    expect(thread().find((m) => m.text.startsWith('Thanks'))!.sender.name).toBe('+91 98450 12345');
    fx.openChat('Ibu', 'dm');
    expect(wa.openConversation(document)).toMatchObject({ nativeId: 'dm/Ibu', isGroup: false });
    // Without the member line ("click here for group info"), two senders still tell a group.
    const fx2 = mountAt(opts({ groupInfo: 'hint' }));
    fx2.openChat('Ibu', 'group');
    expect(wa.openConversation(document)!.isGroup).toBe(true);
    fx2.openChat('Arisan RT 05'); // default-group avatar in the header
    expect(wa.openConversation(document)!.isGroup).toBe(true);
    fx2.openChat('Sarah Johnson');
    expect(wa.openConversation(document)!.isGroup).toBe(false);
  });

  test('the list tells a group by its "Name: preview" and its placeholder avatar; rows that do not tell are provisional', () => {
    mountAt(opts());
    expect(row('Ibu', 0)).toMatchObject({ nativeId: 'group/Ibu', isGroup: true, preview: 'Sari: Aku yang pesan kuenya ya' });
    expect(row('Ibu', 1)).toMatchObject({ nativeId: '~Ibu', isGroup: false, provisional: true });
    expect(row('Kerja – Tim Data')).toMatchObject({ nativeId: 'group/Kerja – Tim Data', muted: true, unreadCount: 4 });
    const mixed = base.layout === 'mixed';
    // Arisan's last message is the user's own (no sender prefix): only its avatar tells.
    expect(row('Arisan RT 05')).toMatchObject(
      mixed ? { nativeId: 'group/Arisan RT 05' } : { nativeId: 'group/Arisan RT 05', isGroup: true },
    );
    // A contact without a photo shows the default-user placeholder: a 1:1 chat for certain.
    if (!mixed) expect(row('Pak Hendra (Kos)')).toMatchObject({ nativeId: 'dm/Pak Hendra (Kos)', isGroup: false });
    expect(
      chats()
        .filter((c) => c.title === 'Andi')
        .map((c) => c.nativeId),
    ).toEqual(['~Andi', '~Andi']);
    expect(row('Sarah Johnson')).toMatchObject({ pinned: true, provisional: true });
  });

  test('a group and a contact with the same name never share an id; the thread names the provisional key only for the row that needs it', () => {
    const fx = mountAt(opts());
    fx.openChat('Ibu', 'group');
    const group = wa.openConversation(document)!;
    const groupMsgs = thread()
      .filter((m) => !m.system)
      .map((m) => m.nativeId);
    fx.openChat('Ibu', 'dm');
    const contact = wa.openConversation(document)!;
    expect(group.nativeId).not.toBe(contact.nativeId);
    expect(thread().some((m) => groupMsgs.includes(m.nativeId))).toBe(false);
    // The contact's row does not show its kind (provisional "~Ibu"): its thread names that key.
    // The group's own row shows "Sari: …" (final id already), so the group does not claim "~Ibu".
    expect(contact.provisionalKey).toBe('~Ibu');
    expect(group.provisionalKey).toBeUndefined();
    // The open contact's row is selected, but another row is titled "Ibu": it stays provisional.
    expect(row('Ibu', 1)).toMatchObject({ nativeId: '~Ibu', provisional: true });
    // A chat with a unique title: its selected row takes the thread's kind; the thread still names
    // the key the row carried before it was opened.
    fx.openChat('Sarah Johnson');
    expect(row('Sarah Johnson')).toMatchObject({ nativeId: 'dm/Sarah Johnson', isGroup: false });
    expect(wa.openConversation(document)!.provisionalKey).toBe('~Sarah Johnson');
  });

  test('list times: dates on the list resolve in the page order, with and without evidence', () => {
    const truthDay = (ms: number) => new Date(ms).toDateString();
    for (const [now, locale, htmlLang] of [
      [EVIDENCE_NOW, 'us24', 'en-IN'], // 3/23/2026 on the list proves month first
      [EVIDENCE_NOW, 'in12', 'en-US'], // 23/3/2026 proves day first
      [NO_EVIDENCE_NOW, 'us24', 'en-US'], // 3/4/2026: only the language says 4 March
      [NO_EVIDENCE_NOW, 'in12', 'en-IN'], // 4/3/2026: likewise
    ] as const) {
      const fx = mountAt(opts({ now, locale, htmlLang }));
      wa.chatRows(document); // the list alone: no thread read yet
      const toko = row('Toko Batik Sekar');
      const sent = fx.truth('Toko Batik Sekar').at(-1)!.at;
      expect(truthDay(toko.lastMessageAt!), `${locale} ${htmlLang}`).toBe(truthDay(sent));
      expect(dateOrder(document).basis).toBe(now === EVIDENCE_NOW ? 'evidence' : 'locale');
    }
  });

  test('navigateTo: the contact named like a group opens the contact; the header is checked', async () => {
    const fx = mountAt(opts());
    fx.openChat('Ibu', 'group');
    expect(await wa.navigateTo(document, { nativeId: 'dm/Ibu', title: 'Ibu' })).toBe(true);
    expect(wa.openConversation(document)).toMatchObject({ nativeId: 'dm/Ibu', isGroup: false });
    expect(await wa.navigateTo(document, { nativeId: 'group/Ibu', title: 'Ibu' })).toBe(true);
    expect(wa.openConversation(document)).toMatchObject({ nativeId: 'group/Ibu', isGroup: true });
  });

  test('navigateTo answers "ambiguous" when nothing tells two rows apart, and the send is refused', async () => {
    const fx = mountAt(opts());
    vi.useRealTimers(); // the send waits on timers
    expect(await wa.navigateTo(document, { nativeId: 'dm/Andi', title: 'Andi' })).toBe('ambiguous');
    expect(await wa.navigateTo(document, { nativeId: '~Andi', title: 'Andi' })).toBe('ambiguous');
    expect(await wa.navigateTo(document, { nativeId: '~Ibu', title: 'Ibu' })).toBe('ambiguous');
    expect(await wa.navigateTo(document, { nativeId: 'Ibu', title: 'Ibu' })).toBe('ambiguous'); // id from before kinds
    expect(wa.openConversation(document)!.nativeId).toBe('dm/Budi Santoso'); // nothing was clicked
    const result = await performSend(wa, document, sendCommand('dm/Andi', 'Andi', 'Besok jadi?'), { echoTimeoutMs: 2_000 });
    expect(result).toMatchObject({ ok: false, reason: 'ambiguous-target' });
    expect(fx.echoLog).toEqual([]);
  });

  test('a send to one of two look-alike chats is refused while one of them is open (the open one may be the other)', async () => {
    const fx = mountAt(opts());
    vi.useRealTimers();
    fx.openChat('Andi', 0);
    await waitUntil(() => wa.openConversation(document)?.title === 'Andi');
    const result = await performSend(wa, document, sendCommand(wa.openConversation(document)!.nativeId, 'Andi', 'Besok jadi?'), {
      echoTimeoutMs: 2_000,
    });
    expect(result).toMatchObject({ ok: false, reason: 'ambiguous-target' });
    expect(fx.echoLog).toEqual([]);
  });

  test("navigateTo: of two rows with one name, the one showing the target's kind is opened", async () => {
    mountAt(opts());
    vi.useRealTimers();
    // The second "Andi" shows the default-user placeholder (a 1:1 chat for certain); the first does not tell.
    const andis = wa.chatRows(document).filter((r) => r.querySelector('span[title="Andi"]'));
    expect(andis).toHaveLength(2);
    const icon = document.createElement('span');
    icon.setAttribute('data-icon', 'default-user');
    andis[1]!.querySelector('img')!.replaceWith(icon);
    expect(await wa.navigateTo(document, { nativeId: 'dm/Andi', title: 'Andi' })).toBe(true);
    expect(thread().some((m) => m.text.includes('paketnya'))).toBe(true);
    // Opening re-rendered the rows (placeholder gone): now nothing tells them apart again.
    expect(await wa.navigateTo(document, { nativeId: 'group/Andi', title: 'Andi' })).toBe('ambiguous');
  });

  test("a reply to the contact named like the group lands in the contact's chat and turns Sent", async () => {
    const fx = mountAt(opts());
    vi.useRealTimers();
    fx.openChat('Ibu', 'group');
    fx.echoDelayMs = 10;
    const result = await performSend(wa, document, sendCommand('dm/Ibu', 'Ibu', 'Iya Bu, sampai Minggu'), { echoTimeoutMs: 5_000 });
    expect(result).toMatchObject({ ok: true, conversationNativeId: 'dm/Ibu' });
    expect(fx.truth('Ibu', 'dm').some((m) => m.mine && m.text === 'Iya Bu, sampai Minggu')).toBe(true);
    expect(fx.truth('Ibu', 'group').some((m) => m.text === 'Iya Bu, sampai Minggu')).toBe(false);
  });
});

describe('WhatsApp adapter: date order', () => {
  test('a row read on its own (an append, no walk of the thread) adds its own date as evidence before it is read', () => {
    // en-IN page (day first) under a month-first <html lang>, and no day above 12 anywhere yet.
    mountAt({ layout: '2026', now: NO_EVIDENCE_NOW, htmlLang: 'en-US', locale: 'in12' });
    const holder = Array.from(document.querySelectorAll('#main [role="row"] [data-pre-plain-text]')).at(-1)!;
    const row = holder.closest('[role="row"]')!;
    holder.setAttribute('data-pre-plain-text', '[9:12 am, 13/11/2026] Budi Santoso: ');
    const conv = wa.openConversation(document)!;
    const m = wa.parseMessageRow(row, conv);
    expect(m?.sentAt).toBe(new Date(2026, 10, 13, 9, 12).getTime());
    expect(dateOrder(document)).toMatchObject({ monthFirst: false, basis: 'evidence' });
  });

  test('health, asked before the chat list is read (as the runtime does), gives the list the order the thread proves', () => {
    // us24 stamps (month first) under a day-first <html lang>; the thread spans 28–30 March.
    mountAt({ layout: '2026', now: EVIDENCE_NOW, htmlLang: 'en-IN', locale: 'us24' });
    // Every numeric date on the list made ambiguous, so only the thread can tell the order.
    const walker = document.createTreeWalker(document.querySelector('#pane-side')!, NodeFilter.SHOW_TEXT);
    let dated = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (/^\d{1,2}\/\d{1,2}\/\d{4}$/.test(n.textContent!.trim())) {
        n.textContent = '3/4/2026';
        dated++;
      }
    }
    expect(dated).toBeGreaterThan(0);
    expect(wa.health(document)).toEqual({ state: 'ok' });
    expect(dateOrder(document)).toMatchObject({ monthFirst: true, basis: 'evidence' });
    const march4 = new Date(2026, 2, 4).toDateString();
    const list = chats();
    expect(new Date(list.find((c) => c.title === 'Toko Batik Sekar')!.lastMessageAt!).toDateString()).toBe(march4);
    expect(list.filter((c) => c.lastMessageAt !== null && new Date(c.lastMessageAt).toDateString() === march4).length).toBe(dated);
  });

  test("the thread's stamps are read until one settles the order, and not searched again once it is", () => {
    mountAt({ layout: '2026', now: EVIDENCE_NOW, htmlLang: 'en-IN', locale: 'us24' });
    const stamps = document.querySelectorAll('#main [data-pre-plain-text]').length;
    const searches = vi.spyOn(Element.prototype, 'querySelectorAll');
    const reads = vi.spyOn(Element.prototype, 'getAttribute');
    const stampSearches = () => searches.mock.calls.filter(([sel]) => sel === '[data-pre-plain-text]').length;
    const stampReads = () => reads.mock.calls.filter(([name]) => name === 'data-pre-plain-text').length;
    expect(wa.health(document)).toEqual({ state: 'ok' });
    expect(dateOrder(document)).toMatchObject({ monthFirst: true, basis: 'evidence' });
    expect(stampSearches()).toBe(1);
    expect(stampReads()).toBeGreaterThan(0);
    expect(stampReads()).toBeLessThan(stamps);
    searches.mockClear();
    reads.mockClear();
    expect(wa.health(document)).toEqual({ state: 'ok' });
    wa.messageRows(document);
    expect(stampSearches()).toBe(0);
    expect(stampReads()).toBe(0);
  });

  test('a date that contradicts the settled order is still seen, when its row is parsed', () => {
    mountAt({ layout: '2026', now: EVIDENCE_NOW, htmlLang: 'en-US', locale: 'us24' });
    expect(wa.health(document)).toEqual({ state: 'ok' });
    expect(dateOrder(document)).toEqual({ monthFirst: true, basis: 'evidence', ambiguous: false });
    const holder = Array.from(document.querySelectorAll('#main [role="row"] [data-pre-plain-text]')).at(-1)!;
    holder.setAttribute('data-pre-plain-text', '[9:12, 30/3/2026] Budi Santoso: '); // day first
    wa.messageRows(document); // the order is settled: the thread is not searched again
    expect(dateOrder(document).ambiguous).toBe(false);
    wa.parseMessageRow(holder.closest('[role="row"]')!, wa.openConversation(document)!);
    expect(dateOrder(document)).toEqual({ monthFirst: true, basis: 'locale', ambiguous: true });
    forgetDateOrder(document); // as on a page just opened
    expect(dateOrder(document)).toEqual({ monthFirst: true, basis: 'locale', ambiguous: false });
  });

  test('no evidence and a bare <html lang="en">: the browser\'s regional language decides, else it is said to be ambiguous', () => {
    mountAt({ layout: '2026', now: NO_EVIDENCE_NOW, htmlLang: 'en', locale: 'in12' });
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('en-IN');
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-IN', 'en']);
    expect(dateOrder(document)).toEqual({ monthFirst: false, basis: 'locale', ambiguous: false });
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('id-ID');
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['id-ID']);
    expect(dateOrder(document)).toEqual({ monthFirst: true, basis: 'language', ambiguous: true });
  });

  test('dates that prove both orders are no evidence: the language decides and the state says ambiguous', () => {
    mountAt({ layout: '2026', now: NO_EVIDENCE_NOW, htmlLang: 'en-US', locale: 'us24' });
    noteDatePair(document, [3, 30]); // month first
    expect(dateOrder(document)).toEqual({ monthFirst: true, basis: 'evidence', ambiguous: false });
    noteDatePair(document, [30, 3]); // day first: a contradiction
    expect(dateOrder(document)).toEqual({ monthFirst: true, basis: 'locale', ambiguous: true });
    // A re-rendered app (a new #pane-side) starts without evidence.
    mountAt({ layout: '2026', now: NO_EVIDENCE_NOW, htmlLang: 'en-US', locale: 'us24' });
    expect(dateOrder(document)).toEqual({ monthFirst: true, basis: 'locale', ambiguous: false });
  });

  test('the clock style does not decide: [14:14, 3/4/2026] on an en-US page is 4 March, [9:12 am, 4/3/2026] on en-IN too', () => {
    const fx = mountAt({ layout: '2026', now: NO_EVIDENCE_NOW, htmlLang: 'en-US', locale: 'us24' });
    expect(document.querySelector('[data-pre-plain-text^="[8:"]')!.getAttribute('data-pre-plain-text')).toMatch(
      /^\[8:\d\d, 3\/\d{1,2}\/2026\] /,
    );
    expectThreadMatchesTruth(fx, 'Budi Santoso');
    const fx2 = mountAt({ layout: '2026', now: NO_EVIDENCE_NOW, htmlLang: 'en-IN', locale: 'in12' });
    expect(document.querySelector('[data-pre-plain-text*=" am, "]')!.getAttribute('data-pre-plain-text')).toMatch(
      /^\[\d{1,2}:\d\d am, \d{1,2}\/3\/2026\] /,
    );
    expectThreadMatchesTruth(fx2, 'Budi Santoso');
  });
});

describe('WhatsApp adapter: health costs the same on a long thread', () => {
  test('it reads no row below the first readable bubble (listing the rows is one match each)', async () => {
    mount();
    const healthCost = () => counting(async () => void expect(wa.health(document)).toEqual({ state: 'ok' }));
    const short = await healthCost();
    const rows = wa.messageRows(document);
    const list = rows[0]!.parentElement!;
    const added = rows.length * 20;
    for (let i = 0; i < 20; i++) list.append(...rows.map((r) => r.cloneNode(true)));
    expect(wa.messageRows(document).length).toBe(rows.length + added);
    const long = await healthCost();
    // One match per row listed (a query per row as well was the old cost); the dates, settled by the first call, are not searched again.
    expect(long.queries).toBeLessThanOrEqual(short.queries + added);
  });
});

describe('WhatsApp adapter: health on broken 2026 pages names the missing anchor', () => {
  const strip = (sel: string, attr: string) => document.querySelectorAll(sel).forEach((e) => e.removeAttribute(attr));

  test('chat rows without titles', () => {
    mountAt({ layout: '2026', now: EVIDENCE_NOW });
    strip('#pane-side span[title]', 'title');
    expect(wa.health(document)).toEqual({ state: 'layout-unknown', reason: expect.stringContaining('span[dir="auto"][title]') });
  });

  test('chat cells no longer in rows', () => {
    mountAt({ layout: '2026', now: EVIDENCE_NOW });
    strip('#pane-side [role="row"]', 'role');
    expect(wa.health(document)).toEqual({ state: 'layout-unknown', reason: expect.stringContaining('[role="row"]') });
  });

  test('thread bubbles that read as no message (no direction class, no sender stamp, no status)', () => {
    mountAt({ layout: '2026', variant: 'scrambled', now: EVIDENCE_NOW });
    expect(wa.health(document)).toEqual({ state: 'ok' }); // scrambled: no classes, stamps still there
    strip('#main [data-pre-plain-text]', 'data-pre-plain-text');
    document.querySelectorAll('#main [data-icon^="msg-"]').forEach((e) => e.remove());
    expect(wa.health(document)).toEqual({ state: 'layout-unknown', reason: expect.stringContaining('data-pre-plain-text') });
  });

  test('thread rows without data-id', () => {
    mountAt({ layout: '2026', now: EVIDENCE_NOW });
    strip('#main [data-id]', 'data-id');
    expect(wa.health(document)).toEqual({ state: 'layout-unknown', reason: expect.stringContaining('data-id') });
  });

  test('a short new chat (notice and date only) stays ok', () => {
    mountAt({ layout: '2026', now: EVIDENCE_NOW });
    const app = document.querySelector('#main [role="application"]')!;
    while (app.children.length > 2) app.lastElementChild!.remove();
    expect(wa.health(document)).toEqual({ state: 'ok' });
  });
});

describe('WhatsApp adapter: the 2026 pages with an anchor attribute gone', () => {
  const ANCHORS = [
    'id',
    'role',
    'aria-label',
    'aria-selected',
    'data-id',
    'data-pre-plain-text',
    'data-testid',
    'data-icon',
    'title',
    'dir',
    'class',
  ];
  test.each(ANCHORS)('without %s: no throw, every snapshot passes the schema, or health says why not', (attr) => {
    for (const layout of ['2026', 'mixed'] as const) {
      mountAt({ layout, now: EVIDENCE_NOW, wrappers: true });
      document.querySelectorAll(`[${attr}]`).forEach((e) => e.removeAttribute(attr));
      const health = wa.health(document);
      if (health.state !== 'ok') expect(health.reason, `${layout} without ${attr}`).toBeTruthy();
      chats().forEach((c, i) =>
        expect(v.safeParse(ConversationSnapshotSchema, { ...c, listRank: i }).success, `${layout} chat ${c.title}`).toBe(true),
      );
      const conv = wa.openConversation(document);
      if (!conv) continue;
      const r = v.safeParse(ThreadSnapshotSchema, { conversation: conv, messages: thread() });
      expect(r.success, `${layout} thread without ${attr}: ${r.issues?.[0]?.message}`).toBe(true);
    }
  });
});
