// Messenger (facebook.com/messages) end to end: list → popup, /t/ and /e2ee/t/ are one
// conversation, reply from the popup → echo → Sent; the Facebook feed is left alone. Then the same
// read → thread → reply → Sent on the 2026 thread shape (`?layout=2026`: one labelled message
// element per message, no role=row, no "You sent" heading), in a browser of its own.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let fb: Page;

describe('Messenger end to end', () => {
  beforeAll(async () => {
    h = await launch();
    fb = await h.openSite('https://www.facebook.com/messages/t/100004873215509/');
  });
  afterAll(async () => {
    await h?.close();
  });

  test('conversations reach the popup marked Messenger; unread shown as unread', async () => {
    const p = await h.openPopup();
    const items = p.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await expect.poll(() => items.filter({ hasText: 'Messenger' }).count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    await expect.poll(() => p.getByLabel('Unread', { exact: true }).count()).toBeGreaterThan(0);
    await p.close();
  });

  test('the open thread is read, and a reply turns Sent after the page echoes it', async () => {
    const p = await h.openPopup();
    await p.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Mama/ }).first().click();
    const log = p.getByRole('log', { name: /Mama/ });
    await expect.poll(() => log.getByRole('article').count(), { timeout: 10_000 }).toBeGreaterThan(2);
    const text = `Iya Ma, nanti aku telepon ${Date.now()}`;
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 25_000 }).toMatch(/Sent/);
    expect(await mine.count()).toBe(1);
    const echoes = await fb.evaluate(() => window.__fixture.echoLog.map((e) => e.text));
    expect(echoes.filter((t: string) => t === text)).toHaveLength(1);
    await p.close();
  });

  test('the same thread through /t/ and /e2ee/t/ is one conversation', async () => {
    await fb.evaluate(() => window.__fixture.navigate('/messages/e2ee/t/100004873215509/'));
    await fb.waitForTimeout(1_500);
    const p = await h.openPopup();
    const items = p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('listitem')
      .filter({ hasText: /^Messenger\s*Mama/ });
    await expect.poll(() => items.count()).toBe(1);
    await p.close();
  });

  test('the Facebook feed is not read', async () => {
    const feed = await h.openSite('https://www.facebook.com/');
    await feed.waitForTimeout(1_000);
    const p = await h.openPopup();
    const titles = await p.getByRole('list', { name: 'Conversations' }).getByRole('listitem').allTextContents();
    expect(titles.some((t) => /News Feed|Beranda/.test(t))).toBe(false);
    await feed.close();
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});

describe('Messenger end to end on the 2026 thread shape', () => {
  let h2: Harness;
  let page: Page;
  beforeAll(async () => {
    h2 = await launch();
    // Mama's encrypted thread is open (ids `<account>@msgr.…`); the reply goes to Mark's plain one
    // (ids `mid.$…`), which the page has not shown yet: the send opens it by clicking its row link.
    page = await h2.openSite('https://www.facebook.com/messages/e2ee/t/100004873215509/?layout=2026');
  });
  afterAll(async () => {
    await h2?.close();
  });

  test('the page is the 2026 shape', async () => {
    expect(await page.locator('[role="main"] [role="row"]').count()).toBe(0);
    expect(await page.locator('[data-message-id][aria-roledescription="message"]').count()).toBeGreaterThan(2);
  });

  test('read → thread: own messages read as own, the quote apart, the status row not a message', async () => {
    const p = await h2.openPopup();
    const items = p.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await expect.poll(() => items.filter({ hasText: 'Messenger' }).count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(8);
    await p.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Mama/ }).first().click();
    const log = p.getByRole('log', { name: /Mama/ });
    await expect.poll(() => log.getByRole('article').count(), { timeout: 10_000 }).toBe(8);
    const texts = await log.getByRole('article').allTextContents();
    // The status row under the last outgoing message ("Sent") is not a message of its own.
    expect(texts.filter((t) => t.trim() === 'Sent')).toEqual([]);
    // The reply's quote is shown with it, never as a message of its own.
    expect(texts.filter((t) => t.includes('Insya Allah Sabtu pagi Ma') && !t.includes('rendang'))).toHaveLength(1);
    // The user's own messages are the user's (the label's "You"): before the fix every one was Mama's.
    const senders = await log.getByRole('article').locator(':scope > .sender').allTextContents();
    expect(senders.filter((t) => t === 'You')).toHaveLength(3);
    expect(senders.filter((t) => t === 'Mama')).toHaveLength(5);
    await p.close();
  });

  test('reply to a chat not open on the page → row link clicked → the page echoes it in the 2026 shape → Sent, exactly once', async () => {
    const p = await h2.openPopup();
    await p
      .getByRole('list', { name: 'Conversations' })
      .getByRole('button', { name: /Mark Thompson/ })
      .first()
      .click();
    const log = p.getByRole('log', { name: /Mark Thompson/ });
    const text = `See you at 3, 2026 ${Date.now()}`;
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 25_000 }).toMatch(/Sent/);
    expect(await mine.count()).toBe(1);
    expect(await mine.first().textContent()).not.toMatch(/Failed/);
    const echoes = await page.evaluate(() => window.__fixture.echoLog.map((e) => e.text));
    expect(echoes.filter((t: string) => t === text)).toHaveLength(1);
    // The page opened Mark's thread (by its row link) and shows the reply as the user's, with a real id.
    expect(new URL(page.url()).pathname).toBe('/messages/t/100009912873344/');
    const last = page.locator('[data-message-id]').last();
    expect(await last.getAttribute('aria-label')).toMatch(new RegExp(`^At \\d\\d:\\d\\d, You: ${text}$`));
    expect(await last.getAttribute('data-message-id')).toMatch(/^mid\.\$[a-z0-9]+$/);
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h2.blocked).toEqual([]);
  });
});
