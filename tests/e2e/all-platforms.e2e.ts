// All three messengers open at once: one inbox, merged and ordered newest first across platforms,
// and each platform's page state (logged out, PIN screen, unknown layout) shown in the popup.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';

let h: Harness;
const pages: Record<'wa' | 'ig' | 'fb', Page> = {} as never;

beforeAll(async () => {
  h = await launch();
  pages.wa = await h.openSite('https://web.whatsapp.com/');
  pages.ig = await h.openSite('https://www.instagram.com/direct/inbox/');
  pages.fb = await h.openSite('https://www.facebook.com/messages/t/100004873215509/');
});
afterAll(async () => {
  await h?.close();
});

async function rows(p: Page): Promise<string[]> {
  return p.getByRole('list', { name: 'Conversations' }).getByRole('listitem').allTextContents();
}

describe('three messengers in one inbox', () => {
  test('the inbox holds every platform, interleaved by time rather than grouped by platform', async () => {
    const p = await h.openPopup();
    await expect
      .poll(
        async () => {
          const r = await rows(p);
          return ['WhatsApp', 'Instagram', 'Messenger'].every((l) => r.some((t) => t.includes(l)));
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    const platformOf = (t: string) => /WhatsApp|Instagram|Messenger/.exec(t)![0];
    const order = (await rows(p)).map(platformOf);
    // Grouped would switch platform twice at most; merged by time switches more.
    const switches = order.filter((pl, i) => i > 0 && pl !== order[i - 1]).length;
    expect(switches).toBeGreaterThan(2);
    await p.close();
  });

  test('new messages on each platform move their chats to the top, newest first across platforms', async () => {
    const p = await h.openPopup();
    await p.getByRole('list', { name: 'Conversations' }).getByRole('listitem').first().waitFor();
    const arrivals: [Page, string, string][] = [
      [pages.ig, 'Sari Wulandari', 'Instagram'],
      [pages.fb, 'Keluarga Santoso', 'Messenger'],
      [pages.wa, 'Sarah Johnson', 'WhatsApp'],
    ];
    for (const [page, title, label] of arrivals) {
      await page.evaluate(([t, text]) => window.__fixture.addIncoming(t, text), [title, `Kabar terbaru untuk ${title}`] as const);
      // Each arrival is seen before the next one happens (all within the same minute).
      await expect.poll(async () => (await rows(p))[0] ?? '', { timeout: 15_000 }).toContain(title);
      expect((await rows(p))[0]).toContain(label);
    }
    const top = (await rows(p)).slice(0, 3);
    expect(top[0]).toContain('Sarah Johnson');
    expect(top[1]).toContain('Keluarga Santoso');
    expect(top[2]).toContain('Sari Wulandari');
    await p.close();
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});

describe('page states are shown per platform', () => {
  let h2: Harness;
  beforeAll(async () => {
    h2 = await launch();
  });
  afterAll(async () => {
    await h2?.close();
  });

  test("logged out, unknown layout and the PIN screen each show as that platform's state; nothing bogus is listed", async () => {
    await h2.openSite('https://web.whatsapp.com/?state=qr');
    await h2.openSite('https://www.instagram.com/direct/inbox/?state=unknown');
    await h2.openSite('https://www.facebook.com/messages/e2ee/t/6281937405518826/?state=pin');
    const p = await h2.openPopup();
    const status = p.getByRole('list', { name: 'Platform status' });
    await expect
      .poll(() => status.getByRole('status').filter({ hasText: 'WhatsApp' }).textContent(), { timeout: 15_000 })
      .toMatch(/not logged in/);
    await expect.poll(() => status.getByRole('status').filter({ hasText: 'Instagram' }).textContent()).toMatch(/not recognised/);
    await expect.poll(() => status.getByRole('status').filter({ hasText: 'Messenger' }).textContent()).toMatch(/PIN/);
    // No WhatsApp or Instagram chat was invented from a page we could not read.
    const listed = await rows(p);
    expect(listed.filter((t) => /WhatsApp|Instagram/.test(t))).toEqual([]);
    await p.close();
  });
});
