// Scrape: the real content runtime and adapters on the fixture pages grown to N rows, one appended
// message (incremental) and a first read (full scan), against querySelectorAll + textContent.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { summarize } from '../pages/stats';
import type { ScrapeBench } from '../pages/scrape';
import { READ_CHUNK_ROWS } from '../../content/runtime';
import { add, details, heapUsedMb, log, one, QUICK, ROOT, round, SEED, wantScale, type H } from './context';

const SCRAPE_ORIGIN = 'https://scrape.bench.test';

/** The fixtures at origins no content script matches, once per context. */
async function routeScrapeFixtures(h: H): Promise<void> {
  const fixtures = join(ROOT, 'tests/fixtures');
  // The fixtures at origins no content script matches, cross-origin isolated for fine timers:
  // WhatsApp at SCRAPE_ORIGIN, Instagram and Messenger at ig. / fb. subdomains of it.
  const fixtureOf = (host: string) => (host.startsWith('ig.') ? 'instagram' : host.startsWith('fb.') ? 'messenger' : 'whatsapp');
  await h.context.route(
    (url) => url.origin === SCRAPE_ORIGIN || url.hostname.endsWith(`.${new URL(SCRAPE_ORIGIN).hostname}`),
    async (route) => {
      const url = new URL(route.request().url());
      const path = url.pathname;
      const dir = fixtureOf(url.hostname);
      const m = /^\/__(fixture|shared)\/([\w.-]+)$/.exec(path);
      const file = m ? join(fixtures, m[1] === 'shared' ? 'shared' : dir, m[2]!) : join(fixtures, dir, 'index.html');
      const ext = extname(file);
      const type =
        ext === '.html' ? 'text/html; charset=utf-8' : ext === '.css' ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
      // The WhatsApp fixture's look.css is left out: its :has() rules over sibling rows make
      // Chromium's style recalc of a 20,000-row thread take minutes per appended row — the page's
      // own rendering, not our code, and not WhatsApp's (it renders ~100 rows at a time). The
      // Instagram/Messenger rows (≤ 2,000) keep theirs: their adapters read computed layout.
      const body = ext === '.css' && dir === 'whatsapp' ? '' : readFileSync(file);
      return route.fulfill({
        status: 200,
        headers: { 'content-type': type, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
        body,
      });
    },
  );
}

/**
 * What the content runtime keeps while the thread is open: the page's heap after a collection with
 * the runtime running (its first read done and acknowledged) minus the same page's without it. The
 * content script's isolated world shares the page's heap, so this is what it adds there.
 */
async function retainedByRuntime(
  page: Page,
  s: (fn: string, ...a: unknown[]) => Promise<unknown>,
): Promise<{ mb: number; messages: number }> {
  const before = await heapUsedMb(page);
  const messages = (await s('holdRuntime')) as number;
  const after = await heapUsedMb(page);
  await s('releaseRuntime');
  return { mb: after - before, messages };
}

function addRetained(name: string, scale: string, rows: number, r: { mb: number; messages: number }): void {
  add({
    figure: `Scrape${name ? ` (${name})` : ''}: retained heap with the thread open`,
    scale,
    data: `${rows.toLocaleString('en')} rows`,
    unit: 'MB',
    value: one(round(r.mb, 2)),
    target: '≤ 10 MB at 20,000 rows',
    pass: r.mb <= 10,
    note: 'JS heap after a full collection with the runtime running, minus the same page before it started (CDP Runtime.getHeapUsage)',
  });
}

/** A fixture page at `url` once `ready` shows, with the scrape bench script in it; `s` calls into that script. */
async function scrapePage(h: H, url: string, ready: string, script: string) {
  const page = await h.context.newPage();
  await page.goto(url);
  await page.waitForSelector(ready);
  await page.addScriptTag({ content: script });
  const s = (fn: string, ...a: unknown[]) =>
    page.evaluate(
      ([fn, a]) =>
        (window as unknown as { __scrape: Record<string, (...x: unknown[]) => unknown> }).__scrape[fn as string]!(...(a as unknown[])),
      [fn, a] as const,
    );
  return { page, s };
}

export async function benchScrape(h: H, script: string): Promise<void> {
  await routeScrapeFixtures(h);
  const perScale: Record<string, unknown> = {};
  for (const [scale, n] of [
    ['0.1×', 200],
    ['1×', 2_000],
    ['10×', 20_000],
  ] as const) {
    if (QUICK && scale === '10×') continue;
    if (!wantScale(scale)) continue;
    log(`scrape: thread with ${n} rendered messages`);
    const { page, s } = await scrapePage(h, `${SCRAPE_ORIGIN}/`, '#main [role="row"] [data-id]', script);
    const setup = (await s('setup', n, SEED + 3)) as Awaited<ReturnType<ScrapeBench['setup']>>;
    const isolated = (await s('isolated')) as boolean;
    const base = summarize((await s('baseline', 30)) as number[]);
    const walk = summarize((await s('structuredWalk', 30)) as number[]);
    await profileFullScan(page, s, `whatsapp-${n}`);
    const scan = (await s('fullScan', n > 5_000 ? 3 : QUICK ? 3 : 7)) as Awaited<ReturnType<ScrapeBench['fullScan']>>;
    const full = summarize(scan.whole);
    const inc = (await s('incremental', QUICK ? 10 : 40, SEED + 4)) as Awaited<ReturnType<ScrapeBench['incremental']>>;
    const parts = (await s('parts', 20)) as Record<string, number[]>;
    const retained = scale === '10×' ? await retainedByRuntime(page, s) : null;
    await page.close();
    if (retained) addRetained('', scale, setup.rows, retained);
    const incCost = summarize(inc.readMs.map((r, i) => r + inc.observerMs[i]!));
    const partsSummary = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)]));
    perScale[scale] = {
      retainedMb: retained?.mb,
      rows: setup.rows,
      crossOriginIsolated: isolated,
      baseline: base,
      structuredWalk: walk,
      fullScan: full,
      firstBatch: { ms: summarize(scan.first), rowsParsed: summarize(scan.parsedAtFirst), reads: summarize(scan.reads) },
      incremental: {
        cost: incCost,
        read: summarize(inc.readMs),
        observer: summarize(inc.observerMs),
        endToEnd: summarize(inc.endToEndMs),
        batchMessages: summarize(inc.batchMessages),
        rowsParsed: summarize(inc.rowsParsed),
        rowsCompared: summarize(inc.rowsCompared),
      },
      parts: partsSummary,
    };
    const data = `${setup.rows.toLocaleString('en')} rows`;
    add({
      figure: 'Scrape: one new message (incremental)',
      scale,
      data,
      unit: 'ms',
      value: incCost,
      target: '≤ 1 ms',
      pass: incCost.median <= 1 && incCost.p95 <= 1,
      note:
        `read ${round(summarize(inc.readMs).median, 3)} ms + observer ${round(summarize(inc.observerMs).median, 3)} ms; batch of ${summarize(inc.batchMessages).median} msgs; ` +
        `per read ${summarize(inc.rowsParsed).median} rows parsed, ${summarize(inc.rowsCompared).median} compared; ` +
        `parts: messageRows() ${round(partsSummary.messageRows!.median, 3)} ms, compare one row ${round(partsSummary.compareOneRow!.median, 3)} ms (JSON of all rows, no longer done: ${round(partsSummary.signatures!.median, 3)} ms), parse one row ${round(partsSummary.parseOneRow!.median, 3)} ms, chat list ${round(partsSummary.chatList!.median, 3)} ms, health ${round(partsSummary.health!.median, 3)} ms`,
    });
    add({
      figure: 'Scrape: full scan (first read)',
      scale,
      data,
      unit: 'ms',
      value: full,
      baseline: { name: 'structured walk (id, time, text per row)', value: walk },
      ratio: full.median / walk.median,
      target: '≤ 2× baseline',
      pass: full.median <= 2 * walk.median && full.p95 <= 2 * walk.p95,
      note: `${fullNote(full, base)}; ${isolated ? '5 µs' : '100 µs'} timer resolution`,
    });
    addFirstBatch('', scale, data, setup.rows, scan);
  }
  details.scrape = perScale;
  await benchScrapeMeta(h, script, false);
}

