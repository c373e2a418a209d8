// Real-browser harness: Debian's Chromium with the built extension loaded, the fixture pages served at
// the messengers' real origins through context.route, and every other request refused (no test
// reaches the internet).
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
// EXTENSION_DIR lets a second working copy of the build (e.g. WXT_OUT_DIR=.output-x) be tested
// without disturbing the default one.
export const EXTENSION_DIR = process.env.EXTENSION_DIR ? resolve(process.env.EXTENSION_DIR) : join(ROOT, '.output/chrome-mv3');
export const FIXTURES = join(ROOT, 'tests/fixtures');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Records of one store table, read with raw IndexedDB from an extension page (the worker's origin):
 * what the worker stored, without the app's code. `key` narrows to the records with that key, in
 * `index` when given.
 */
export async function storedRecords<T>(page: Page, table: string, where: { index?: string; key?: string } = {}): Promise<T[]> {
  const records: unknown[] = await page.evaluate(
    ([t, index, key]) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('unified-inbox');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction(t).objectStore(t);
          const req = (index ? store.index(index) : store).getAll(key ?? undefined);
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    [table, where.index ?? null, where.key ?? null] as const,
  );
  return records as T[];
}

/** Which fixture directory serves which origin, and which page a URL path gets. */
interface Site {
  origin: string;
  dir: string;
  page(path: string): string | null;
}

const SITES: Site[] = [
  { origin: 'https://web.whatsapp.com', dir: 'whatsapp', page: () => 'index.html' },
  {
    origin: 'https://www.instagram.com',
    dir: 'instagram',
    page: (p) => (p.startsWith('/direct') ? 'index.html' : null),
  },
  {
    origin: 'https://www.facebook.com',
    dir: 'messenger',
    page: (p) => (p.startsWith('/messages') ? 'index.html' : p === '/' ? 'feed.html' : null),
  },
];

export function chromiumPath(): string {
  const p = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`Chromium not found at ${p}: apt-get install -y chromium (or set CHROME_PATH)`);
  return p;
}

function fileFor(site: Site, url: URL): string | null {
  const m = /^\/__(fixture|shared)\/(.+)$/.exec(url.pathname);
  if (m) {
    const base = m[1] === 'shared' ? join(FIXTURES, 'shared') : join(FIXTURES, site.dir);
    const file = resolve(base, m[2]!);
    return file.startsWith(base) ? file : null; // no escaping the fixture folder
  }
  const page = site.page(url.pathname);
  return page ? join(FIXTURES, site.dir, page) : null;
}

export interface Harness {
  context: BrowserContext;
  extensionId: string;
  /** The profile's directory (its files are what someone copying the profile would get). */
  userDataDir: string;
  /** Requests that were refused because they would have left the machine. */
  blocked: string[];
  serviceWorker(): Promise<Worker>;
  openPopup(page?: string): Promise<Page>;
  openSite(url: string): Promise<Page>;
  /**
   * Stops the extension's service worker. `gone`: also wait (up to 5 s) until the browser no longer
   * lists it, so the next event starts it afresh (the bench's cold starts).
   */
  stopServiceWorker(opts?: { gone?: boolean }): Promise<void>;
  /** Closes the browser; the profile's files are deleted unless `keepProfile`. */
  close(opts?: { keepProfile?: boolean }): Promise<void>;
}

export async function launch(opts: { headless?: boolean } = {}): Promise<Harness> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`No build at ${EXTENSION_DIR}: run npm run build first`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'unified-inbox-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: opts.headless ?? true,
    viewport: { width: 1200, height: 800 },
    args: [
      ...((opts.headless ?? true) ? ['--headless=new'] : []),
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const blocked: string[] = [];
  // Registered first, so it only answers what the fixture routes below do not (Playwright tries the
  // most recently registered route first).
  await context.route(
    (url) => url.protocol === 'http:' || url.protocol === 'https:',
    (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  for (const site of SITES) {
    await context.route(
      (url) => url.origin === site.origin,
      async (route) => {
        const url = new URL(route.request().url());
        const file = fileFor(site, url);
        if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
        return route.fulfill({
          status: 200,
          headers: { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' },
          body: readFileSync(file),
        });
      },
    );
  }

  const serviceWorker = async (): Promise<Worker> =>
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const sw = await serviceWorker();
  const extensionId = new URL(sw.url()).host;

  return {
    context,
    extensionId,
    userDataDir,
    blocked,
    serviceWorker,
    async openPopup(page = 'popup.html') {
      const p = await context.newPage();
      await p.goto(`chrome-extension://${extensionId}/${page}`);
      return p;
    },
    async openSite(url: string) {
      const p = await context.newPage();
      await p.goto(url);
      return p;
    },
    async stopServiceWorker(opts = {}) {
      const cdp = await context.browser()?.newBrowserCDPSession();
      if (cdp) {
        const ours = async () => {
          const { targetInfos } = (await cdp.send('Target.getTargets')) as {
            targetInfos: { targetId: string; type: string; url: string }[];
          };
          return targetInfos.filter((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`));
        };
        for (const t of await ours()) await cdp.send('Target.closeTarget', { targetId: t.targetId });
        // The browser can list a closed worker for seconds (seen after a popup had been open), and
        // Playwright's serviceWorkers() still listed every closed one 5 s later: ask the browser.
        const until = Date.now() + (opts.gone ? 5_000 : 0);
        while (Date.now() < until && (await ours()).length > 0) await new Promise((r) => setTimeout(r, 25));
        await cdp.detach();
        return;
      }
      // Persistent contexts have no browser object: stop through a page's CDP session instead.
      const page = context.pages()[0] ?? (await context.newPage());
      const session = await context.newCDPSession(page);
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.stopAllWorkers');
      await session.detach();
    },
    async close(opts = {}) {
      await context.close();
      if (!opts.keepProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
