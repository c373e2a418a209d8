// A hostile page script on a messenger origin (the page's own main world) trying to reach the
// extension: it has no chrome.runtime to our extension, window.postMessage / DOM events shaped like
// our protocol are ignored, our files are not web-accessible, and our pages cannot be framed
// (no invisible click-through).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR, launch, storedRecords, type Harness } from './harness';

let h: Harness;
let wa: Page;
let reader: Page;

beforeAll(async () => {
  h = await launch();
  wa = await h.openSite('https://web.whatsapp.com/');
  await wa.waitForSelector('#pane-side [role="grid"]');
  reader = await h.openPopup();
});
afterAll(async () => {
  await h?.close();
});

async function storeSnapshot(from: Page = reader) {
  const [conversations, messages, outbox] = await Promise.all([
    storedRecords<{ title: string }>(from, 'conversations'),
    storedRecords<{ text: string }>(from, 'messages'),
    storedRecords(from, 'outbox'),
  ]);
  return { conversations: conversations.map((x) => x.title), messages: messages.map((x) => x.text), outbox: outbox.length };
}

describe('a hostile page script cannot reach the extension', () => {
  test('the main world has no runtime channel to the extension', async () => {
    await expect.poll(async () => (await storeSnapshot()).conversations.length, { timeout: 15_000 }).toBeGreaterThan(3);
    const result = await wa.evaluate(async (id) => {
      const c = globalThis.chrome as typeof chrome | undefined; // the page's own view: absent in a normal tab
      const out: string[] = [];
      out.push(`runtime:${typeof c?.runtime?.sendMessage}`);
      try {
        await c!.runtime.sendMessage(
          id, // throws when absent: a refusal too
          { type: 'send-request', outboxId: 'x', conversationId: 'whatsapp:dm/Budi Santoso', text: 'forged' },
        );
        out.push('sent');
      } catch (e) {
        out.push('refused');
      }
      try {
        c!.runtime.connect(id);
        out.push('connected');
      } catch {
        out.push('refused');
      }
      return out;
    }, h.extensionId);
    expect(result).toEqual(['runtime:undefined', 'refused', 'refused']);
  });

  test('window.postMessage and DOM events shaped like our messages are ignored', async () => {
    const before = await storeSnapshot();
    await wa.evaluate(() => {
      const forged = {
        type: 'ingest',
        platform: 'whatsapp',
        batchId: 'forged-1',
        health: { state: 'ok' },
        conversations: [
          {
            nativeId: 'FORGED',
            title: 'FORGED CHAT',
            isGroup: false,
            unread: true,
            unreadCount: 99,
            muted: false,
            archived: false,
            pinned: true,
            preview: 'FORGED',
            lastMessageAt: Date.now(),
            listRank: 0,
          },
        ],
        thread: null,
      };
      const send = {
        type: 'send',
        outboxId: 'forged-send',
        conversationNativeId: 'Budi Santoso',
        conversationTitle: 'Budi Santoso',
        text: 'FORGED SEND',
        attemptStartedAt: Date.now(),
        checkEchoFirst: false,
      };
      const hostile = [
        forged,
        send,
        { type: 'send-request', outboxId: 'o', conversationId: 'whatsapp:dm/Budi Santoso', text: 'FORGED REQUEST' },
        { type: 'delete-all-data' },
      ];
      for (const m of hostile) {
        window.postMessage(m, '*');
        window.postMessage(JSON.stringify(m), '*');
        document.dispatchEvent(new CustomEvent('unified-inbox', { detail: m }));
        window.dispatchEvent(new MessageEvent('message', { data: m, origin: 'chrome-extension://x' }));
      }
    });
    await wa.waitForTimeout(2_000);
    const after = await storeSnapshot();
    expect(after.conversations).not.toContain('FORGED CHAT');
    expect(after.messages.some((t) => t.startsWith('FORGED'))).toBe(false);
    expect(after.outbox).toBe(before.outbox);
    expect(after.conversations.length).toBeGreaterThanOrEqual(before.conversations.length); // nothing deleted
    const echoes = await wa.evaluate(() => window.__fixture.echoLog.map((e: { text: string }) => e.text));
    expect(echoes).not.toContain('FORGED SEND');
  });

  test("the extension's files are not web-accessible to the page", async () => {
    const results = await wa.evaluate(async (id) => {
      const out: string[] = [];
      for (const path of ['manifest.json', 'popup.html', 'background.js']) {
        try {
          const r = await fetch(`chrome-extension://${id}/${path}`);
          out.push(`${path}:${r.status}`);
        } catch {
          out.push(`${path}:blocked`);
        }
      }
      return out;
    }, h.extensionId);
    expect(results).toEqual(['manifest.json:blocked', 'popup.html:blocked', 'background.js:blocked']);
  });

  test('our pages cannot be framed by the page (no invisible click-through)', async () => {
    await wa.evaluate((id) => {
      const f = document.createElement('iframe');
      f.src = `chrome-extension://${id}/popup.html`;
      f.style.cssText = 'opacity:0;position:fixed;inset:0;width:400px;height:600px';
      f.id = 'hostile-frame';
      document.body.append(f);
    }, h.extensionId);
    await wa.waitForTimeout(1_500);
    const frame = wa.frames().find((f) => f.parentFrame() === wa.mainFrame());
    // The browser refuses to load our page into another site's frame (no web-accessible resources):
    // the frame ends on an error page, never on our popup.
    expect(frame).toBeDefined();
    expect(frame!.url()).not.toContain(h.extensionId);
    expect(
      await frame!
        .locator('[aria-label="Conversations"], #app')
        .count()
        .catch(() => 0),
    ).toBe(0);
  });

  test('no request left the machine', () => {
    expect(h.blocked).toEqual([]);
  });
});