/** How soon a first read hands over its first batch, and how much of the thread it had parsed by then. */
function addFirstBatch(
  name: string,
  scale: string,
  data: string,
  rows: number,
  scan: { first: number[]; whole: number[]; parsedAtFirst: number[]; reads: number[] },
): void {
  const first = summarize(scan.first);
  const whole = summarize(scan.whole);
  const parsed = summarize(scan.parsedAtFirst);
  // Met when the first batch leaves before every row is parsed (a thread longer than one chunk), or
  // when the thread is one chunk long and so is the read.
  const early = rows > READ_CHUNK_ROWS ? parsed.max < rows : summarize(scan.reads).max === 1;
  add({
    figure: `Scrape${name ? ` (${name})` : ''}: first read, first batch handed over`,
    scale,
    data,
    unit: 'ms',
    value: first,
    baseline: { name: 'the whole first read', value: whole },
    ratio: first.median / whole.median,
    target: 'before the whole thread is parsed',
    pass: early,
    note: `rows parsed by then (chats included) median ${parsed.median} of ${rows.toLocaleString('en')}; reads (tasks) for the whole thread ${summarize(scan.reads).median}, at most ${READ_CHUNK_ROWS.toLocaleString('en')} rows each`,
  });
}

/** The bare walk beside the structured one (the row's baseline). */
function fullNote(full: { median: number }, bare: { median: number; p95: number }): string {
  return `querySelectorAll + textContent alone ${round(bare.median, 2)} ms (p95 ${round(bare.p95, 2)}): ${round(full.median / bare.median, 1)}× that`;
}

