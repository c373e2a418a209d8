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
    const badges = await wa.$$eval('#pane-side [aria-label*="unread"]', (els) =>
      els.map((e) => e.getAttribute('aria-label')),
    );
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
    await p.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(title) }).first().click();
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
    const echoes = await wa.evaluate(() => (window as any).__fixture.echoLog.map((e: any) => e.text));
    expect(echoes.filter((t: string) => t === text)).toHaveLength(1);
    expect(await mine.count()).toBe(1);
    await p.close();
  });

  test('a message arriving while the worker is stopped is not lost', async () => {
    await h.stopServiceWorker();
    const text = `Pesan baru setelah worker berhenti ${Date.now()}`;
    const title = await wa.$eval('#main header span[dir="auto"]', (e) => e.textContent!.trim());
    await wa.evaluate(([t, s]) => (window as any).__fixture.addIncoming(t, s), [title, text]);
    const p = await popup();
    await p.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(title) }).first().click();
    const log = p.getByRole('log', { name: new RegExp(title) });
    await expect.poll(() => log.getByRole('article').filter({ hasText: text }).count(), { timeout: 20_000 }).toBe(1);
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
