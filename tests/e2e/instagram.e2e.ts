// Instagram Direct end to end: list → popup; reply from the popup to a thread that is not open in
// the page (the content script navigates client-side), echo → Sent; the 1,000-character limit.
// Then the 2026 anchorless inbox (rows without links: provisional conversations opened by a click,
// one conversation once the thread's id is known) and a send the app marks "Not sent".
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let ig: Page;

describe('Instagram end to end', () => {
  beforeAll(async () => {
    h = await launch();
    ig = await h.openSite('https://www.instagram.com/direct/inbox/');
  });
  afterAll(async () => {
    await h?.close();
  });

  test('conversations reach the popup marked Instagram, unread without an invented count', async () => {
    const p = await h.openPopup();
    const items = p.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await expect.poll(() => items.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    await expect.poll(() => items.filter({ hasText: 'Instagram' }).count()).toBeGreaterThanOrEqual(8);
    await expect.poll(() => p.getByLabel('Unread', { exact: true }).count()).toBeGreaterThan(0);
    await p.close();
  });

  test('a reply to a thread not open in the page is posted there and turns Sent', async () => {
    const p = await h.openPopup();
    await p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: /Sari Wulandari/ })
      .first()
      .click();
    const log = p.getByRole('log', { name: /Sari Wulandari/ });
    await log.waitFor();
    const text = `Halo Sari, balasan dari popup ${Date.now()}`;
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 25_000 }).toMatch(/Sent/);
    const echoes = await ig.evaluate(() => window.__fixture.echoLog.map((e) => e.text));
    expect(echoes.filter((t: string) => t === text)).toHaveLength(1);
    expect(ig.url()).toMatch(/\/direct\/t\/\d+\/?$/);
    await p.close();
  });

  test('a reply over 1,000 characters is refused up front', async () => {
    const p = await h.openPopup();
    await p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: /Alex Chen/ })
      .first()
      .click();
    await p.getByRole('textbox', { name: 'Message' }).fill('a'.repeat(1001));
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/Too long for Instagram/);
    expect(await p.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});

describe('Instagram end to end, 2026 anchorless inbox', () => {
  beforeAll(async () => {
    h = await launch();
    ig = await h.openSite('https://www.instagram.com/direct/inbox/?layout=2026');
  });
  afterAll(async () => {
    await h?.close();
  });

  const conversations = (p: Page) => p.getByRole('list', { name: 'Conversations' }).getByRole('listitem');

  test('rows without links reach the popup; a reply opens the row by click, turns Sent, and leaves ONE conversation', async () => {
    expect(await ig.locator('a[href*="/direct/t/"]').count()).toBe(0);
    const p = await h.openPopup();
    await expect.poll(() => conversations(p).count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    await expect.poll(() => conversations(p).filter({ hasText: 'Sari Wulandari' }).count()).toBe(1);
    await p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: /Sari Wulandari/ })
      .first()
      .click();
    const log = p.getByRole('log', { name: /Sari Wulandari/ });
    await log.waitFor();
    const text = `Halo Sari, dari inbox 2026 ${Date.now()}`;
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 25_000 }).toMatch(/Sent/);
    const echoes = await ig.evaluate(() => window.__fixture.echoLog.map((e) => [e.text, e.threadId]));
    expect(echoes.filter(([t]) => t === text)).toEqual([[text, '17843120958812407']]);
    expect(ig.url()).toMatch(/\/direct\/t\/17843120958812407\/?/);
    // The row (provisional, keyed by title) and the thread (real id, naming that key) are one
    // conversation: the store folds them (the store branch's merge).
    await p.close();
    const again = await h.openPopup();
    await expect.poll(() => conversations(again).count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    await expect.poll(() => conversations(again).filter({ hasText: 'Sari Wulandari' }).count(), { timeout: 10_000 }).toBe(1);
    await again.close();
  });

  test('a send the app marks "Not sent" shows Failed with the reason, never Sent', async () => {
    await ig.evaluate(() => window.__fixture.failNextSend());
    const p = await h.openPopup();
    await p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: /Alex Chen/ })
      .first()
      .click();
    const log = p.getByRole('log', { name: /Alex Chen/ });
    await log.waitFor();
    const text = `This one fails ${Date.now()}`;
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 25_000 }).toMatch(/Failed/);
    await expect.poll(() => mine.first().textContent()).toMatch(/Instagram marked the message "Not sent"/);
    // Neither the reply nor the failed bubble read from the page says Sent ("Not sent" is lowercase).
    await new Promise((r) => setTimeout(r, 1500));
    for (const shown of await mine.allTextContents()) expect(shown).not.toMatch(/\bSent\b/);
    const logs = await ig.evaluate(() => ({
      echo: window.__fixture.echoLog.map((e) => e.text),
      failed: window.__fixture.failedLog.map((e) => e.text),
    }));
    expect(logs.failed).toEqual([text]);
    expect(logs.echo).not.toContain(text);
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
