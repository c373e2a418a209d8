// The background's user-facing services and the options page in a real browser: notifications for
// a new message (never for history), the toolbar badge, and the options page (settings, export →
// delete all → import).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import { launch, storedRecords, type Harness } from './harness';
import type { Settings } from '../../lib/shared/settings';
import type { ExportFile } from '../../lib/store/export';

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

const notificationIds = async (sw: Worker): Promise<string[]> => sw.evaluate(async () => Object.keys(await chrome.notifications.getAll()));
const badge = async (sw: Worker): Promise<string> => sw.evaluate(() => chrome.action.getBadgeText({}));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('notifications', () => {
  test('a new incoming message shows exactly one notification; the first scrape’s history none', async () => {
    const sw = await h.serviceWorker();
    // The first scrape has been merged once the badge counts the page's unread chats.
    await expect.poll(() => badge(sw), { timeout: 20_000 }).toMatch(/^\d+\+?$/);
    await sleep(1_500); // let the page's follow-up batches land too
    expect(await notificationIds(sw)).toEqual([]);

    // Budi's chat is open in the page: the new message is read from the thread.
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), [BUDI, `Sudah di stasiun ${Date.now()}`] as const);
    await expect.poll(() => notificationIds(sw), { timeout: 20_000 }).toHaveLength(1);
    const [id] = await notificationIds(sw);
    expect(id).toMatch(/^whatsapp:/);
    await sleep(1_500);
    expect(await notificationIds(sw)).toEqual([id]);
    // A click opens the inbox at popup.html?open=<notification id>: that shows Budi's thread.
    const opened = await h.openPopup(`popup.html?open=${encodeURIComponent(id!)}`);
    await opened.getByRole('log', { name: `Conversation with ${BUDI}` }).waitFor();
    await opened.close();
  });

  test('none while an inbox page is in front or for a muted chat; a chat not open in the page notifies from its list row', async () => {
    const sw = await h.serviceWorker();
    // Start from a clean slate (Chrome also drops shown notifications after a few seconds).
    await sw.evaluate(async () => {
      const n = chrome.notifications;
      for (const id of Object.keys(await n.getAll())) await n.clear(id);
    });
    const panel = await h.openPopup('sidepanel.html'); // now the active tab
    const quiet = `Kuncinya di bawah pot ${Date.now()}`;
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), ['Keluarga Besar', quiet] as const);
    // Merged (the panel shows it) but not announced: the user is looking at the inbox.
    const rows = panel.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
    await rows.filter({ hasText: quiet }).waitFor({ timeout: 20_000 });
    await sleep(1_000);
    expect(await notificationIds(sw)).toEqual([]);
    await panel.close();
    await wa.bringToFront();

    // A muted chat: merged, never announced.
    const muted = `Rapat jam 3 ${Date.now()}`;
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), ['Kantor – Tim Produk', muted] as const);
    const check = await h.openPopup('options.html'); // an extension page that is not the inbox
    await check.getByRole('heading', { level: 1 }).waitFor();
    const previews = async () => (await storedRecords<{ preview: string }>(check, 'conversations')).map((c) => c.preview);
    await expect.poll(async () => (await previews()).some((p) => p.includes(muted)), { timeout: 20_000 }).toBe(true);
    await check.close();
    await sleep(500);
    expect(await notificationIds(sw)).toEqual([]);

    await wa.bringToFront();
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), ['Pak Hendra (Kos)', `Sudah, Pak ${Date.now()}`] as const);
    await expect.poll(() => notificationIds(sw), { timeout: 20_000 }).toHaveLength(1);
    expect((await notificationIds(sw))[0]).toMatch(/^whatsapp:/);
  });
});

interface StoredChat {
  unread?: boolean;
  muted?: boolean;
  archived?: boolean;
  platform: string;
  unreadCount?: number;
}

/** Unread per the platforms' rules, computed from the store itself (WhatsApp counts, others 1). */
async function unreadFromStore(p: Page): Promise<number> {
  let total = 0;
  for (const c of await storedRecords<StoredChat>(p, 'conversations')) {
    if (!c.unread || c.muted || c.archived) continue;
    total += c.platform === 'whatsapp' ? Math.max(1, c.unreadCount ?? 1) : 1;
  }
  return total;
}

async function exportJson(p: Page): Promise<{ file: string; data: ExportFile }> {
  const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Export data' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^unified-inbox-export-\d{4}-\d{2}-\d{2}\.json$/);
  const file = (await download.path())!;
  const data = JSON.parse(readFileSync(file, 'utf8'));
  await p
    .getByRole('status')
    .filter({ hasText: `Saved ${download.suggestedFilename()}.` })
    .waitFor();
  return { file, data };
}

