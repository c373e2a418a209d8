// The Firefox build in Debian's firefox-esr, driven over WebDriver BiDi with a plain WebSocket
// (Playwright cannot drive a stock Firefox; puppeteer-core is not a dependency, and BiDi needs
// nothing more than `ws`). The unsigned build is installed as a temporary add-on
// (webExtension.install), the WhatsApp fixture is served at its real origin through network
// interception, and every other request is refused. Extension pages are opened by URL: their
// UUID is fixed through the profile's `extensions.webextensions.uuids` pref, and navigating to
// moz-extension: URLs needs --remote-allow-system-access.
//
// Needs: `apt-get install -y firefox-esr` and a Firefox build (FIREFOX_EXTENSION_DIR, default
// .output/firefox-mv2: `npm run build:firefox`). Without either, the test is skipped and says why.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { FIXTURES, ROOT } from './harness';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const EXTENSION_DIR = resolve(process.env.FIREFOX_EXTENSION_DIR ?? join(ROOT, '.output/firefox-mv2'));
const GECKO_ID = 'unified-inbox@example.org';
const UUID = '3f1c2a9e-5b7d-4e21-9a0c-7d2b1e6f4a10';
const BASE = `moz-extension://${UUID}/`;
const BUDI = 'Budi Santoso';

const missing = !existsSync(FIREFOX)
  ? `firefox-esr not found at ${FIREFOX} (apt-get install -y firefox-esr)`
  : !existsSync(join(EXTENSION_DIR, 'manifest.json'))
    ? `no Firefox build at ${EXTENSION_DIR} (npm run build:firefox, or set FIREFOX_EXTENSION_DIR)`
    : null;
if (missing) console.warn(`[firefox.e2e] skipped: ${missing}`);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The WhatsApp fixture at https://web.whatsapp.com (the same layout as the Chromium harness). */
function fixtureFile(url: URL): string | null {
  if (url.origin !== 'https://web.whatsapp.com') return null;
  const m = /^\/__(fixture|shared)\/(.+)$/.exec(url.pathname);
  const base = join(FIXTURES, m?.[1] === 'shared' ? 'shared' : 'whatsapp');
  const file = m ? resolve(base, m[2]!) : join(base, 'index.html');
  return file.startsWith(base) && existsSync(file) ? file : null;
}

// BiDi messages are untyped JSON; each call site reads the few fields it needs.
/* eslint-disable @typescript-eslint/no-explicit-any */
interface BidiEvent {
  method: string;
  params: any;
}

