// "The whole inbox" (issue 13) in a real browser, driven as a user drives it: the buttons of the
// popup and the side panel, found by role and name, against the fixture apps' long mode (2,000
// chats loaded in async batches behind a spinner with recycled rows; threads of 5,000 messages
// loading older batches above). On each platform: "Read chats" reads all 2,000 chats into the store
// and puts the list back; a worker stopped mid-run loses nothing, the run ends as interrupted and
// runs again; "Read this chat" reads a chat with nothing read; "Load older messages" brings 200
// older ones and puts the thread back; Cancel and the user's own wheel stop a run within a step;
// a list that stops loading, one that turns into an error page and one longer than the step cap
// reaches each end with their reason shown, the list put back.
//
// Time: the tests set the sweep's test pacing (SWEEP_TEST_PACING_KEY in the extension's
// storage.local, written from the service worker: no page can reach it) to a short fixed step
// delay and load wait; each scroller is made about sixty rows tall (a tall window), so a step
// covers a batch of fifty; the fixture's loads take 50 ms (its own `loadDelayMs` hook).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page, Worker } from 'playwright-core';
import type { SweepRecord, SweepTestPacing } from '../../lib/shared/sweep';
import { launch, storedRecords, type Harness } from './harness';

const LOAD_MS = 50;
/** The long 1:1 chat (chat 0 of shared/long-data.js, 5,000 messages) and a short one never opened. */
const LONG_CHAT = 'Nadia Pratama';

interface App {
  platform: 'whatsapp' | 'instagram' | 'messenger';
  label: string;
  url: string;
  tall: number;
  chatRow: string;
  messageRow: string;
  /** The extension page this platform's tests click in. */
  ui: 'popup.html' | 'sidepanel.html';
}

const APPS: App[] = [
  {
    platform: 'whatsapp',
    label: 'WhatsApp',
    url: 'https://web.whatsapp.com/?long=1&layout=2026',
    tall: 4_400,
    chatRow: '#pane-side [role="row"]',
    messageRow: '#main [role="row"]',
    ui: 'popup.html',
  },
  {
    platform: 'instagram',
    label: 'Instagram',
    url: 'https://www.instagram.com/direct/inbox/?long=1',
    tall: 3_600,
    chatRow: 'a[href*="/direct/t/"]',
    messageRow: 'div[data-scope="messages_table"]',
    ui: 'sidepanel.html',
  },
  {
    platform: 'messenger',
    label: 'Messenger',
    url: 'https://www.facebook.com/messages/?long=1',
    tall: 4_200,
    chatRow: '[role="navigation"] [role="grid"] [role="row"]',
    messageRow: '[role="main"] [role="row"], [role="main"] [data-message-id]',
    ui: 'popup.html',
  },
];

let h: Harness;
let reader: Page;
const times: string[] = [];

beforeAll(async () => {
  h = await launch();
  reader = await h.openPopup('options.html');
});
afterAll(async () => {
  console.log(`sweep e2e times:\n${times.join('\n')}`);
  await h?.close();
});

async function worker(): Promise<Worker> {
  return h.serviceWorker();
}

async function pacing(p: SweepTestPacing): Promise<void> {
  await (await worker()).evaluate(async ([key, value]) => chrome.storage.local.set({ [key]: value }), ['test:sweep-pacing', p] as const);
}

const storeRows = <T>(table: string) => storedRecords<T>(reader, table);
interface StoredConversation {
  id: string;
  platform: string;
  title: string;
  listRank: number | null;
}
const storedChats = async (platform: string) =>
  (await storeRows<StoredConversation>('conversations')).filter((c) => c.platform === platform);
const storedMessages = async (conversationId: string) =>
  (await storeRows<{ conversationId: string }>('messages')).filter((m) => m.conversationId === conversationId).length;
const record = async (platform: string) =>
  (await storeRows<{ key: string; value: SweepRecord }>('meta')).find((r) => r.key === `sweep:${platform}`)?.value ?? null;

/**
 * The nearest scrolling ancestor of the first `row`: made `px` high, or scrolled to `top`; its
 * state, with where its anchor row sits: the first row in view when the anchor was taken (`anchor:
 * 'new'`, or the first call for this selector). Rows are known by the message id they show, as
 * virtual lists recycle their nodes for other messages; a row without one by its node.
 */