describe('options page', () => {
  let options: Page;

  test('the popup opens the options page', async () => {
    const popup = await h.openPopup();
    const [page] = await Promise.all([h.context.waitForEvent('page'), popup.getByRole('button', { name: 'Settings' }).click()]);
    await page.waitForLoadState();
    expect(page.url()).toBe(`chrome-extension://${h.extensionId}/options.html`);
    await page.getByRole('heading', { level: 1, name: 'Unified Inbox settings' }).waitFor();
    await popup.close();
    options = page;
  });

  test('the toolbar badge equals the sum of unread across the three platforms', async () => {
    const ig = await h.openSite('https://www.instagram.com/direct/inbox/');
    const ms = await h.openSite('https://www.facebook.com/messages/t/100070031122846/');
    const sw = await h.serviceWorker();
    // Every platform contributes.
    const unreadPlatforms = async () => {
      const unread = (await storedRecords<StoredChat>(options, 'conversations')).filter((c) => c.unread);
      return [...new Set(unread.map((c) => c.platform))].sort();
    };
    await expect.poll(unreadPlatforms, { timeout: 20_000 }).toEqual(['instagram', 'messenger', 'whatsapp']);
    await expect.poll(async () => (await badge(sw)) === String(await unreadFromStore(options)), { timeout: 10_000 }).toBe(true);
    await ig.close();
    await ms.close();
  });

  test('switches and language are saved and applied', async () => {
    const sw = await h.serviceWorker();
    const stored = () => sw.evaluate(async () => (await chrome.storage.local.get('settings')).settings as Settings | undefined);
    const notifyWa = options.getByRole('checkbox', { name: 'Notify for WhatsApp' });
    expect(await notifyWa.isChecked()).toBe(true);
    await notifyWa.uncheck();
    await expect.poll(async () => (await stored())?.platforms?.whatsapp?.notify).toBe(false);
    await notifyWa.check();
    await options.getByRole('checkbox', { name: 'Show notifications for new messages' }).uncheck();
    await expect.poll(async () => (await stored())?.notifications).toBe(false);
    // With the master switch off, the per-platform switches cannot be used.
    expect(await notifyWa.isDisabled()).toBe(true);
    await options.getByRole('checkbox', { name: 'Show notifications for new messages' }).check();
    await expect.poll(async () => (await stored())?.notifications).toBe(true);

    await options.getByRole('combobox', { name: 'Interface language' }).selectOption('id');
    await options.getByRole('heading', { level: 1, name: 'Pengaturan Kotak Masuk Terpadu' }).waitFor();
    await options.getByRole('button', { name: 'Ekspor data' }).waitFor();
    // The popup opens in it: the early frame, then the app (its Indonesian strings a chunk of their own).
    const popup = await h.openPopup();
    await popup.locator('main:not([inert])').getByRole('searchbox', { name: 'Cari' }).waitFor();
    expect(await popup.evaluate(() => document.documentElement.lang)).toBe('id');
    await popup.close();
    await options.getByRole('combobox', { name: 'Bahasa antarmuka' }).selectOption('auto');
    await options.getByRole('heading', { level: 1, name: 'Unified Inbox settings' }).waitFor();
    expect(await stored()).toMatchObject({
      uiLanguage: 'auto',
      notifications: true,
      platforms: { whatsapp: { enabled: true, notify: true } },
    });
  });

  test('export → delete all (confirmed) → import gives back the same data', async () => {
    // No page may add to the store while we compare.
    await wa.close();
    await sleep(1_000);
    const before = await exportJson(options);
    expect(before.data.format).toBe('unified-inbox-export');
    expect(before.data.conversations.length).toBeGreaterThan(10);
    expect(before.data.messages.length).toBeGreaterThan(10);

    // Deleting asks first; Cancel keeps everything.
    await options.getByRole('button', { name: 'Delete all data' }).click();
    const dialog = options.getByRole('alertdialog', { name: 'Delete all data?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await unreadFromStore(options)).toBeGreaterThan(0);

    await options.getByRole('button', { name: 'Delete all data' }).click();
    await dialog.getByRole('button', { name: 'Delete everything' }).click();
    await options.getByRole('status').filter({ hasText: 'All data deleted.' }).waitFor();
    const emptied = await exportJson(options);
    expect([emptied.data.conversations.length, emptied.data.messages.length, emptied.data.people.length]).toEqual([0, 0, 0]);
    const sw = await h.serviceWorker();
    await expect.poll(() => badge(sw)).toBe('');

    await options.getByLabel('Import data').setInputFiles(before.file);
    const n = before.data.conversations.length;
    const m = before.data.messages.length;
    await options
      .getByRole('status')
      .filter({ hasText: `${n} conversations, ${m} messages imported.` })
      .waitFor();
    const after = await exportJson(options);
    const { exportedAt: _a, ...was } = before.data;
    const { exportedAt: _b, ...now } = after.data;
    expect(now).toEqual(was);

    // Importing the same file again merges: nothing is duplicated.
    await options.getByLabel('Import data').setInputFiles(before.file);
    await options.getByRole('status').filter({ hasText: 'imported' }).waitFor();
    const again = await exportJson(options);
    expect(again.data.messages.length).toBe(m);
    expect(again.data.conversations.length).toBe(n);
    // The badge follows the restored store.
    await expect.poll(async () => (await badge(sw)) === String((await unreadFromStore(options)) || ''), { timeout: 10_000 }).toBe(true);
  });

  test('a file that is not an export is refused with a reason', async () => {
    await options
      .getByLabel('Import data')
      .setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"other"}') });
    await options.getByRole('alert').filter({ hasText: 'Import failed:' }).waitFor();
  });
});

test('no request left the machine', () => {
  expect(h.blocked).toEqual([]);
});
