// @vitest-environment happy-dom
// The WhatsApp Web adapter against the fixture page: chat list, open thread, every data-id shape,
// both timestamp locales, variants (scrambled class names, Indonesian), bad states, recycled rows,
// navigation and sending through the Lexical-like composer.
import { describe, expect, test } from 'vitest';
import { whatsappAdapter as wa } from '../../content/whatsapp/adapter';
import { insertIntoComposer } from '../../content/composer';
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
async function waitFor(ok: () => boolean, ms = 3000) {
  const until = Date.now() + ms;
  while (!ok() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return ok();
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
    expect(list.every((c) => c.nativeId === c.title.normalize('NFC').trim())).toBe(true);
    expect(list.every((c) => c.lastMessageAt === null || c.lastMessageAt <= Date.now() + 60_000)).toBe(true);
  });

  test('the open thread: ids, senders, times, self, quote, media, system notice, tricky text', () => {
    mount(opts);
    const conv = wa.openConversation(document)!;
    expect(conv).toEqual({ nativeId: 'Budi Santoso', title: 'Budi Santoso', isGroup: false });
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
    expect(msgs.find((m) => m.attachments[0]?.kind === 'image')).toMatchObject({ text: 'Foto stasiunnya', attachments: [{ kind: 'image', label: 'Foto stasiunnya' }] });
    expect(msgs.find((m) => m.attachments[0]?.kind === 'document')).toMatchObject({ text: '', attachments: [{ kind: 'document', label: 'Tiket-Bandung.pdf' }] });
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
      seen[title] = thread().filter((m) => !m.system).map((m) => m.nativeId);
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
    expect(await wa.navigateTo(document, { nativeId: 'Sarah Johnson', title: 'Sarah Johnson' })).toBe(true);
    expect(wa.openConversation(document)!.nativeId).toBe('Sarah Johnson');
    const box = wa.composer(document)!;
    // A direct DOM write is ignored by the editor, as in the real app.
    box.textContent = 'sneaky';
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelector('#main footer [aria-label="Send"]')).toBeNull();
    expect(await insertIntoComposer(box, 'See you at 3 ✓')).toBe('inserted');
    expect(await wa.submit(document, box)).toBe(true);
    expect(fx.echoLog.map((e) => e.text)).toEqual(['See you at 3 ✓']);
    expect(await waitFor(() => thread().some((m) => m.sender.isSelf && m.text === 'See you at 3 ✓'))).toBe(true);
    const echo = thread().find((m) => m.text === 'See you at 3 ✓')!;
    expect(['pending', 'sent']).toContain(echo.status);
  });

  test('navigateTo refuses a chat that is not rendered in the virtual list', async () => {
    mount();
    expect(await wa.navigateTo(document, { nativeId: 'Toko Kue Bu Ani', title: 'Toko Kue Bu Ani' })).toBe(false);
  });

  test('submit finds no Send button while the box is empty (WhatsApp shows the mic)', async () => {
    mount();
    const t0 = Date.now();
    expect(await wa.submit(document, wa.composer(document)!)).toBe(false);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
  });
});