async function scroller(page: Page, row: string, change: { height?: number; top?: number; anchor?: 'new' } = {}) {
  return page.evaluate(
    ([sel, change]) => {
      const rows = Array.from(document.querySelectorAll(sel));
      let box: HTMLElement | null = null;
      for (let el = rows[0]?.parentElement ?? null; el && !box; el = el.parentElement)
        if (/(auto|scroll)/.test(getComputedStyle(el).overflowY)) box = el;
      if (!box) throw new Error(`no scroller around ${sel}`);
      if (change.height) box.style.setProperty('height', `${change.height}px`, 'important');
      if (change.top !== undefined) box.scrollTop = change.top;
      if (change.height || change.top !== undefined) box.dispatchEvent(new Event('scroll'));
      const { top, bottom } = box.getBoundingClientRect();
      const keyOf = (r: Element) => r.getAttribute('data-message-id') ?? r.querySelector('[data-id]')?.getAttribute('data-id') ?? null;
      // One anchor per row selector: the chat list's row must never stand in for the thread's.
      const w = window as unknown as { __anchors?: Record<string, { key: string | null; el: Element } | undefined> };
      const anchors = (w.__anchors ??= {});
      const find = (a: { key: string | null; el: Element } | undefined) =>
        !a ? undefined : a.key === null ? (a.el.isConnected ? a.el : undefined) : rows.find((r) => keyOf(r) === a.key);
      if (change.anchor === 'new' || !anchors[sel]) {
        const inView = rows.filter((r) => r.getBoundingClientRect().top >= top && r.getBoundingClientRect().top < bottom);
        // A message with its id over a row that has none (a date row is re-created on each render).
        const first = inView.find((r) => keyOf(r) !== null) ?? inView[0];
        if (first) anchors[sel] = { key: keyOf(first), el: first };
      }
      const a = find(anchors[sel]);
      return {
        scrollTop: box.scrollTop,
        fromBottom: box.scrollHeight - box.scrollTop,
        anchorConnected: !!a,
        anchorOffset: a ? a.getBoundingClientRect().top - top : NaN,
      };
    },
    [row, change] as const,
  );
}

/** The visible rectangle of the list that scrolls the rows `row`. */
async function listViewport(page: Page, row: string): Promise<{ x: number; y: number; width: number; height: number }> {
  return page.evaluate((sel) => {
    let box: Element | null = document.querySelector(sel)?.parentElement ?? null;
    while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
    if (!box) throw new Error(`no scroller around ${sel}`);
    const r = box.getBoundingClientRect();
    const top = Math.max(0, r.top);
    const bottom = Math.min(window.innerHeight, r.bottom);
    return { x: r.left, y: top, width: r.width, height: bottom - top };
  }, row);
}

/** Open the app at `url` in a tall page and wait until the content script has reported rows. */
async function openApp(app: App, url = app.url): Promise<Page> {
  const page = await h.context.newPage();
  await page.setViewportSize({ width: 1280, height: app.tall + 400 });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector(app.chatRow, { timeout: 30_000 });
  await page.evaluate((ms) => ((window as unknown as { __fixture: { loadDelayMs: number } }).__fixture.loadDelayMs = ms), LOAD_MS);
  await scroller(page, app.chatRow, { height: app.tall });
  await expect.poll(async () => (await storedChats(app.platform)).length, { timeout: 20_000 }).toBeGreaterThan(0);
  return page;
}

async function openUi(app: App): Promise<Page> {
  const ui = await h.openPopup(app.ui);
  await ui.getByRole('button', { name: 'Read all chats' }).waitFor();
  return ui;
}

/** "Read chats: <platform>" under Platforms. */
async function readChatsButton(ui: Page, app: App): Promise<Locator> {
  const toggle = ui.getByRole('button', { name: 'Platforms' });
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return ui.getByRole('button', { name: `Read chats: ${app.label}` });
}

/** The inbox's status line, where a run's outcome is said. */
const inboxStatus = (ui: Page) => ui.getByRole('region', { name: 'Reading chats' }).getByRole('status').first();

/** Opens a conversation in the extension page (the list narrowed by a search first). */
async function openConversation(ui: Page, app: App, title: string): Promise<void> {
  await ui.getByRole('searchbox', { name: 'Search' }).fill(title);
  await ui
    .getByRole('list', { name: 'Conversations' })
    .getByRole('listitem')
    .filter({ hasText: app.label })
    .filter({ hasText: title })
    .first()
    .getByRole('button')
    .click();
  await ui.getByRole('log').first().waitFor();
}

