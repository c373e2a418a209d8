// Messenger (facebook.com/messages) end to end: list → popup, /t/ and /e2ee/t/ are one
// conversation, reply from the popup → echo → Sent; the Facebook feed is left alone.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let fb: Page;

beforeAll(async () => {
  h = await launch();
  fb = await h.openSite('https://www.facebook.com/messages/t/100004873215509/');
});
afterAll(async () => {
  await h?.close();
});

describe('Messenger end to end', () => {
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
    const echoes = await fb.evaluate(() => (window as any).__fixture.echoLog.map((e: any) => e.text));
    expect(echoes.filter((t: string) => t === text)).toHaveLength(1);
    await p.close();
  });

  test('the same thread through /t/ and /e2ee/t/ is one conversation', async () => {
    await fb.evaluate(() => (window as any).__fixture.navigate('/messages/e2ee/t/100004873215509/'));
    await fb.waitForTimeout(1_500);
    const p = await h.openPopup();
    const items = p.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: /^Messenger\s*Mama/ });
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
