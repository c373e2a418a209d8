// Issue 4 in real browsers: two profiles (Alice's and Bob's Chromium, each with the extension)
// talk through one simulated messenger per platform. Each side opens the platform's fixture page;
// whatever Alice's page posts (its echo log) is injected into Bob's page as an incoming message in
// the same chat, and the other way round. Alice starts encryption, Bob accepts in his popup, both
// see the same safety number, and messages both ways show as plaintext in the popups. The pages'
// own logs (snoop: every keydown/beforeinput/input/paste they saw; echo: everything posted) and
// their whole DOM prove that no plaintext ever reached them.
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { findArmored, PLATFORM_PART_LIMITS } from '../../lib/crypto/armor';
import { launch, type Harness } from './harness';

let alice: Harness;
let bob: Harness;

beforeAll(async () => {
  // One after the other: two Chromiums starting at once are slow on two cores.
  alice = await launch();
  bob = await launch();
}, 90_000);
afterAll(async () => {
  await alice?.close();
  await bob?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Forwards every text `from` posts from now on into `to`'s chat `target`. Returns a stop function. */
async function relay(from: Page, to: Page, target: string): Promise<() => void> {
  const echoes = () => from.evaluate(() => window.__fixture.echoLog.map((e: { text: string }) => e.text) as string[]);
  let forwarded = (await echoes()).length;
  let stopped = false;
  void (async () => {
    while (!stopped) {
      const log = await echoes().catch(() => [] as string[]);
      for (; forwarded < log.length && !stopped; forwarded++) {
        await to.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), [target, log[forwarded]!] as const).catch(() => {});
      }
      await sleep(150);
    }
  })();
  return () => {
    stopped = true;
  };
}

async function openThread(h: Harness, title: string, platform: string): Promise<Page> {
  const p = await h.openPopup();
  const row = p
    .getByRole('list', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(title) })
    .filter({ hasText: platform });
  await expect.poll(() => row.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  await row.first().click();
  await p.getByRole('log', { name: new RegExp(title) }).waitFor();
  return p;
}

async function sendFromPopup(p: Page, text: string) {
  expect(await p.getByRole('switch', { name: 'Encrypt' }).getAttribute('aria-checked')).toBe('true');
  await p.getByRole('textbox', { name: 'Message' }).fill(text);
  await p.getByRole('button', { name: 'Send' }).click();
}

async function expectInLog(p: Page, title: string, text: string, timeout = 30_000) {
  const log = p.getByRole('log', { name: new RegExp(title) });
  const hit = log.getByRole('article').filter({ hasText: text.length > 60 ? text.slice(0, 60) : text });
  await expect.poll(() => hit.count(), { timeout }).toBeGreaterThan(0);
  const shown = (await hit.first().locator('p.text').textContent()) ?? '';
  expect(shown).toBe(text);
  expect(await hit.first().textContent()).toContain('Encrypted');
}

/** What the messenger page could see: its snoop and echo logs and its whole DOM. */
async function pageView(page: Page): Promise<{ snoop: string[]; echo: string[]; dom: string }> {
  const logs = await page.evaluate(() => {
    const f = window.__fixture;
    return { snoop: [...f.snoop] as string[], echo: f.echoLog.map((e: { text: string }) => e.text) as string[] };
  });
  return { ...logs, dom: await page.content() };
}

async function expectNoPlaintext(page: Page, secrets: string[]): Promise<string[]> {
  const seen = await pageView(page);
  // Not vacuous: the page did see our armored posts.
  expect(seen.echo.some((t) => t.startsWith('UIE1'))).toBe(true);
  expect(seen.snoop.some((t) => t.includes('UIE1'))).toBe(true);
  const everything = [...seen.snoop, ...seen.echo, seen.dom].join('\n');
  for (const s of secrets) {
    expect(everything).not.toContain(s);
    // Every secret carries unique marker words: not even one of them may show up.
    for (const word of s.match(/Qz[a-z0-9]+/g) ?? []) expect(everything).not.toContain(word);
  }
  return seen.echo;
}

/** A unique word that occurs nowhere else (fixtures, UI, armor alphabet has no 'z'+'Q' pair by chance). */
let markerCount = 0;
const marker = () => `Qz${Date.now().toString(36)}n${markerCount++}`;

/**
 * The whole flow on one platform: both pages open on the same chat, relayed to each other.
 * Returns the secrets exchanged so the snoop check can look for them.
 */