/** A minimal WebDriver BiDi client: commands with ids, events to listeners. */
class Bidi {
  private id = 0;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private listeners: ((e: BidiEvent) => void)[] = [];
  constructor(private ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      const waiting = m.id !== undefined ? this.pending.get(m.id) : undefined;
      if (waiting) {
        this.pending.delete(m.id);
        if (m.type === 'error') waiting.reject(new Error(`${m.error}: ${m.message}`));
        else waiting.resolve(m.result);
      } else if (m.type === 'event') {
        for (const l of this.listeners) l(m);
      }
    });
  }
  send(method: string, params: object = {}): Promise<any> {
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }
  on(listener: (e: BidiEvent) => void): void {
    this.listeners.push(listener);
  }
  /** Evaluate in a tab; the result as plain JSON (BiDi's serialisation undone by JSON.stringify). */
  async eval<T>(context: string, expression: string): Promise<T> {
    const r = await this.send('script.evaluate', {
      target: { context },
      expression: `(async () => JSON.stringify(await (async () => { ${expression} })()))()`,
      awaitPromise: true,
    });
    if (r.type === 'exception') throw new Error(`in page: ${r.exceptionDetails?.text}`);
    return r.result.value === undefined ? (undefined as T) : (JSON.parse(r.result.value) as T);
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    try {
      last = await probe();
      if (ok(last)) return last;
    } catch {
      // the page may be between navigations
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

let firefox: ChildProcess | null = null;
let profile = '';
let bidi: Bidi;
let ws: WebSocket;
let wa: string;
const blocked: string[] = [];

async function openTab(url: string, background = false): Promise<string> {
  const { context } = await bidi.send('browsingContext.create', { type: 'tab', background });
  await bidi.send('browsingContext.navigate', { context, url, wait: 'complete' });
  return context;
}

describe.skipIf(missing !== null)('Firefox (firefox-esr over WebDriver BiDi)', () => {
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'unified-inbox-ff-'));
    const prefs: Record<string, unknown> = {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }),
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      'extensions.getAddons.cache.enabled': false,
      'browser.aboutwelcome.enabled': false,
    };
    writeFileSync(
      join(profile, 'user.js'),
      Object.entries(prefs)
        .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`)
        .join('\n'),
    );
    const port = 9300 + Math.floor(Math.random() * 600);
    firefox = spawn(
      FIREFOX,
      ['--headless', '--no-remote', '--profile', profile, `--remote-debugging-port=${port}`, '--remote-allow-system-access'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    firefox.stdout?.on('data', (d) => (out += d));
    firefox.stderr?.on('data', (d) => (out += d));
    await until(
      'WebDriver BiDi to listen',
      async () => out,
      (o) => o.includes('WebDriver BiDi listening'),
      30_000,
    );
    ws = new WebSocket(`ws://127.0.0.1:${port}/session`);
    await new Promise((res, rej) => {
      ws.once('open', res);
      ws.once('error', rej);
    });
    bidi = new Bidi(ws);
    await bidi.send('session.new', { capabilities: {} });
    const installed = await bidi.send('webExtension.install', { extensionData: { type: 'path', path: EXTENSION_DIR } });
    expect(installed.extension).toBe(GECKO_ID);

    // Serve the fixture; refuse everything else that would leave the machine.
    await bidi.send('session.subscribe', { events: ['network.beforeRequestSent'] });
    await bidi.send('network.addIntercept', {
      phases: ['beforeRequestSent'],
      urlPatterns: [
        { type: 'pattern', protocol: 'https' },
        { type: 'pattern', protocol: 'http' },
      ],
    });
    bidi.on(async (e) => {
      if (e.method !== 'network.beforeRequestSent' || !e.params.isBlocked) return;
      const request = e.params.request.request;
      const url = new URL(e.params.request.url);
      const file = fixtureFile(url);
      try {
        if (!file) {
          blocked.push(url.href);
          await bidi.send('network.failRequest', { request });
          return;
        }
        await bidi.send('network.provideResponse', {
          request,
          statusCode: 200,
          reasonPhrase: 'OK',
          headers: [{ name: 'content-type', value: { type: 'string', value: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' } }],
          body: { type: 'string', value: readFileSync(file, 'utf8') },
        });
      } catch {
        // The page went away meanwhile.
      }
    });

    const tree = await bidi.send('browsingContext.getTree', {});
    wa = tree.contexts[0].context;
    await bidi.send('browsingContext.navigate', { context: wa, url: 'https://web.whatsapp.com/', wait: 'complete' });
    await until(
      'the fixture chat list',
      () => bidi.eval<number>(wa, `return document.querySelectorAll('#pane-side [role="row"]').length`),
      (n) => n >= 8,
    );
  }, 90_000);

  afterAll(async () => {
    try {
      ws?.close();
    } finally {
      firefox?.kill();
      await sleep(500);
      if (profile) rmSync(profile, { recursive: true, force: true });
    }
  });

  // The app's rows (the early script's first frame is an inert picture of them until the app is in).
  const rowsOf = (context: string) =>
    bidi.eval<string[]>(
      context,
      `return [...document.querySelectorAll('main:not([inert]) ul[aria-label="Conversations"] > li')].map((l) => l.textContent)`,
    );

  test('the manifest is Firefox’s: gecko id, background scripts, sidebar_action', () => {
    const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
    expect(manifest.manifest_version).toBe(2);
    expect(manifest.browser_specific_settings.gecko.id).toBe(GECKO_ID);
    expect(manifest.sidebar_action.default_panel).toBe('sidepanel.html');
    expect(manifest.options_ui.page).toBe('options.html');
  });

  test('the chat list read from the page reaches the popup and the sidebar page', async () => {
    const popup = await openTab(`${BASE}popup.html`);
    const rows = await until(
      'popup rows',
      () => rowsOf(popup),
      (r) => r.length >= 8,
    );
    expect(rows.every((r) => r.includes('WhatsApp'))).toBe(true);
    expect(rows.some((r) => r.includes(BUDI))).toBe(true);
    const panel = await openTab(`${BASE}sidepanel.html`);
    await until(
      'sidebar rows',
      () => rowsOf(panel),
      (r) => r.length >= 8,
    );
    await bidi.send('browsingContext.close', { context: panel });
    await bidi.send('browsingContext.close', { context: popup });
  });

  test('a new message shows a notification once; the badge counts unread', async () => {
    // A probe page that is not the inbox (an open inbox rightly holds notifications back).
    const options = await openTab(`${BASE}options.html`);
    const contexts = () => bidi.eval<string[]>(options, `return (await browser.runtime.getContexts({})).map((c) => c.contextType)`);
    // Firefox opens an add-on's sidebar when it is installed: that is the inbox, in view. Close it
    // the way a user would (sidebarAction.close needs a real click, so a trusted one is sent).
    if ((await contexts()).includes('SIDE_PANEL')) {
      await bidi.eval(
        options,
        `const b = document.createElement('button'); b.id = 'test-close-sidebar'; b.textContent = 'close sidebar';
         b.style = 'position:fixed;top:0;left:0;width:80px;height:40px;z-index:9';
         b.onclick = () => browser.sidebarAction.close(); document.body.append(b); return true`,
      );
      const { nodes } = await bidi.send('browsingContext.locateNodes', {
        context: options,
        locator: { type: 'css', value: '#test-close-sidebar' },
      });
      await bidi.send('input.performActions', {
        context: options,
        actions: [
          {
            type: 'pointer',
            id: 'mouse',
            actions: [
              { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: { sharedId: nodes[0].sharedId } } },
              { type: 'pointerDown', button: 0 },
              { type: 'pointerUp', button: 0 },
            ],
          },
        ],
      });
      await until('the sidebar to close', contexts, (c) => !c.includes('SIDE_PANEL'));
    }
    await bidi.send('browsingContext.activate', { context: wa });
    // Headless Firefox closes a notification as soon as it is created: count what was shown or
    // closed since now.
    await bidi.eval(
      options,
      `window.__closed = []; browser.notifications.onClosed.addListener((id) => window.__closed.push(id)); return true`,
    );
    const ids = async () => [
      ...new Set(await bidi.eval<string[]>(options, `return [...Object.keys(await browser.notifications.getAll()), ...window.__closed]`)),
    ];
    expect(await ids()).toEqual([]);
    const text = `Halo dari Firefox ${Date.now()}`;
    await bidi.eval(wa, `window.__fixture.addIncoming(${JSON.stringify(BUDI)}, ${JSON.stringify(text)}); return true`);
    await until('a notification', ids, (l) => l.length > 0);
    await sleep(1_500);
    const shown = await ids();
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^whatsapp:/);
    const badge = await until(
      'the badge',
      () => bidi.eval<string>(options, `return browser.browserAction.getBadgeText({})`),
      (t) => /^\d+$/.test(t),
    );
    expect(Number(badge)).toBeGreaterThan(0);
    await bidi.send('browsingContext.close', { context: options });
  });

  test('a reply from the popup is posted through the page’s composer and turns Sent', async () => {
    const popup = await openTab(`${BASE}popup.html`);
    await until(
      'popup rows',
      () => rowsOf(popup),
      (r) => r.some((t) => t.includes(BUDI)),
    );
    await bidi.eval(
      popup,
      `[...document.querySelectorAll('ul[aria-label="Conversations"] button')].find((b) => b.textContent.includes(${JSON.stringify(BUDI)})).click(); return true`,
    );
    await until(
      'the thread',
      () => bidi.eval<number>(popup, `return document.querySelectorAll('[role="log"] article').length`),
      (n) => n > 2,
    );
    const reply = `Balas dari Firefox ${Date.now()}`;
    await bidi.eval(
      popup,
      `const box = document.querySelector('textarea[aria-label="Message"]');
       box.value = ${JSON.stringify(reply)};
       box.dispatchEvent(new Event('input', { bubbles: true }));
       await new Promise((r) => setTimeout(r, 50));
       [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Send').click();
       return true`,
    );
    const mine = () =>
      bidi.eval<string | null>(
        popup,
        `const a = [...document.querySelectorAll('[role="log"] article')].find((x) => x.textContent.includes(${JSON.stringify(reply)})); return a ? a.textContent : null`,
      );
    await until('the reply to turn Sent', mine, (t) => !!t && /Sent/.test(t), 30_000);
    const echoes = await bidi.eval<string[]>(wa, `return window.__fixture.echoLog.map((e) => e.text)`);
    expect(echoes.filter((t) => t === reply)).toHaveLength(1);
    await bidi.send('browsingContext.close', { context: popup });
  });

  test('no request left the machine', () => {
    expect(blocked).toEqual([]);
  });
});