/** Waits for a run other than `prev` to be recorded on this platform, and returns it once it has taken `steps` steps. */
async function newRun(platform: string, prev: string | undefined, steps = 0): Promise<SweepRecord> {
  await expect
    .poll(
      async () => {
        const r = await record(platform);
        return !!r && r.runId !== prev && (r.state !== 'running' || r.steps >= steps);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  return (await record(platform))!;
}

/** Waits for a run other than `prev` to end on this platform, and returns its record. */
async function endedRun(platform: string, prev: string | undefined, timeout = 40_000): Promise<SweepRecord> {
  await expect
    .poll(
      async () => {
        const r = await record(platform);
        return !!r && r.runId !== prev && r.state !== 'running';
      },
      { timeout },
    )
    .toBe(true);
  return (await record(platform))!;
}

const visible = (l: Locator, timeout = 15_000) => l.first().waitFor({ state: 'visible', timeout });
const hasText = async (l: Locator, text: string, timeout = 15_000) => {
  try {
    await expect.poll(async () => (await l.textContent())?.trim(), { timeout }).toBe(text);
  } catch (e) {
    console.log(
      'sweep records:',
      JSON.stringify((await storeRows<{ key: string; value: unknown }>('meta')).filter((r) => r.key.startsWith('sweep'))),
    );
    throw e;
  }
};

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await fn();
  } finally {
    times.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}

describe.each(APPS)('the whole inbox in a real browser: $platform', (app) => {
  let page: Page;
  let ui: Page;

  test(
    'Read chats: a worker stopped mid-run loses nothing and the run ends as interrupted; run again, all 2,000 chats are read and the list is put back',
    { timeout: 240_000 },
    async () => {
      await timed(`${app.platform}: read chats (interrupted, then all 2,000)`, async () => {
        await pacing({ stepDelayMs: 150, loadWaitMs: 3_000 });
        page = await openApp(app);
        ui = await openUi(app);
        await scroller(page, app.chatRow, { top: 1_000 });
        await page.waitForTimeout(300);
        const before = await scroller(page, app.chatRow);

        await (await readChatsButton(ui, app)).click();
        await visible(ui.getByRole('progressbar', { name: 'Reading chats' }));
        await expect.poll(async () => (await record(app.platform))?.found ?? 0, { timeout: 30_000 }).toBeGreaterThan(300);
        const storedBefore = (await storedChats(app.platform)).length;
        await h.stopServiceWorker();
        // The page's next report wakes the worker, which finds the run it can no longer follow.
        await expect.poll(async () => (await record(app.platform))?.state, { timeout: 30_000 }).toBe('interrupted');
        expect((await record(app.platform))?.reason).toBe('tab-lost');
        expect((await storedChats(app.platform)).length).toBeGreaterThanOrEqual(storedBefore);
        await visible(ui.getByText(`${app.label}: interrupted`), 10_000);

        // Run again: the pacing survives the worker (it is stored), and the run reads to the end.
        await page.waitForTimeout(1_000);
        await scroller(page, app.chatRow, { top: 1_000 });
        await page.waitForTimeout(300);
        const t0 = Date.now();
        await (await readChatsButton(ui, app)).click();
        await visible(ui.getByRole('progressbar', { name: 'Reading chats' }));
        try {
          await hasText(inboxStatus(ui), `${app.label}: done, 2,000 chats read.`, 200_000);
        } finally {
          // What the page had loaded and where its list stood, for a run that read fewer.
          console.log(
            `${app.platform} page state:`,
            JSON.stringify(
              await page.evaluate(() => ({
                info: (window as unknown as { __fixture: { longInfo(): unknown } }).__fixture.longInfo(),
                ih: innerHeight,
              })),
            ),
            JSON.stringify(await scroller(page, app.chatRow)),
            'stored',
            (await storedChats(app.platform)).length,
          );
        }
        const rec = (await record(app.platform))!;
        console.log(
          `${app.platform}: chats sweep ${rec.reason}, ${rec.steps} steps, ${rec.found} chats, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
        await expect.poll(async () => (await storedChats(app.platform)).length, { timeout: 20_000 }).toBe(2_000);
        const after = await scroller(page, app.chatRow);
        expect(Math.abs(after.scrollTop - before.scrollTop)).toBeLessThanOrEqual(2);
      });
    },
  );

  test('Read this chat, then Load older messages: 200 older messages arrive and the thread is put back', { timeout: 180_000 }, async () => {
    await timed(`${app.platform}: read this chat + load older`, async () => {
      await pacing({ stepDelayMs: 150, loadWaitMs: 3_000 });
      const long = (await storedChats(app.platform)).find((c) => c.title === LONG_CHAT)!;
      expect(long).toBeTruthy();
      // A chat with nothing read and not rendered in the app's list (a few hundred rows down): the
      // run looks for it down the list, as a person scrolls to find it.
      const withMessages = new Set((await storeRows<{ conversationId: string }>('messages')).map((m) => m.conversationId));
      const rendered = (await page.locator(app.chatRow).allTextContents()).join('\n');
      const empty = (await storedChats(app.platform)).find(
        (c) =>
          !withMessages.has(c.id) &&
          c.title !== LONG_CHAT &&
          !rendered.includes(c.title) &&
          (c.listRank ?? 0) >= 300 &&
          (c.listRank ?? 0) < 400,
      );
      expect(empty).toBeTruthy();

      await openConversation(ui, app, empty!.title);
      const prev = (await record(app.platform))?.runId;
      await ui.getByRole('button', { name: 'Read this chat' }).click();
      // The first use asks (once per profile: the platforms after the first find the answer kept).
      const ask = ui.getByRole('dialog').getByRole('button', { name: 'Open and read' });
      await expect
        .poll(async () => (await ask.isVisible()) || (await record(app.platform))?.runId !== prev, { timeout: 10_000 })
        .toBe(true);
      if (await ask.isVisible()) await ask.click();
      try {
        await expect
          .poll(async () => (await record(app.platform))?.runId !== prev && (await record(app.platform))?.state !== 'running', {
            timeout: 30_000,
          })
          .toBe(true);
      } finally {
        console.log(
          `${app.platform}: read this chat: ${JSON.stringify(await record(app.platform))}; status: ${await ui.locator('.thread-sweep [role="status"]').textContent()}`,
        );
      }
      await expect.poll(() => storedMessages(empty!.id), { timeout: 30_000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await record(app.platform))?.state, { timeout: 30_000 }).toBe('done');

      await ui.getByRole('button', { name: 'Back' }).click();
      await openConversation(ui, app, LONG_CHAT);
      const read = ui.getByRole('button', { name: 'Read this chat' });
      // The thread offers one or the other once it is drawn.
      await read
        .or(ui.getByRole('button', { name: 'Load older messages' }))
        .first()
        .waitFor();
      if (await read.isVisible()) {
        await read.click();
        await expect.poll(() => storedMessages(long.id), { timeout: 30_000 }).toBeGreaterThan(0);
        await expect.poll(async () => (await record(app.platform))?.state, { timeout: 30_000 }).toBe('done');
      }
      await page.waitForSelector(app.messageRow);
      await scroller(page, app.messageRow, { height: app.tall });
      // Where a person reading it stands: at the newest (the taller box can leave a virtual list
      // rendered for its old scroll position until it scrolls again).
      await page.waitForTimeout(300);
      await scroller(page, app.messageRow, { top: 1e7 });
      await page.waitForTimeout(1_000);
      const had = await storedMessages(long.id);
      const before = await scroller(page, app.messageRow, { anchor: 'new' });
      const olderPrev = (await record(app.platform))?.runId;
      await ui.getByRole('button', { name: 'Load older messages' }).click();
      await visible(ui.getByRole('progressbar', { name: 'Loading messages' }));
      const rec = await endedRun(app.platform, olderPrev, 120_000);
      console.log(`${app.platform}: older run ${JSON.stringify(rec)}`);
      console.log(`${app.platform}: older ${rec.reason}, ${rec.steps} steps, ${rec.found} messages`);
      expect(rec).toMatchObject({ kind: 'older', reason: 'end' });
      expect(rec.found).toBeGreaterThanOrEqual(200);
      await visible(ui.getByText(`${app.label}: ${rec.found.toLocaleString('en')} messages loaded.`));
      await expect.poll(() => storedMessages(long.id), { timeout: 20_000 }).toBeGreaterThanOrEqual(had + 200);
      const after = await scroller(page, app.messageRow);
      console.log(`${app.platform}: thread before the run`, JSON.stringify(before), 'after', JSON.stringify(after));
      if (after.anchorConnected) expect(Math.abs(after.anchorOffset - before.anchorOffset)).toBeLessThanOrEqual(2);
      else expect(Math.abs(after.fromBottom - before.fromBottom)).toBeLessThanOrEqual(2);
      await ui.close();
    });
  });

  test('Cancel stops a run within one step; the user scrolling the page stops it with the reason shown', { timeout: 90_000 }, async () => {
    await timed(`${app.platform}: cancel + user scroll`, async () => {
      // A person's pace here: "within one step" is measured against a step that takes a while.
      // 1.2 s: the top of a person's range, so the test's own latency (two browsers share the
      // machine's 2 cores in CI) stays well inside one step.
      await pacing({ stepDelayMs: 1_200, loadWaitMs: 3_000 });
      await scroller(page, app.chatRow, { top: 0 });
      ui = await openUi(app);
      let prev = (await record(app.platform))?.runId;
      await (await readChatsButton(ui, app)).click();
      await newRun(app.platform, prev, 3);
      const stepsAtCancel = (await record(app.platform))!.steps;
      await ui.getByRole('button', { name: 'Cancel' }).click();
      await hasText(inboxStatus(ui), `${app.label}: cancelled.`, 10_000);
      // The step under way when Cancel lands may finish; the stored record trails the page by up
      // to one report (it is written when the page reports a step), so at most one more on each count.
      expect((await record(app.platform))!.steps - stepsAtCancel).toBeLessThanOrEqual(2);

      prev = (await record(app.platform))?.runId;
      await (await readChatsButton(ui, app)).click();
      await newRun(app.platform, prev, 3);
      // The wheel over the middle of the list's visible part (its first rows in the DOM may be recycled ones above it).
      const box = await listViewport(page, app.chatRow);
      await page.bringToFront();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      // Counted right before the wheel: what the test itself took to get here is not the run's.
      const stepsAtWheel = (await record(app.platform))!.steps;
      await page.mouse.wheel(0, 300);
      await hasText(inboxStatus(ui), `${app.label}: stopped because you used the page.`, 10_000);
      expect((await record(app.platform))!.steps - stepsAtWheel).toBeLessThanOrEqual(1);
    });
  });

  test(
    'bad input: a list longer than the step cap ends at the cap, one that stops loading ends bounded, an error page ends it; each reason shown, the list put back',
    { timeout: 120_000 },
    async () => {
      await timed(`${app.platform}: bad input`, async () => {
        // A list the run cannot reach the end of: the cap ends it.
        await pacing({ stepDelayMs: 100, loadWaitMs: 1_500, maxSteps: 4 });
        await scroller(page, app.chatRow, { top: 700 });
        await page.waitForTimeout(300);
        let before = await scroller(page, app.chatRow);
        await (await readChatsButton(ui, app)).click();
        await hasText(inboxStatus(ui), `${app.label}: stopped after the most steps one run may take. Run it again to go on.`, 30_000);
        expect((await record(app.platform))!.steps).toBe(4);
        expect(Math.abs((await scroller(page, app.chatRow)).scrollTop - before.scrollTop)).toBeLessThanOrEqual(2);
        await page.close();

        // A list that stops loading (the spinner stays, nothing arrives).
        await pacing({ stepDelayMs: 100, loadWaitMs: 1_500 });
        page = await openApp(app, `${app.url}&longEnd=stall`);
        await scroller(page, app.chatRow, { top: 500 });
        await page.waitForTimeout(300);
        before = await scroller(page, app.chatRow);
        const t0 = Date.now();
        let prev = (await record(app.platform))?.runId;
        await (await readChatsButton(ui, app)).click();
        const stalled = await endedRun(app.platform, prev);
        console.log(
          `${app.platform}: stalled list ${stalled.reason} after ${stalled.steps} steps, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        );
        if (app.platform === 'whatsapp') {
          // WhatsApp shows no loading indicator the adapter can read (SWEEP_SEL.spinner): a list that
          // stopped loading looks like its end. Still bounded, still put back.
          expect(stalled).toMatchObject({ state: 'done', reason: 'end' });
        } else {
          expect(stalled).toMatchObject({ state: 'failed', reason: 'no-progress' });
          await hasText(inboxStatus(ui), `${app.label}: stopped because the page stopped loading more.`);
        }
        expect(Math.abs((await scroller(page, app.chatRow)).scrollTop - before.scrollTop)).toBeLessThanOrEqual(2);
        await page.close();

        // A page that turns into an error page mid-run.
        page = await openApp(app, `${app.url}&longEnd=error`);
        const url = page.url();
        prev = (await record(app.platform))?.runId;
        await (await readChatsButton(ui, app)).click();
        const failed = await endedRun(app.platform, prev);
        expect(failed).toMatchObject({ state: 'failed', reason: 'not-ready' });
        await hasText(inboxStatus(ui), `${app.label} is not ready (switched off, logged out, loading or not recognised).`);
        expect(page.url()).toBe(url);
        await page.close();
        await ui.close();
      });
    },
  );

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
