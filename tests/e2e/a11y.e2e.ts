// Accessibility in a real browser: axe-core finds no violations in the popup (inbox and an open
// thread), the side panel (with a thread beside the list) and the options page, in the light and
// the dark colour scheme, with real data from the three fixture pages.
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
const BUDI = 'Budi Santoso';

beforeAll(async () => {
  h = await launch();
  const wa = await h.openSite('https://web.whatsapp.com/');
  await wa.waitForSelector('#pane-side [role="grid"]');
  await h.openSite('https://www.instagram.com/direct/t/17842064415169224/');
  await h.openSite('https://www.facebook.com/messages/t/100070031122846/');
});
afterAll(async () => {
  await h?.close();
});

/** Violations as short readable lines (rule, impact, where), so a failure says what to fix. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`),
  );
}

/** The page really is in that scheme (so the contrast checks ran on its colours). */
async function expectScheme(p: Page, scheme: 'light' | 'dark'): Promise<void> {
  const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).toBe(scheme === 'dark' ? 'rgb(23, 24, 27)' : 'rgb(255, 255, 255)');
}

async function inbox(page: string, scheme: 'light' | 'dark'): Promise<Page> {
  const p = await h.openPopup(page);
  await p.emulateMedia({ colorScheme: scheme });
  await expectScheme(p, scheme);
  const rows = p.getByRole('list', { name: 'Conversations' }).getByRole('listitem');
  await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(10);
  return p;
}

async function openBudi(p: Page): Promise<void> {
  await p.getByRole('searchbox', { name: 'Search' }).fill(BUDI);
  await p
    .getByRole('list', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(BUDI) })
    .first()
    .click();
  const log = p.getByRole('log', { name: `Conversation with ${BUDI}` });
  await log.waitFor();
  await expect.poll(() => log.getByRole('article').count(), { timeout: 10_000 }).toBeGreaterThan(2);
}

for (const scheme of ['light', 'dark'] as const) {
  describe(`no accessibility violations (${scheme})`, () => {
    test('popup: inbox, search results and an open thread', async () => {
      const p = await inbox('popup.html', scheme);
      expect(await violations(p)).toEqual([]);
      await p.getByRole('searchbox', { name: 'Search' }).fill('sampai');
      await p.getByRole('list', { name: 'Search results' }).waitFor();
      expect(await violations(p)).toEqual([]);
      await openBudi(p);
      expect(await violations(p)).toEqual([]);
      await p.close();
    });

    test('side panel: list and thread side by side, people linking open', async () => {
      const p = await inbox('sidepanel.html', scheme);
      expect(await violations(p)).toEqual([]);
      await openBudi(p);
      await p.getByRole('button', { name: 'Link to…' }).click();
      expect(await violations(p)).toEqual([]);
      await p.close();
    });

    test('options page, and its delete confirmation', async () => {
      const p = await h.openPopup('options.html');
      await p.emulateMedia({ colorScheme: scheme });
      await expectScheme(p, scheme);
      await p.getByRole('checkbox', { name: 'Read WhatsApp' }).waitFor();
      expect(await violations(p)).toEqual([]);
      await p.getByRole('button', { name: 'Delete all data' }).click();
      await p.getByRole('alertdialog', { name: 'Delete all data?' }).waitFor();
      expect(await violations(p)).toEqual([]);
      await p.getByRole('button', { name: 'Cancel' }).click();
      await p.close();
    });
  });
}