async function encryptedConversation(opts: {
  platform: string;
  url: string;
  title: string;
  /** How the fixture names the chat for addIncoming (title or thread id). */
  target: string;
  messages: { from: 'alice' | 'bob'; text: string }[];
}) {
  const aPage = await alice.openSite(opts.url);
  const bPage = await bob.openSite(opts.url);
  const stopAB = await relay(aPage, bPage, opts.target);
  const stopBA = await relay(bPage, aPage, opts.target);
  try {
    const aPop = await openThread(alice, opts.title, opts.platform);
    const bPop = await openThread(bob, opts.title, opts.platform);

    await aPop.getByRole('button', { name: 'Start encryption' }).click();
    await bPop.getByText(/wants to start an encrypted conversation/).waitFor({ timeout: 30_000 });
    await bPop.getByRole('button', { name: 'Accept' }).click();

    // Both extensions show the same 60-digit safety number.
    const number = (p: Page) => p.locator('[data-safety-number]').getAttribute('data-safety-number', { timeout: 30_000 });
    const [na, nb] = await Promise.all([number(aPop), number(bPop)]);
    expect(na).toMatch(/^\d{60}$/);
    expect(na).toBe(nb);

    for (const m of opts.messages) {
      const [from, to] = m.from === 'alice' ? [aPop, bPop] : [bPop, aPop];
      await sendFromPopup(from, m.text);
      await expectInLog(to, opts.title, m.text);
      await expectInLog(from, opts.title, m.text);
    }
    await aPop.close();
    await bPop.close();
    const secrets = opts.messages.map((m) => m.text);
    const posted = await expectNoPlaintext(aPage, secrets);
    await expectNoPlaintext(bPage, secrets);
    return posted;
  } finally {
    stopAB();
    stopBA();
    await aPage.close();
    await bPage.close();
  }
}