/**
 * With BENCH_PROFILE=<dir>: a CPU profile of 20 first reads (CDP's sampler, 100 µs), written as
 * <dir>/<name>.cpuprofile, then a sampling heap profile of 20 more (every 4 KB allocated, what the
 * collector took counted too: what a read allocates, not what it keeps) as <dir>/<name>.heapprofile,
 * both before the timed reads.
 */
async function profileFullScan(page: import('playwright-core').Page, s: (fn: string, ...a: unknown[]) => Promise<unknown>, name: string) {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await s('fullScan', 20);
  const { profile } = await cdp.send('Profiler.stop');
  const fs = await import('node:fs');
  fs.writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await s('fullScan', 20);
  const heap = await cdp.send('HeapProfiler.stopSampling');
  fs.writeFileSync(`${dir}/${name}.heapprofile`, JSON.stringify(heap.profile));
}

/** Instagram (a group thread) and Messenger (a 1:1 thread): the same incremental and full reads at 0.1×, 1× and 10×. */
export async function benchScrapeMeta(h: H, script: string, routeFixtures: boolean): Promise<void> {
  if (routeFixtures) await routeScrapeFixtures(h);
  const host = new URL(SCRAPE_ORIGIN).hostname;
  const pages = [
    {
      platform: 'instagram',
      name: 'Instagram',
      url: `https://ig.${host}/direct/t/340282366841710300949128149236711/`,
      ready: 'div[data-scope="messages_table"] [id^="mid.$"]',
    },
    {
      platform: 'messenger',
      name: 'Messenger',
      url: `https://fb.${host}/messages/t/100009912873344/`,
      ready: '[role="main"] [role="row"] [dir="auto"]',
    },
  ] as const;
  const out: Record<string, unknown> = {};
  for (const p of pages) {
    for (const [scale, n] of [
      ['0.1×', 200],
      ['1×', 2_000],
      ['10×', 20_000],
    ] as const) {
      if (QUICK && scale === '10×') continue;
      if (!wantScale(scale)) continue;
      log(`scrape: ${p.name} thread with ${n} rendered rows`);
      const { page, s } = await scrapePage(h, p.url, p.ready, script);
      const setup = (await s('setup', n, SEED + 3, p.platform)) as Awaited<ReturnType<ScrapeBench['setup']>>;
      const base = summarize((await s('baseline', 30)) as number[]);
      const walk = summarize((await s('structuredWalk', 30)) as number[]);
      await profileFullScan(page, s, `${p.platform}-${n}`);
      const scan = (await s('fullScan', n > 5_000 || QUICK ? 3 : 5)) as Awaited<ReturnType<ScrapeBench['fullScan']>>;
      const full = summarize(scan.whole);
      const inc = (await s('incremental', QUICK ? 10 : 30, SEED + 4)) as Awaited<ReturnType<ScrapeBench['incremental']>>;
      const parts = (await s('parts', 20)) as Record<string, number[]>;
      const retained = scale === '10×' ? await retainedByRuntime(page, s) : null;
      await page.close();
      if (retained) addRetained(p.name, scale, setup.rows, retained);
      const incCost = summarize(inc.readMs.map((r, i) => r + inc.observerMs[i]!));
      const partsSummary = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)]));
      out[`${p.platform} ${scale}`] = {
        rows: setup.rows,
        retainedMb: retained?.mb,
        baseline: base,
        structuredWalk: walk,
        fullScan: full,
        firstBatch: { ms: summarize(scan.first), rowsParsed: summarize(scan.parsedAtFirst), reads: summarize(scan.reads) },
        incremental: {
          cost: incCost,
          rowsParsed: summarize(inc.rowsParsed),
          rowsCompared: summarize(inc.rowsCompared),
          batchMessages: summarize(inc.batchMessages),
        },
        parts: partsSummary,
      };
      const data = `${setup.rows.toLocaleString('en')} rows`;
      add({
        figure: `Scrape (${p.name}): one new message (incremental)`,
        scale,
        data,
        unit: 'ms',
        value: incCost,
        target: '≤ 1 ms',
        pass: incCost.median <= 1 && incCost.p95 <= 1,
        note:
          `per read ${summarize(inc.rowsParsed).median} rows parsed, ${summarize(inc.rowsCompared).median} compared; parts: ` +
          Object.entries(partsSummary)
            .map(([k, v]) => `${k} ${round(v.median, 3)} ms`)
            .join(', '),
      });
      add({
        figure: `Scrape (${p.name}): full scan (first read)`,
        scale,
        data,
        unit: 'ms',
        value: full,
        baseline: { name: 'structured walk (id, time, text per row)', value: walk },
        ratio: full.median / walk.median,
        target: '≤ 2× baseline',
        pass: full.median <= 2 * walk.median && full.p95 <= 2 * walk.p95,
        note: fullNote(full, base),
      });
      addFirstBatch(p.name, scale, data, setup.rows, scan);
    }
  }
  details.scrapeMeta = out;
}
