// The layout report in a real browser: an Instagram page whose layout the adapter does not
// recognise sends its structure with the health; the popup and Settings offer it as a "Layout
// report" dialog (axe-clean, Escape closes, focus returns, Copy fills the clipboard), and no word
// of the page is in it.
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
let ig: Page;

beforeAll(async () => {
  h = await launch();
  ig = await h.openSite('https://www.instagram.com/direct/inbox/?state=unknown');
});
afterAll(async () => {
  await h?.close();
});

/** Every word of the page of 3+ characters: its text and its labels. */
async function pageWords(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const out = new Set<string>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = (n.nodeValue ?? '').trim();
      if (t.length >= 3) out.add(t);
    }
    document.body.querySelectorAll('[aria-label], [title], [alt], [placeholder]').forEach((el) => {
      for (const a of ['aria-label', 'title', 'alt', 'placeholder']) {
        const v = (el.getAttribute(a) ?? '').trim();
        if (v.length >= 3) out.add(v);
      }
    });
    return [...out];
  });
}

async function openDialog(p: Page) {
  const button = p.getByRole('button', { name: 'Layout report' });
  await button.waitFor({ timeout: 20_000 });
  await button.click();
  const dialog = p.getByRole('dialog', { name: 'Layout report' });
  await dialog.waitFor();
  return { button, dialog };
}

describe('layout report', () => {
  test("popup: the dialog shows the structure, none of the page's words, and is keyboard- and axe-clean", async () => {
    const p = await h.openPopup();
    const { button, dialog } = await openDialog(p);
    const report = (await dialog.getByRole('region', { name: 'Layout report' }).textContent()) ?? '';
    expect(report).toMatch(/^Unified Inbox layout report/);
    expect(report).toContain('platform: instagram');
    expect(report).toContain('state: layout-unknown');
    expect(report).toMatch(/\n {2}threadLink: \d+\n/);
    const words = await pageWords(ig);
    expect(words.length).toBeGreaterThan(10);
    expect(words.filter((w) => report.includes(w))).toEqual([]);

    const axe = await new AxeBuilder({ page: p }).analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);

    // What reaches the clipboard (reading it back needs a permission extension pages cannot be granted here).
    await p.evaluate(() => {
      const w = window as unknown as { copied: string | null };
      w.copied = null;
      const write = navigator.clipboard.writeText.bind(navigator.clipboard);
      navigator.clipboard.writeText = (t: string) => write(t).then(() => void (w.copied = t));
    });
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => dialog.getByRole('status').textContent()).toBe('Copied');
    expect(await p.evaluate(() => (window as unknown as { copied: string | null }).copied)).toBe(report);

    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
    await p.close();
  });

  test('Settings: the platform status lists it too', async () => {
    const p = await h.openPopup('options.html');
    const section = p.getByRole('region', { name: 'Platform status' });
    await expect.poll(() => section.textContent(), { timeout: 15_000 }).toMatch(/Instagram: page layout not recognised/);
    const { dialog } = await openDialog(p);
    expect(await dialog.getByRole('region', { name: 'Layout report' }).textContent()).toContain('platform: instagram');
    const axe = await new AxeBuilder({ page: p }).analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
    await p.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await p.close();
  });
});
