// Sweeps in a real browser (issue 13), against the fixture apps' long mode (2,000 chats loaded in
// async batches behind a spinner with recycled rows; threads of 5,000 messages loading older
// batches above): a chats sweep reads every chat of each app into the store and puts the list back;
// "older" brings 200 older messages and puts the thread back; Cancel stops within a step; the
// user's own wheel (a trusted event, from Playwright's mouse) stops it. Commands go to the tab from
// the service worker, as the worker's sweep-start sends them; their progress is heard there too.
//
// The fixtures give their lists a fixed height (560–600 px); a user with a tall window has lists
// as tall as it. Each scroller is made about sixty rows tall (a tall window), so a step covers a
// whole batch of fifty, and the fixture's loads take 50 ms instead of 300–800 ms: the run stays
// short, and the pacing is still the product's (400–1,200 ms a step).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page, Worker } from 'playwright-core';
import type { SweepProgress } from '../../lib/shared/protocol';
import { launch, type Harness } from './harness';

/** The extension API in the service worker (evaluated there; typed loosely here). */
declare const chrome: {
  runtime: { onMessage: { addListener(fn: (m: { type?: string }) => void): void } };
  tabs: { query(q: { url: string }): Promise<{ id?: number }[]>; sendMessage(id: number, m: unknown): Promise<unknown> };
};

/** Fixture loads (ms) in these tests: `loadDelayMs`, which the long mode offers tests. */
const LOAD_MS = 50;

interface App {
  platform: 'whatsapp' | 'instagram' | 'messenger';
  url: string;
  tabs: string;
  /** The chat list's height here: about sixty rows (each app has its own row height). */
  tall: number;
  /** A chat-list row, and a thread row (a message's own element). */
  chatRow: string;
  messageRow: string;
  /** Brings the first (long) conversation up in the page, as the user would. */
  openLong(page: Page): Promise<void>;
}

const APPS: App[] = [
  {
    platform: 'whatsapp',
    url: 'https://web.whatsapp.com/?long=1&layout=2026',
    tabs: 'https://web.whatsapp.com/*',
    tall: 4_400,
    chatRow: '#pane-side [role="row"]',
    messageRow: '#main [role="row"]',
    openLong: async () => {}, // the newest chat (a 5,000-message one) is open when the page loads
  },
  {
    platform: 'instagram',
    url: 'https://www.instagram.com/direct/inbox/?long=1',
    tabs: 'https://www.instagram.com/*',
    tall: 3_600,
    chatRow: 'a[href*="/direct/t/"]',
    messageRow: 'div[data-scope="messages_table"]',
    openLong: async (page) => {
      await page.locator('a[href*="/direct/t/"]').first().click();
      await page.waitForSelector('div[data-scope="messages_table"]');
    },
  },
  {
    platform: 'messenger',
    url: 'https://www.facebook.com/messages/?long=1',
    tabs: 'https://www.facebook.com/*',
    tall: 4_200,
    chatRow: '[role="navigation"] [role="grid"] [role="row"]',
    messageRow: '[role="main"] [role="row"], [role="main"] [data-message-id]',
    openLong: async (page) => {
      await page.locator('[role="navigation"] [role="grid"] [role="row"] a').first().click();
      await page.waitForSelector('[role="main"] [role="row"], [role="main"] [data-message-id]');
    },
  },
];

let h: Harness;
let sw: Worker;
let reader: Page;

beforeAll(async () => {
  h = await launch();
  sw = await h.serviceWorker();
  await sw.evaluate(() => {
    const g = globalThis as unknown as { __progress: unknown[] };
    g.__progress = [];
    chrome.runtime.onMessage.addListener((m) => {
      if (m?.type === 'sweep-progress') g.__progress.push(m);
    });
  });
  reader = await h.openPopup('options.html');
});
afterAll(async () => {
  await h?.close();
});

/** Send a command to the app's tab as the worker does; the content script's reply. */
function command(app: App, cmd: Record<string, unknown>): Promise<unknown> {
  return sw.evaluate(
    async ([u, c]) => {
      const [tab] = await chrome.tabs.query({ url: u });
      return chrome.tabs.sendMessage(tab!.id!, c);
    },
    [app.tabs, cmd] as const,
  );
}

async function progress(runId: string): Promise<SweepProgress[]> {
  const all = (await sw.evaluate(() => (globalThis as unknown as { __progress: SweepProgress[] }).__progress)) as SweepProgress[];
  return all.filter((p) => p.runId === runId);
}