describe('end-to-end encryption between two profiles', () => {
  test('WhatsApp', async () => {
    await encryptedConversation({
      platform: 'WhatsApp',
      url: 'https://web.whatsapp.com/',
      title: 'Budi Santoso',
      target: 'Budi Santoso',
      messages: [
        { from: 'alice', text: `Rahasia pertama ${marker()}: kopi jam tiga di Menteng` },
        { from: 'bob', text: `Siap ${marker()}, sampai ketemu nanti sore` },
        { from: 'alice', text: `Bawakan dokumennya ${marker()} ya` },
        // Longer than WhatsApp shows before "Read more": goes as several short parts.
        { from: 'bob', text: Array.from({ length: 40 }, (_, i) => (i % 10 === 0 ? marker() : `baris${i} cukup panjang`)).join(' ') },
      ],
    });
  }, 120_000);

  test('Instagram, including a message over 1,000 characters', async () => {
    const thread = '17843120958812407';
    const long = Array.from({ length: 60 }, (_, i) => (i % 10 === 0 ? marker() : `kalimat${i} panjang sekali`)).join(' ');
    expect(long.length).toBeGreaterThan(1_000);
    const posted = await encryptedConversation({
      platform: 'Instagram',
      url: `https://www.instagram.com/direct/t/${thread}/`,
      title: 'Sari Wulandari',
      target: thread,
      messages: [
        { from: 'alice', text: long },
        { from: 'bob', text: `Sudah kubaca semuanya ${marker()}, terima kasih` },
      ],
    });
    // The long message went as several posts, each within Instagram's limit.
    const parts = posted.map((t) => findArmored(t).parts[0]).filter((p) => p && p.total > 1);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(parts.map((p) => p!.index)).size).toBe(parts[0]!.total);
    for (const t of posted) expect(t.length).toBeLessThanOrEqual(PLATFORM_PART_LIMITS.instagram);
  }, 120_000);

  test('Messenger', async () => {
    const thread = '100009912873344';
    await encryptedConversation({
      platform: 'Messenger',
      url: `https://www.facebook.com/messages/t/${thread}/`,
      title: 'Mark Thompson',
      target: thread,
      messages: [
        { from: 'alice', text: `Presentasinya kukirim malam ini ${marker()}` },
        { from: 'bob', text: `Mantap ${marker()}, ditunggu kabarnya` },
      ],
    });
  }, 120_000);

  test('passphrase lock in the real browser: set, lock, unlock; a restarted worker stays unlocked', async () => {
    const p = await openThread(bob, 'Mark Thompson', 'Messenger');
    const log = p.getByRole('log', { name: /Mark Thompson/ });
    const shown = log.getByRole('article').filter({ hasText: 'Presentasinya kukirim malam ini' });
    await expect.poll(() => shown.count(), { timeout: 10_000 }).toBe(1);
    // The encryption controls (safety number open, lock settings open) pass axe.
    await p.getByText('Encrypted conversation', { exact: false }).first().click();
    await p.getByText('Passphrase lock').click();
    for (const colorScheme of ['light', 'dark'] as const) {
      await p.emulateMedia({ colorScheme });
      const axe = await new AxeBuilder({ page: p }).analyze();
      expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
    await p.getByLabel('New passphrase').fill('teh manis hangat');
    await p.getByLabel('New passphrase').press('Enter'); // by keyboard
    // Setting it replaces the keys (issue 12 item 3): said before and after, axe-clean.
    await p.getByText(/Your encryption keys were replaced/).waitFor({ timeout: 15_000 });
    await p.getByRole('button', { name: 'Start encryption' }).waitFor();
    const axeAfter = await new AxeBuilder({ page: p }).analyze();
    expect(axeAfter.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await p.getByRole('button', { name: 'Lock now' }).click({ timeout: 15_000 });
    await p.getByLabel('Passphrase', { exact: true }).waitFor();
    await expect.poll(() => shown.count()).toBe(0);
    await p.getByLabel('Passphrase', { exact: true }).fill('teh manis hangat');
    await p.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => shown.count(), { timeout: 15_000 }).toBe(1);
    // The worker restarts; the unlocked key survives in session storage.
    await bob.stopServiceWorker();
    await p.reload();
    const again = await openThread(bob, 'Mark Thompson', 'Messenger');
    await expect
      .poll(
        () =>
          again
            .getByRole('log', { name: /Mark Thompson/ })
            .getByRole('article')
            .filter({ hasText: 'Presentasinya kukirim malam ini' })
            .count(),
        {
          timeout: 15_000,
        },
      )
      .toBe(1);
    expect(await again.getByRole('button', { name: 'Unlock' }).count()).toBe(0);
    await again.close();
    await p.close();
  }, 60_000);

  test('an init where Alice never invited asks first (axe, keyboard); a transplanted ciphertext shows "not from this chat"', async () => {
    // Alice invites in her chat "Sarah Johnson"; Bob's page shows it in his "Sarah Johnson", and
    // what Bob's page posts lands in Alice's chat "Dewi Lestari", where she never invited.
    const aPage = await alice.openSite('https://web.whatsapp.com/');
    const bPage = await bob.openSite('https://web.whatsapp.com/');
    const openChat = (p: Page, title: string) => p.evaluate((t) => window.__fixture.openChat(t), title);
    await openChat(aPage, 'Sarah Johnson');
    await openChat(bPage, 'Sarah Johnson');
    const stopAB = await relay(aPage, bPage, 'Sarah Johnson');
    const stopBA = await relay(bPage, aPage, 'Dewi Lestari');
    try {
      const aSarah = await openThread(alice, 'Sarah Johnson', 'WhatsApp');
      await aSarah.getByRole('button', { name: 'Start encryption' }).click();
      await aSarah.getByText(/Invitation sent/).waitFor({ timeout: 30_000 });
      await aSarah.close();
      await openChat(aPage, 'Dewi Lestari');

      const bSarah = await openThread(bob, 'Sarah Johnson', 'WhatsApp');
      await bSarah.getByText(/wants to start an encrypted conversation/).waitFor({ timeout: 30_000 });
      await bSarah.getByRole('button', { name: 'Accept' }).click();
      await bSarah.locator('[data-safety-number]').waitFor({ state: 'attached', timeout: 30_000 });
      await bSarah.close();

      // Alice is asked; nothing is set up before she answers.
      const aDewi = await openThread(alice, 'Dewi Lestari', 'WhatsApp');
      const request = aDewi.getByRole('group', { name: 'Request to set up encryption' });
      await request.waitFor({ timeout: 30_000 });
      expect(await request.textContent()).toContain('Dewi Lestari wants to set up encryption.');
      expect(await aDewi.locator('[data-safety-number]').count()).toBe(0);
      expect(await aDewi.getByRole('switch', { name: 'Encrypt' }).count()).toBe(0);
      for (const colorScheme of ['light', 'dark'] as const) {
        await aDewi.emulateMedia({ colorScheme });
        const axe = await new AxeBuilder({ page: aDewi }).analyze();
        expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      }
      // Keyboard: the Accept button takes focus and Enter answers.
      const accept = request.getByRole('button', { name: 'Accept' });
      await accept.focus();
      await aDewi.keyboard.press('Enter');
      await aDewi.locator('[data-safety-number]').waitFor({ state: 'attached', timeout: 30_000 });
      await aDewi.close();

      // The page copies Bob's init (read in "Dewi Lestari") into Alice's "Sarah Johnson".
      const init = (await bPage.evaluate(() => window.__fixture.echoLog.map((e: { text: string }) => e.text) as string[])).at(-1)!;
      expect(init.startsWith('UIE1')).toBe(true);
      await openChat(aPage, 'Sarah Johnson');
      await aPage.evaluate(([t, s]) => window.__fixture.addIncoming(t, s), ['Sarah Johnson', init] as const);
      const aSarah2 = await openThread(alice, 'Sarah Johnson', 'WhatsApp');
      const mark = aSarah2.getByRole('log', { name: /Sarah Johnson/ }).getByText(/Modified or not from this chat/);
      await mark.first().waitFor({ timeout: 30_000 });
      for (const colorScheme of ['light', 'dark'] as const) {
        await aSarah2.emulateMedia({ colorScheme });
        const axe = await new AxeBuilder({ page: aSarah2 }).analyze();
        expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      }
      // No session was set up there either.
      expect(await aSarah2.locator('[data-safety-number]').count()).toBe(0);
      await aSarah2.close();
    } finally {
      stopAB();
      stopBA();
      await aPage.close();
      await bPage.close();
    }
  }, 150_000);

  test('no request left either machine', () => {
    expect(alice.blocked).toEqual([]);
    expect(bob.blocked).toEqual([]);
  });
});
