// The inbox features of issue 5 in a real browser, driven through the three fixture pages (content
// scripts → service worker → IndexedDB): the side panel page stays live; search finds a message on
// each platform, diacritics- and case-insensitive, by word prefix (Indonesian text); a result
// opens the thread at the message; linking two conversations shows one merged timeline.
// Budi Santoso exists on all three fixtures: WhatsApp's first (open) chat, Instagram thread
// 17842064415169224 and Messenger thread 100070031122846.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let wa: Page;
let ig: Page;
let ms: Page;
let panel: Page;
/** A word no fixture contains, so queries ANDed with it match only what this run added. */
const TAG = `zq${Date.now().toString(36)}`;
const BUDI = 'Budi Santoso';

beforeAll(async () => {
  h = await launch();
  wa = await h.openSite('https://web.whatsapp.com/');
  await wa.waitForSelector('#pane-side [role="grid"]');
  ig = await h.openSite('https://www.instagram.com/direct/t/17842064415169224/');
  ms = await h.openSite('https://www.facebook.com/messages/t/100070031122846/');
  panel = await h.openPopup('sidepanel.html');
  await panel.getByRole('list', { name: 'Conversations' }).waitFor();
});
afterAll(async () => {
  await h?.close();
});

const conversations = (p: Page): Locator => p.getByRole('list', { name: 'Conversations' });
const search = (p: Page): Locator => p.getByRole('searchbox', { name: 'Search' });
const results = (p: Page): Locator => p.getByRole('list', { name: 'Search results' }).getByRole('listitem');

/** The row of Budi's conversation on one platform (the list is narrowed by a search first). */
async function budiRow(p: Page, platform: string): Promise<Locator> {
  await search(p).fill(BUDI);
  const row = conversations(p).getByRole('listitem').filter({ hasText: platform }).filter({ hasText: BUDI });
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  return row.first().getByRole('button');
}

