// The background's user-facing services and the options page in a real browser: notifications for
// a new message (never for history), the toolbar badge, and the options page (settings, export →
// delete all → import).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let wa: Page;
const BUDI = 'Budi Santoso';

beforeAll(async () => {
  h = await launch();
  wa = await h.openSite('https://web.whatsapp.com/');
  await wa.waitForSelector('#pane-side [role="grid"]');
});
afterAll(async () => {
  await h?.close();
});

const notificationIds = async (sw: Worker): Promise<string[]> =>
  sw.evaluate(async () => Object.keys(await (globalThis as any).chrome.notifications.getAll()));
const badge = async (sw: Worker): Promise<string> => sw.evaluate(() => (globalThis as any).chrome.action.getBadgeText({}));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notifications', () => {
  test('a new incoming message shows exactly one notification; the first scrape’s history none', async () => {
    const sw = await h.serviceWorker();
    // The first scrape has been merged once the badge counts the page's unread chats.
    await expect.poll(() => badge(sw), { timeout: 20_000 }).toMatch(/^\d+\+?$/);
    await sleep(1_500); // let the page's follow-up batches land too
    expect(await notificationIds(sw)).toEqual([]);

    // Budi's chat is open in the page: the new message is read from the thread.
    await wa.evaluate(([t, s]) => (window as any).__fixture.addIncoming(t, s), [BUDI, `Sudah di stasiun ${Date.now()}`]);
    await expect.poll(() => notificationIds(sw), { timeout: 20_000 }).toHaveLength(1);
    const [id] = await notificationIds(sw);
    expect(id).toMatch(/^whatsapp:/);
    await sleep(1_500);
    expect(await notificationIds(sw)).toEqual([id]);
  });
});

test('no request left the machine', () => {
  expect(h.blocked).toEqual([]);
});