async function finalOf(runId: string, timeout = 170_000): Promise<SweepProgress> {
  const until = Date.now() + timeout;
  let seen = 0;
  for (;;) {
    const all = await progress(runId);
    const final = all.find((p) => p.state !== 'running');
    if (final) return final;
    if (process.env.SWEEP_TRACE && all.length > seen) console.log(runId, all.slice(seen).map((p) => `${p.steps}:${p.found}`).join(' '));
    seen = all.length;
    if (Date.now() > until) throw new Error(`${runId} did not end: ${JSON.stringify(all.at(-1))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Rows of a store table (raw IndexedDB from an extension page). */
function storeRows<T>(table: string): Promise<T[]> {
  return reader.evaluate(
    (t) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('unified-inbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(t).objectStore(t).getAll();
          req.onsuccess = () => {
            db.close();
            resolve(req.result as T[]);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    table,
  );
}

interface StoredConversation {
  id: string;
  platform: string;
  nativeId: string;
  title: string;
}

const storedChats = async (platform: string) => (await storeRows<StoredConversation>('conversations')).filter((c) => c.platform === platform);
const storedMessages = async (conversationId: string) =>
  (await storeRows<{ conversationId: string }>('messages')).filter((m) => m.conversationId === conversationId).length;

/**
 * Open the app in a tall page, each scroller as tall as the page (a user's tall window), and wait
 * until the content script has reported the first rows.
 */
async function openApp(app: App): Promise<Page> {
  const page = await h.context.newPage();
  await page.setViewportSize({ width: 1280, height: app.tall + 400 });
  await page.goto(app.url);
  await page.waitForSelector(app.chatRow);
  await page.evaluate((ms) => ((window as unknown as { __fixture: { loadDelayMs: number } }).__fixture.loadDelayMs = ms), LOAD_MS);
  await makeTall(page, app.chatRow, app.tall);
  await expect.poll(async () => (await storedChats(app.platform)).length, { timeout: 15_000 }).toBeGreaterThan(0);
  return page;
}

/** The nearest scrolling ancestor of the first `row` made `px` high. */
async function makeTall(page: Page, row: string, px: number): Promise<void> {
  await page.evaluate(
    ([sel, px]) => {
      const first = document.querySelector(sel);
      for (let el = first?.parentElement ?? null; el; el = el.parentElement) {
        if (/(auto|scroll)/.test(getComputedStyle(el).overflowY)) {
          el.style.setProperty('height', `${px}px`, 'important');
          el.dispatchEvent(new Event('scroll')); // the app renders the rows the new height shows
          return;
        }
      }
      throw new Error(`no scroller around ${sel}`);
    },
    [row, px] as const,
  );
}

/** Where the scroller around `row` is, and the first row in its view with its offset. */
async function viewOf(page: Page, row: string) {
  return page.evaluate((sel) => {
    const rows = Array.from(document.querySelectorAll(sel));
    let box: HTMLElement | null = null;
    for (let el = rows[0]?.parentElement ?? null; el && !box; el = el.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(el).overflowY)) box = el;
    }
    if (!box) throw new Error(`no scroller around ${sel}`);
    const top = box.getBoundingClientRect().top;
    const i = rows.findIndex((r) => r.getBoundingClientRect().top >= top);
    (window as unknown as { __anchor: Element }).__anchor = rows[i]!;
    return { scrollTop: box.scrollTop, fromBottom: box.scrollHeight - box.scrollTop, anchorOffset: rows[i]!.getBoundingClientRect().top - top };
  }, row);
}

/** The anchor row noted by viewOf: still in the page, and its offset from the scroller's top now. */
async function anchorNow(page: Page, row: string) {
  return page.evaluate((sel) => {
    const a = (window as unknown as { __anchor: Element }).__anchor;
    let box: HTMLElement | null = null;
    for (let el = document.querySelector(sel)?.parentElement ?? null; el && !box; el = el.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(el).overflowY)) box = el;
    }
    return { connected: a.isConnected, offset: a.getBoundingClientRect().top - box!.getBoundingClientRect().top, fromBottom: box!.scrollHeight - box!.scrollTop };
  }, row);
}

describe.each(APPS)('sweep in a real browser: $platform', (app) => {
  let page: Page;

  test('a chats sweep reads all 2,000 chats into the store and puts the list back', { timeout: 180_000 }, async () => {
    page = await openApp(app);
    // The user had scrolled a little way down.
    await page.evaluate((sel) => {
      const first = document.querySelector(sel)!;
      for (let el = first.parentElement; el; el = el.parentElement) {
        if (/(auto|scroll)/.test(getComputedStyle(el).overflowY)) {
          el.scrollTop = 1_000;
          return;
        }
      }
    }, app.chatRow);
    await page.waitForTimeout(500);
    const before = await viewOf(page, app.chatRow);
    const runId = `${app.platform}-chats`;
    const started = Date.now();
    expect(await command(app, { type: 'sweep', runId, kind: 'chats', maxSteps: 600 })).toEqual({ accepted: true });
    const final = await finalOf(runId);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${app.platform}: chats sweep ${final.reason} after ${final.steps} steps, ${final.found} chats, ${seconds.toFixed(1)} s`);
    expect(final).toMatchObject({ state: 'done', reason: 'end', found: 2_000 });
    await expect.poll(async () => (await storedChats(app.platform)).length, { timeout: 20_000 }).toBe(2_000);
    const after = await viewOf(page, app.chatRow);
    expect(Math.abs(after.scrollTop - before.scrollTop)).toBeLessThanOrEqual(2);
  });

  test('older: 200 older messages arrive, the thread is put back on the message that was at its top', { timeout: 120_000 }, async () => {
    await app.openLong(page);
    await makeTall(page, app.messageRow, app.tall);
    await page.waitForTimeout(1_500);
    const chats = await storedChats(app.platform);
    // The open conversation: the one whose messages the store holds most of.
    const counts = await Promise.all(chats.map(async (c) => [c, await storedMessages(c.id)] as const));
    const [conv, had] = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(had).toBeGreaterThan(0);
    const before = await viewOf(page, app.messageRow);
    const runId = `${app.platform}-older`;
    expect(
      await command(app, { type: 'sweep', runId, kind: 'older', conversationNativeId: conv.nativeId, conversationTitle: conv.title, maxSteps: 120, targetMessages: 200 }),
    ).toEqual({ accepted: true });
    const final = await finalOf(runId);
    console.log(`${app.platform}: older ${final.reason} after ${final.steps} steps, ${final.found} messages`);
    expect(final).toMatchObject({ state: 'done', reason: 'end' });
    expect(final.found).toBeGreaterThanOrEqual(200);
    await expect.poll(() => storedMessages(conv.id), { timeout: 20_000 }).toBeGreaterThanOrEqual(had + 200);
    const after = await anchorNow(page, app.messageRow);
    if (after.connected) expect(Math.abs(after.offset - before.anchorOffset)).toBeLessThanOrEqual(2);
    else expect(Math.abs(after.fromBottom - before.fromBottom)).toBeLessThanOrEqual(2);
  });

  test.runIf(app.platform === 'instagram')('Cancel stops it within one step', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const runId = `${app.platform}-cancel`;
    expect(await command(app, { type: 'sweep', runId, kind: 'chats', maxSteps: 600 })).toEqual({ accepted: true });
    await expect.poll(async () => (await progress(runId)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const stepsAtCancel = (await progress(runId)).at(-1)!.steps;
    expect(await command(app, { type: 'sweep-cancel', runId })).toEqual({ accepted: true });
    const final = await finalOf(runId, 15_000);
    expect(final).toMatchObject({ state: 'cancelled', reason: 'cancelled' });
    expect(final.steps - stepsAtCancel).toBeLessThanOrEqual(1);
  });

  test.runIf(app.platform === 'messenger')("the user's own wheel in the page stops it", async () => {
    const runId = `${app.platform}-wheel`;
    expect(await command(app, { type: 'sweep', runId, kind: 'chats', maxSteps: 600 })).toEqual({ accepted: true });
    await expect.poll(async () => (await progress(runId)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const stepsAtWheel = (await progress(runId)).at(-1)!.steps;
    const row = page.locator(app.chatRow).first();
    const box = (await row.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 300);
    const final = await finalOf(runId, 15_000);
    expect(final).toMatchObject({ state: 'stopped', reason: 'user-input' });
    expect(final.steps - stepsAtWheel).toBeLessThanOrEqual(1);
    // A page script's synthetic wheel does not stop a run.
    const runId2 = `${app.platform}-synthetic`;
    expect(await command(app, { type: 'sweep', runId: runId2, kind: 'chats', maxSteps: 6 })).toEqual({ accepted: true });
    await expect.poll(async () => (await progress(runId2)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await page.evaluate((sel) => document.querySelector(sel)!.dispatchEvent(new WheelEvent('wheel', { bubbles: true, deltaY: 300 })), app.chatRow);
    expect(await finalOf(runId2, 30_000)).toMatchObject({ state: 'stopped', reason: 'step-cap', steps: 6 });
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