describe('inbox features', () => {
  test('the side panel page lists every platform and updates live while open', async () => {
    for (const platform of ['WhatsApp', 'Instagram', 'Messenger']) await budiRow(panel, platform);
    await (await budiRow(panel, 'WhatsApp')).click();
    const log = panel.getByRole('log', { name: `Conversation with ${BUDI}` });
    await log.waitFor();
    const text = `Kabar terbaru dari panel ${TAG}`;
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), [BUDI, text] as const);
    // No reload: the open thread and the list follow the store.
    await expect.poll(() => log.getByRole('article').filter({ hasText: text }).count(), { timeout: 20_000 }).toBe(1);
    await panel.keyboard.press('Escape');
    await expect.poll(() => panel.getByRole('log').count()).toBe(0);
  });

  test('search finds a message on each platform, ignoring case and diacritics, by word prefix', async () => {
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), [BUDI, `Sampai jumpa, ngopí dulu: kopí hitam ${TAG}`] as const);
    await ig.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), [
      '17842064415169224',
      `Kopi susu dulu, sampai jumpa ${TAG}`,
    ] as const);
    await ms.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), ['100070031122846', `KÓPI TUBRUK lalu sampai jumpa ${TAG}`] as const);

    // Matching is by word prefix: "kopi" finds "kopí" but not the derived word "ngopí".
    await search(panel).fill(`ngopi ${TAG}`);
    await expect.poll(() => results(panel).count(), { timeout: 20_000 }).toBe(1);
    await search(panel).fill(`kopi ${TAG}`);
    await expect.poll(() => results(panel).count(), { timeout: 20_000 }).toBe(3);
    for (const platform of ['WhatsApp', 'Instagram', 'Messenger']) {
      expect(await results(panel).filter({ hasText: platform }).count()).toBe(1);
    }
    // Query with accents, result without (and the other way round); a word prefix, ANDed.
    await search(panel).fill(`KÔPÍ ${TAG.toUpperCase()}`);
    await expect.poll(() => results(panel).count()).toBe(3);
    await search(panel).fill(`sampai jump ${TAG}`);
    await expect.poll(() => results(panel).count()).toBe(3);
    await search(panel).fill(`tubruk ${TAG}`);
    await expect.poll(() => results(panel).count()).toBe(1);
    expect(await results(panel).first().textContent()).toContain('Messenger');

    // A result opens its thread at that message.
    await results(panel).first().getByRole('button').click();
    const log = panel.getByRole('log', { name: `Conversation with ${BUDI}` });
    await log.waitFor();
    const current = log.locator('article[aria-current="true"]');
    await expect.poll(() => current.textContent()).toContain(`KÓPI TUBRUK lalu sampai jumpa ${TAG}`);
    await panel.keyboard.press('Escape');

    // An open search follows the store: a matching message the worker stores joins the results
    // without the query being typed again (lib/store/search-live.ts, across contexts).
    await search(panel).fill(`tubruk ${TAG}`);
    await expect.poll(() => results(panel).count()).toBe(1);
    await wa.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), [BUDI, `Tubruk juga boleh ${TAG}`] as const);
    await expect.poll(() => results(panel).count(), { timeout: 20_000 }).toBe(2);
    expect(await results(panel).first().textContent()).toContain('WhatsApp');
    await search(panel).fill('');
  });

  test('linking two conversations shows one timeline marked by platform; Undo separates them', async () => {
    await (await budiRow(panel, 'WhatsApp')).click();
    const log = panel.getByRole('log', { name: `Conversation with ${BUDI}` });
    await log.waitFor();
    await panel.getByRole('button', { name: 'Link to…' }).click();
    await panel.getByRole('button', { name: `Accept: link ${BUDI} (Instagram)` }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: `Linked to ${BUDI}.` })
      .waitFor();

    // One log with both platforms' messages, each marked with its platform.
    const fromIg = log.getByRole('article').filter({ hasText: `Kopi susu dulu, sampai jumpa ${TAG}` });
    const fromWa = log.getByRole('article').filter({ hasText: `Sampai jumpa, ngopí dulu: kopí hitam ${TAG}` });
    await expect.poll(() => fromIg.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => fromWa.count(), { timeout: 10_000 }).toBe(1);
    expect(await fromIg.textContent()).toContain('Instagram');
    expect(await fromWa.textContent()).toContain('WhatsApp');
    const via = panel.getByRole('combobox', { name: 'Send via' });
    expect(await via.locator('option').allTextContents()).toEqual(['Instagram', 'WhatsApp']);

    // Undo: back to the WhatsApp conversation alone, its message on screen throughout, and every
    // state of the log on the way whole: both messages marked by platform, or WhatsApp's alone and
    // unmarked. (The view reads person, links and messages as one snapshot; read apart, the log
    // said "No messages read yet." for a moment, or showed the merged messages unmarked.)
    await panel.evaluate(
      ({ wa, ig }) => {
        const w = window as unknown as { __torn: string[]; __waWatch: MutationObserver };
        w.__torn = [];
        w.__waWatch = new MutationObserver(() => {
          const log = document.querySelector('[role="log"]');
          const articles = Array.from(log?.querySelectorAll('article, [role="article"]') ?? []);
          const find = (text: string) => articles.find((a) => a.textContent?.includes(text));
          const [waMsg, igMsg] = [find(wa), find(ig)];
          const marked = (a: Element | undefined) => !!a?.querySelector('.platform');
          const whole = igMsg ? !!waMsg && marked(waMsg) && marked(igMsg) : !!waMsg && !marked(waMsg);
          if (!whole) w.__torn.push(log?.textContent?.slice(0, 120) ?? 'no log');
        });
        w.__waWatch.observe(document.body, { subtree: true, childList: true, characterData: true });
      },
      { wa: `Sampai jumpa, ngopí dulu: kopí hitam ${TAG}`, ig: `Kopi susu dulu, sampai jumpa ${TAG}` },
    );
    await panel.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => fromIg.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => panel.getByRole('combobox', { name: 'Send via' }).count(), { timeout: 10_000 }).toBe(0);
    expect(await fromWa.count()).toBe(1);
    const torn = await panel.evaluate(() => {
      const w = window as unknown as { __torn: string[]; __waWatch: MutationObserver };
      w.__waWatch.disconnect();
      return w.__torn;
    });
    expect(torn, 'the log in a state no snapshot of the store has, as it read then').toEqual([]);
  });

  test('keyboard: / focuses search, j/k move, Enter opens, Escape goes back', async () => {
    await panel.keyboard.press('Escape');
    await panel.locator('body').click({ position: { x: 5, y: 5 } });
    await panel.keyboard.press('/');
    await expect.poll(() => panel.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('searchbox');
    await search(panel).fill(BUDI);
    await panel.keyboard.press('ArrowDown');
    await panel.keyboard.press('j');
    await panel.keyboard.press('k');
    const focused = await panel.evaluate(() => document.activeElement?.textContent ?? '');
    expect(focused).toContain(BUDI);
    await panel.keyboard.press('Enter');
    await panel.getByRole('log').waitFor();
    await panel.keyboard.press('Escape');
    await expect.poll(() => panel.getByRole('log').count()).toBe(0);
  });

  test('the popup paints its newest rows before the app has loaded, and nothing moves when the app takes over', async () => {
    // Each <main> put into #app (the early script's frame, then the app's) is measured in the frame
    // that shows it: the rows' text and boxes, and how many frames had passed.
    const popup = await h.context.newPage();
    await popup.addInitScript(() => {
      const w = window as unknown as { __frames: number; __mains: { frame: number; rows: string[]; boxes: string[] }[] };
      w.__frames = 0;
      w.__mains = [];
      const tick = () => {
        w.__frames++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes)
            if (n instanceof HTMLElement && n.tagName === 'MAIN' && n.parentElement?.id === 'app')
              requestAnimationFrame(() => {
                const parts = [...n.querySelectorAll('h1, input[type=search], li[aria-posinset] > button')].slice(0, 8);
                w.__mains.push({
                  frame: w.__frames,
                  rows: [...n.querySelectorAll('li[aria-posinset]')].slice(0, 6).map((li) => li.textContent ?? ''),
                  boxes: parts.map((e) => JSON.stringify(e.getBoundingClientRect())),
                });
              });
      }).observe(document, { subtree: true, childList: true });
    });
    await popup.goto(`chrome-extension://${h.extensionId}/popup.html`);
    await conversations(popup).getByRole('listitem').first().waitFor();
    await expect.poll(() => popup.evaluate(() => (window as unknown as { __mains: unknown[] }).__mains.length)).toBe(2);
    const [early, app] = await popup.evaluate(
      () => (window as unknown as { __mains: { frame: number; rows: string[]; boxes: string[] }[] }).__mains,
    );
    expect(early!.rows.length).toBeGreaterThanOrEqual(3);
    expect(early!.rows.join(' ')).toContain(BUDI);
    expect(app!.rows).toEqual(early!.rows);
    expect(app!.boxes).toEqual(early!.boxes);
    expect(app!.frame).toBeGreaterThan(early!.frame); // the early frame was on screen first
    await popup.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});
