// The walking skeleton in a real browser: WhatsApp fixture page → content script → service worker →
// IndexedDB → popup → reply → the page's composer → echo → Sent.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let wa: Page;

beforeAll(async () => {
  h = await launch();
  wa = await h.openSite('https://web.whatsapp.com/');
  await wa.waitForSelector('#pane-side [role="grid"]');
});
afterAll(async () => {
  await h?.close();
});

async function popup(): Promise<Page> {
  const p = await h.openPopup();
  await p.getByRole('list', { name: 'Conversations' }).waitFor();
  return p;
}

describe('WhatsApp end to end', () => {
  test('the chat list reaches the popup, newest first, with unread counts', async () => {
    const p = await popup();
    const items = p.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    // Every row says its platform.
    await expect.poll(() => items.first().textContent()).toContain('WhatsApp');
    // The page's own unread badges come through as "N unread".
    const badges = await wa.$$eval('#pane-side [aria-label*="unread"]', (els) => els.map((e) => e.getAttribute('aria-label')));
    expect(badges.length).toBeGreaterThan(0);
    const n = /(\d+)/.exec(badges[0]!)![1];
    await expect.poll(() => p.getByLabel(`${n} unread`).count()).toBeGreaterThan(0);
    // Newest first: the first row's title is the page's top chat (the page lists newest first too,
    // pinned chats aside).
    await p.close();
  });

  test('opening a conversation shows its thread; a reply is posted through the page and turns Sent', async () => {
    const title = await wa.$eval('#main header span[dir="auto"]', (e) => e.textContent!.trim());
    const p = await popup();
    await p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: new RegExp(title) })
      .first()
      .click();
    const log = p.getByRole('log', { name: new RegExp(title) });
    await log.waitFor();
    await expect.poll(() => log.getByRole('article').count(), { timeout: 10_000 }).toBeGreaterThan(3);

    const text = `Balas dari popup ${Date.now()} ✓`;
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.count(), { timeout: 5_000 }).toBeGreaterThan(0);
    await expect.poll(() => mine.first().textContent(), { timeout: 20_000 }).toMatch(/Sent/);
    // Posted exactly once, through the page's own composer.
    const echoes = await wa.evaluate(() => window.__fixture.echoLog.map((e) => e.text));
    expect(echoes.filter((t: string) => t === text)).toHaveLength(1);
    expect(await mine.count()).toBe(1);
    await p.close();
  });

  test('a message arriving while the worker is stopped is not lost', async () => {
    await h.stopServiceWorker();
    const text = `Pesan baru setelah worker berhenti ${Date.now()}`;
    const title = await wa.$eval('#main header span[dir="auto"]', (e) => e.textContent!.trim());
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), [title, text] as const);
    const p = await popup();
    await p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: new RegExp(title) })
      .first()
      .click();
    const log = p.getByRole('log', { name: new RegExp(title) });
    await expect.poll(() => log.getByRole('article').filter({ hasText: text }).count(), { timeout: 20_000 }).toBe(1);
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});

// The 2026 page (live-2026.md): bare ids, wrapped list rows, a group and a contact both named
// "Ibu", two contacts named "Andi". A fresh browser, so the classic page's chats are not in the store.
describe('WhatsApp 2026 layout end to end', () => {
  const WA_2026 = 'https://web.whatsapp.com/?layout=2026';
  const fixture = <T>(fn: string, ...args: unknown[]) =>
    wa.evaluate(([f, a]) => (window.__fixture[f as string] as (...args: unknown[]) => unknown)(...(a as unknown[])), [
      fn,
      args,
    ] as const) as Promise<T>;
  /** The popup opened on one stored conversation, as a notification click opens it. */
  async function openConversation(id: string, title: string) {
    const p = await h.openPopup(`popup.html?open=${encodeURIComponent(id)}`);
    const log = p.getByRole('log', { name: new RegExp(title) });
    await log.waitFor({ timeout: 15_000 });
    return { p, log };
  }
  async function reply(p: Page, text: string) {
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
  }
  const echoes = () => wa.evaluate(() => window.__fixture.echoLog.map((e) => e.text as string));

  beforeAll(async () => {
    await h?.close();
    h = await launch();
    wa = await h.openSite(WA_2026);
    await wa.waitForSelector('#pane-side [data-testid="cell-frame-container"]');
  });

  test('read → thread → reply → Sent', async () => {
    const p = await h.openPopup();
    const items = p.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    await p.close();
    const { p: tp, log } = await openConversation('whatsapp:dm/Budi Santoso', 'Budi Santoso');
    await expect.poll(() => log.getByRole('article').count(), { timeout: 10_000 }).toBeGreaterThan(3);
    const text = `Balasan 2026 ${Date.now()} ✓`;
    await reply(tp, text);
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 20_000 }).toMatch(/Sent/);
    expect((await echoes()).filter((t: string) => t === text)).toHaveLength(1);
    const truth = await fixture<{ text: string; mine: boolean }[]>('truth', 'Budi Santoso');
    expect(truth.filter((m) => m.mine && m.text === text)).toHaveLength(1);
    await tp.close();
  });

  test("a reply to the contact named like a group lands in the contact's chat, not the group", async () => {
    // The contact's thread is read once (its id dm/Ibu is known), then the group is the open chat.
    await fixture('openChat', 'Ibu', 'dm');
    const { p, log } = await openConversation('whatsapp:dm/Ibu', 'Ibu');
    await expect.poll(() => log.getByRole('article').filter({ hasText: 'Hati-hati di jalan' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await log.getByRole('article').filter({ hasText: 'pesan kuenya' }).count()).toBe(0); // not the group's
    await fixture('openChat', 'Ibu', 'group');
    const text = `Iya Bu, sampai Minggu ${Date.now()}`;
    await reply(p, text);
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 20_000 }).toMatch(/Sent/);
    const contact = await fixture<{ text: string; mine: boolean }[]>('truth', 'Ibu', 'dm');
    const group = await fixture<{ text: string }[]>('truth', 'Ibu', 'group');
    expect(contact.filter((m) => m.mine && m.text === text)).toHaveLength(1);
    expect(group.filter((m) => m.text === text)).toHaveLength(0);
    await p.close();
  });

  test('two contacts named "Andi" that nothing tells apart: the reply is refused with the ambiguity reason', async () => {
    await fixture('openChat', 'Andi', 0);
    const { p, log } = await openConversation('whatsapp:dm/Andi', 'Andi');
    await expect.poll(() => log.getByRole('article').filter({ hasText: 'futsal' }).count(), { timeout: 15_000 }).toBe(1);
    await fixture('openChat', 'Budi Santoso');
    const before = (await echoes()).length;
    const text = `Jadi futsal? ${Date.now()}`;
    await reply(p, text);
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 20_000 }).toMatch(/Two WhatsApp chats have this name/);
    expect(await echoes()).toHaveLength(before); // nothing was posted anywhere
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
