// Instagram Direct end to end: list → popup; reply from the popup to a thread that is not open in
// the page (the content script navigates client-side), echo → Sent; the 1,000-character limit.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let ig: Page;

beforeAll(async () => {
  h = await launch();
  ig = await h.openSite('https://www.instagram.com/direct/inbox/');
});
afterAll(async () => {
  await h?.close();
});

describe('Instagram end to end', () => {
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
    await p.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Sari Wulandari/ }).first().click();
    const log = p.getByRole('log', { name: /Sari Wulandari/ });
    await log.waitFor();
    const text = `Halo Sari, balasan dari popup ${Date.now()}`;
    await p.getByRole('textbox', { name: 'Message' }).fill(text);
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = log.getByRole('article').filter({ hasText: text });
    await expect.poll(() => mine.first().textContent(), { timeout: 25_000 }).toMatch(/Sent/);
    const echoes = await ig.evaluate(() => (window as any).__fixture.echoLog.map((e: any) => e.text));
    expect(echoes.filter((t: string) => t === text)).toHaveLength(1);
    expect(ig.url()).toMatch(/\/direct\/t\/\d+\/?$/);
    await p.close();
  });

  test('a reply over 1,000 characters is refused up front', async () => {
    const p = await h.openPopup();
    await p.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Alex Chen/ }).first().click();
    await p.getByRole('textbox', { name: 'Message' }).fill('a'.repeat(1001));
    await expect.poll(() => p.getByRole('alert').textContent()).toMatch(/Too long for Instagram/);
    expect(await p.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
