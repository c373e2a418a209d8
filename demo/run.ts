// npm run demo: the extension with the three messengers simulated by the project's own fixture
// pages (the same ones the tests use), served at their real origins.
// With a display: a browser window to try it by hand. Without one: walks the path itself, saves
// screenshots to demo/out/ and exits 0 only if every step worked.
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, ROOT, type Harness } from '../tests/e2e/harness';

const OUT = join(ROOT, 'demo/out');
const SITES = [
  { name: 'whatsapp', url: 'https://web.whatsapp.com/', ready: '#pane-side [role="grid"]' },
  { name: 'instagram', url: 'https://www.instagram.com/direct/inbox/', ready: 'a[href^="/direct/t/"]' },
  { name: 'messenger', url: 'https://www.facebook.com/messages/', ready: 'a[href*="/messages/"]' },
];

const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.env.CI && !process.argv.includes('--headless');

async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    const r = await fn();
    console.log(`  ✓ ${name} (${Date.now() - t0} ms)`);
    return r;
  } catch (e) {
    console.log(`  ✗ ${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    throw e;
  }
}

async function shot(page: Page, name: string): Promise<string> {
  const file = join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  return relative(process.cwd(), file);
}

async function openSites(h: Harness): Promise<Page[]> {
  const pages: Page[] = [];
  for (const s of SITES) {
    pages.push(
      await step(`open simulated ${s.name} at ${s.url}`, async () => {
        const p = await h.openSite(s.url);
        await p.waitForSelector(s.ready, { timeout: 15_000 });
        return p;
      }),
    );
  }
  return pages;
}

async function walk(h: Harness): Promise<string[]> {
  mkdirSync(OUT, { recursive: true });
  const files: string[] = [];
  const pages = await openSites(h);
  for (const [i, p] of pages.entries()) files.push(await shot(p, `page-${SITES[i]!.name}`));

  const popup = await h.openPopup();
  await popup.setViewportSize({ width: 400, height: 600 });
  const list = popup.getByRole('list', { name: 'Conversations' });
  await step('popup shows the merged inbox (all three platforms)', async () => {
    for (const label of ['WhatsApp', 'Instagram', 'Messenger']) {
      await list.getByRole('listitem').filter({ hasText: label }).first().waitFor({ timeout: 20_000 });
    }
  });
  files.push(await shot(popup, 'popup-inbox'));

  for (const label of ['WhatsApp', 'Instagram', 'Messenger']) {
    await step(`reply on ${label} from the popup and see it Sent`, async () => {
      await list.getByRole('listitem').filter({ hasText: label }).first().getByRole('button').first().click();
      // A chat the page has not shown yet has no messages stored; replying still works (the page
      // opens that chat first), so only the thread view itself is waited for.
      const log = popup.getByRole('log');
      await log.waitFor({ timeout: 10_000 });
      const text = `Halo dari Unified Inbox (${label})`;
      await popup.getByRole('textbox', { name: 'Message' }).fill(text);
      await popup.getByRole('button', { name: 'Send' }).click();
      const mine = log.getByRole('article').filter({ hasText: text }).last();
      await mine.filter({ hasText: 'Sent' }).waitFor({ timeout: 20_000 });
      files.push(await shot(popup, `popup-thread-${label.toLowerCase()}`));
      await popup.getByRole('button', { name: 'Back' }).click();
    });
  }
  for (const [i, p] of pages.entries()) files.push(await shot(p, `page-${SITES[i]!.name}-after-reply`));

  const panel = await step('side panel shows the same inbox', async () => {
    const p = await h.openPopup('sidepanel.html');
    await p.setViewportSize({ width: 420, height: 900 });
    await p.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().waitFor({ timeout: 10_000 });
    return p;
  }).catch(() => null);
  if (panel) files.push(await shot(panel, 'sidepanel'));
  return files;
}

async function main(): Promise<void> {
  const h = await launch({ headless: !headed });
  if (headed) {
    await openSites(h);
    await h.openPopup();
    console.log(
      '\nThe browser is open with Unified Inbox loaded and the three simulated messengers in tabs.\n' +
        'Click the toolbar icon (puzzle piece → Unified Inbox) to see the inbox; close the window to end.',
    );
    await new Promise<void>((done) => h.context.on('close', () => done()));
    return;
  }
  let ok = false;
  try {
    console.log('Unified Inbox demo (headless): walking the path');
    const files = await walk(h);
    console.log(`\nScreenshots in ${relative(process.cwd(), OUT)}/:\n${files.map((f) => `  ${f}`).join('\n')}`);
    ok = true;
  } catch {
    console.log('\nThe demo did not complete.');
  } finally {
    await h.close();
  }
  process.exit(ok ? 0 : 1);
}

void main();