// Issue 12 item 4: the content scripts coordinated through a DOM event on `document`, which a page
// script could see (fingerprinting) and send back (reading stopped for good). Here the page records
// every event dispatched on document and window that it did not get from the user (every standard
// type, and every name-like string in our built content scripts, as an attacker reading our code
// would), then re-dispatches each one, at once and again later. Reading must go on regardless.
describe('a page that replays every event it saw cannot switch reading off', () => {
  let h2: Harness;
  let page: Page;
  let popup: Page;

  /** Every identifier-like string literal in the built content scripts: the names a page could try. */
  function namesInContentScripts(): string[] {
    const dir = join(EXTENSION_DIR, 'content-scripts');
    const names = new Set<string>();
    const scripts = readdirSync(dir).filter((n) => n.endsWith('.js'));
    for (const f of scripts) {
      const code = readFileSync(join(dir, f), 'utf8');
      for (const m of code.matchAll(/["'`]([A-Za-z][\w:.-]{2,63})["'`]/g)) names.add(m[1]!);
      // A name built at run time (`prefix${name}`): completed with each script's name.
      for (const m of code.matchAll(/`([A-Za-z][\w:.-]{2,63})\$\{/g)) for (const s of scripts) names.add(m[1]! + s.replace(/\.js$/, ''));
    }
    return [...names];
  }

  beforeAll(async () => {
    h2 = await launch();
    await h2.context.addInitScript((guessed: string[]) => {
      const w = window;
      const types = new Set<string>(guessed);
      for (const k in window) if (k.startsWith('on')) types.add(k.slice(2));
      for (const k in document) if (k.startsWith('on')) types.add(k.slice(2));
      const seen = new Map<string, { type: string; target: 'document' | 'window'; detail: unknown }>();
      w.__seenEvents = [] as string[];
      const replay = () => {
        for (const e of seen.values()) {
          const target = e.target === 'document' ? document : window;
          target.dispatchEvent(new CustomEvent(e.type, { detail: e.detail, bubbles: true }));
          target.dispatchEvent(new CustomEvent(e.type));
        }
      };
      for (const type of types) {
        for (const [name, target] of [
          ['document', document],
          ['window', window],
        ] as const) {
          target.addEventListener(
            type,
            (e) => {
              if (e.isTrusted || (e as Event & { __replayed?: boolean }).__replayed) return;
              const key = `${name} ${type}`;
              if (seen.has(key)) return;
              seen.set(key, { type, target: name, detail: (e as CustomEvent).detail ?? null });
              w.__seenEvents!.push(key);
              setTimeout(replay, 0);
            },
            true,
          );
        }
      }
      for (const ms of [500, 1_500, 3_000, 6_000]) setTimeout(replay, ms);
      w.__replayNow = replay;
    }, namesInContentScripts());
    page = await h2.openSite('https://web.whatsapp.com/');
    await page.waitForSelector('#pane-side [role="grid"]');
    popup = await h2.openPopup();
  });
  afterAll(async () => {
    await h2?.close();
  });

  test('every chat of the page is read, and a message arriving after the replays too', async () => {
    const rows = await page.locator('#pane-side [role="grid"] [role="row"]').count();
    expect(rows).toBeGreaterThan(3);
    await page.waitForTimeout(6_500); // all scheduled replays have run
    await page.evaluate(() => window.__replayNow!());
    await expect.poll(async () => (await storeSnapshot(popup)).conversations.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(rows);
    const title = await page.$eval('#main header span[dir="auto"]', (e) => e.textContent!.trim());
    await page.evaluate(([t]) => window.__fixture.addIncoming(t, 'after the replays'), [title] as const);
    await expect.poll(async () => (await storeSnapshot(popup)).messages.includes('after the replays'), { timeout: 20_000 }).toBe(true);
    // And the page saw nothing of ours to replay (the old design showed it `unified-inbox:started:…`).
    const seen = (await page.evaluate(() => window.__seenEvents)) ?? [];
    expect(seen.filter((k) => /unified|inbox|wxt/i.test(k))).toEqual([]);
  });

  test('no request left the machine', () => {
    expect(h2.blocked).toEqual([]);
  });
});
