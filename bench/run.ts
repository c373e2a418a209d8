// npm run bench: builds the extension into its own folder, adds the bench pages to a copy of it,
// drives Debian's Chromium with it loaded, and prints/writes every figure next to a baseline
// measured in the same run (so ratios hold on a noisy machine). Not part of npm test.
//   --no-build   reuse .output-bench (after a previous run)
//   --quick      fewer repetitions and no 10×-larger rows (a smoke run)
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { bundleSizes, contentBreakdown } from './bundle';
import { runCrypto } from './crypto';
import { summarize, type Summary } from './pages/stats';
import { table, type Row } from './report';
import type { ScrapeBench } from './pages/scrape';
import type { StoreBench } from './pages/store';
import type { DataSize } from './data';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** BENCH_OUT_DIR lets parallel runs use their own build (default .output-bench). */
const OUT_DIR = process.env.BENCH_OUT_DIR ?? '.output-bench';
const EXT = join(ROOT, OUT_DIR, 'chrome-mv3');
const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
/** --only=a,b runs only those sections: bundle, crypto, sw, profile, ingest, search, popup, scrape (scrape-meta: its Instagram/Messenger part alone). */
const ONLY = new Set(process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? []);
const want = (section: string) => ONLY.size === 0 || ONLY.has(section);
/** --scales=1× runs only those scale rows of ingest and search (e.g. with --full). */
const SCALES = new Set(process.argv.find((a) => a.startsWith('--scales='))?.slice(9).split(',') ?? []);
const wantScale = (scale: string) => SCALES.size === 0 || SCALES.has(scale);
const SEED = 20261125;
const started = Date.now();

const log = (...a: unknown[]) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`, ...a);
const round = (x: number, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- results

const rows: Row[] = [];
const details: Record<string, unknown> = {};
const skipped: { figure: string; scale: string; why: string }[] = [];

function add(row: Row): void {
  rows.push(row);
  const b = row.baseline ? ` | ${row.baseline.name} ${round(row.baseline.value.median)} (p95 ${round(row.baseline.value.p95)})` : '';
  log(`${row.figure} [${row.scale}, ${row.data}]: median ${round(row.value.median)} ${row.unit}, p95 ${round(row.value.p95)}${b}${row.pass === undefined ? '' : row.pass ? ' ✓' : ' ✗'}`);
}

const one = (x: number): Summary => summarize([x]);

// ---------------------------------------------------------------- build

function buildExtension(): void {
  if (args.has('--no-build')) return;
  log('building the extension into', OUT_DIR);
  const r = spawnSync('npx', ['wxt', 'build'], { cwd: ROOT, env: { ...process.env, WXT_OUT_DIR: OUT_DIR }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wxt build failed:\n${r.stdout}\n${r.stderr}`);
}

/** The bench pages, bundled with esbuild next to the built extension (never in the shipped build). */
async function buildBenchPages(): Promise<string> {
  const dir = join(EXT, 'bench');
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'bench/pages/store.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outfile: join(dir, 'store.js'),
    logLevel: 'warning',
  });
  for (const f of ['store.html', 'blank.html']) copyFileSync(join(ROOT, 'bench/pages', f), join(dir, f));
  const scrape = await build({
    entryPoints: [join(ROOT, 'bench/pages/scrape.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    alias: { 'wxt/browser': '@wxt-dev/webextension-polyfill/browser' },
    logLevel: 'warning',
  });
  return scrape.outputFiles[0]!.text;
}

// ---------------------------------------------------------------- rows measured in Node

async function benchBundle(): Promise<void> {
  const sizes = bundleSizes(EXT);
  details.bundle = sizes;
  for (const cs of sizes.contentScripts) {
    add({
      figure: `Bundle: ${cs.entry}`,
      scale: '1×',
      data: 'gzipped',
      unit: 'KB gz',
      value: one(cs.gzipBytes / 1024),
      // The target is the gzipped size (what a user downloads and the store reports).
      target: '≤ 20 KB gz',
      pass: cs.gzipBytes <= 20 * 1024,
      note: `${round(cs.bytes / 1024, 1)} KB minified`,
    });
  }
  for (const p of sizes.pages) {
    add({
      figure: `Bundle: ${p.entry} JS`,
      scale: '1×',
      data: `${p.files.length} chunks`,
      unit: 'KB gz',
      value: one(p.gzipBytes / 1024),
      target: '≤ 60 KB gz',
      pass: p.gzipBytes <= 60 * 1024,
      note: `${round(p.bytes / 1024, 1)} KB minified: ${p.files.join(', ')}`,
    });
  }
  const breakdown: Record<string, unknown> = {};
  for (const e of ['entrypoints/whatsapp.content.ts', 'entrypoints/instagram.content.ts', 'entrypoints/messenger.content.ts', 'entrypoints/popup/main.tsx']) {
    breakdown[e] = await contentBreakdown(ROOT, e);
  }
  details.entryBreakdown = breakdown;
}

async function benchCrypto(chromium: string): Promise<void> {
  log('crypto (Node, then the same ratchet code in Chromium)');
  const c = await runCrypto(QUICK ? 100 : 400, chromium);
  details.crypto = c;
  const e = c.encryptDecrypt1k;
  add({
    figure: 'Crypto: encrypt + decrypt 1 KB (ratchet, Node)',
    scale: '1×',
    data: '1 KB',
    unit: 'ms',
    value: e.product,
    baseline: { name: 'libsodium XChaCha20-Poly1305', value: e.libsodium },
    ratio: e.product.median / e.libsodium.median,
    target: '≤ 0.2 ms',
    pass: e.product.median <= 0.2,
    note: `WebCrypto AES-GCM median ${round(e.webcrypto.median, 3)} ms (p95 ${round(e.webcrypto.p95, 3)}); noble seal+open alone ${round(e.productSealOpen.median, 3)} ms`,
  });
  const s = c.ratchetStep;
  add({
    figure: 'Crypto: one DH ratchet step (decrypt, Node)',
    scale: '1×',
    data: '1 KB',
    unit: 'ms',
    value: s.product,
    baseline: { name: 'libsodium 2×X25519+keypair+2 KDF', value: s.libsodium },
    ratio: s.product.median / s.libsodium.median,
    target: '≤ 2 ms',
    pass: s.product.median <= 2,
    note: `X25519 on ${s.backend}; with noble (the fallback) ${round(s.productNoble.median, 3)} ms. Raw WebCrypto same work ${round(s.webcrypto.median, 3)} ms; noble X25519 DH ${round(c.parts.x25519Dh.median, 3)} ms, key pair ${round(c.parts.x25519KeyPair.median, 3)} ms, HKDF ${round(c.parts.hkdf.median, 3)} ms`,
  });
  const b = c.browser;
  if ('error' in b) {
    skipped.push({ figure: 'Crypto: one DH ratchet step (decrypt, Chromium)', scale: '1×', why: b.error });
    return;
  }
  add({
    figure: 'Crypto: one DH ratchet step (decrypt, Chromium)',
    scale: '1×',
    data: '1 KB',
    unit: 'ms',
    value: b.step,
    baseline: { name: 'raw WebCrypto 2×X25519+keypair+2 HKDF', value: b.webCryptoSameWork },
    ratio: b.step.median / b.webCryptoSameWork.median,
    target: '≤ 2 ms',
    pass: b.step.median <= 2,
    note: `X25519 on ${b.backend}; with noble (the fallback) ${round(b.stepNoble.median, 3)} ms; encrypt + decrypt 1 KB ${round(b.encryptDecrypt1k.median, 3)} ms. Plain page (cross-origin isolated: ${b.crossOriginIsolated}), not the service worker`,
  });
}

// ---------------------------------------------------------------- browser rows

type H = Awaited<ReturnType<typeof import('../tests/e2e/harness')['launch']>>;

async function storePage(h: H): Promise<Page> {
  const page = await h.openPopup('bench/store.html');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  return page;
}

const call = <K extends keyof StoreBench>(page: Page, fn: K, ...a: Parameters<StoreBench[K]>) =>
  page.evaluate(
    ([fn, a]) => (window as unknown as { __bench: Record<string, (...x: unknown[]) => unknown> }).__bench[fn]!(...a),
    [fn, a] as const,
  ) as Promise<Awaited<ReturnType<StoreBench[K]>>>;

/**
 * Sizes are labelled against the issue's 1× (ingest: 100,000 messages in 1,000 conversations).
 * On the 2-core machine this was written on, IndexedDB takes ~0.25 ms per written row and a
 * merged message writes ~12 search-index rows, so one 1× merge run is several minutes: the default
 * run measures 0.01× and 0.1× and estimates 1× from the measured per-message cost; --full runs 1×.
 */
const INGEST_SIZES: { scale: string; size: DataSize; reps: number }[] = [
  { scale: '0.01×', size: { conversations: 10, messages: 1_000 }, reps: 5 },
  { scale: '0.1×', size: { conversations: 100, messages: 10_000 }, reps: 1 },
  ...(args.has('--full') ? [{ scale: '1×', size: { conversations: 1_000, messages: 100_000 }, reps: 1 }] : []),
];

async function benchIngest(page: Page): Promise<void> {
  const perScale: Record<string, unknown> = {};
  let msPerMessage = 0;
  for (const { scale, size, reps: fullReps } of INGEST_SIZES) {
    if (!wantScale(scale)) continue;
    const reps = QUICK ? 1 : fullReps;
    log(`ingest ${scale}: ${size.messages} messages in ${size.conversations} conversations × ${reps}`);
    // raw: the same records the merge writes (conversations, messages and their search-index
    // records), same stores and indexes. Also, for honesty: the messages without any search index,
    // and (up to 0.1×: minutes at 1×) v2's per-word index rows instead of v4's records.
    const merge: number[] = [];
    const raw: number[] = [];
    const rawNoIndex: number[] = [];
    const rawV2: number[] = [];
    let info: Awaited<ReturnType<StoreBench['ingestMerge']>> | null = null;
    for (let i = 0; i < reps; i++) {
      // Alternate the order so neither side always runs on a warmer (or more fragmented) disk.
      const m = async () => {
        info = await call(page, 'ingestMerge', size, SEED);
        merge.push(info.ms);
      };
      const r = async () => raw.push((await call(page, 'ingestRaw', size, SEED, 'docs')).ms);
      if (i % 2 === 0) {
        await m();
        await r();
      } else {
        await r();
        await m();
      }
      if (i === 0) rawNoIndex.push((await call(page, 'ingestRaw', size, SEED, 'none')).ms);
      if (i === 0 && size.messages <= 10_000) rawV2.push((await call(page, 'ingestRaw', size, SEED, 'v2rows')).ms);
    }
    const tok = await call(page, 'tokenizeCost', size, SEED);
    // Throughputs: the p95 column is the throughput of the p95 (slow) run.
    const throughput = (ms: number[]): Summary => {
      const t = summarize(ms);
      return { ...t, median: size.messages / (t.median / 1000), p95: size.messages / (t.p95 / 1000), min: size.messages / (t.max / 1000), max: size.messages / (t.min / 1000) };
    };
    const mergeT = throughput(merge);
    const rawT = throughput(raw);
    const rawNoIndexT = throughput(rawNoIndex);
    msPerMessage = summarize(merge).median / size.messages;
    perScale[scale] = {
      size,
      merge: summarize(merge),
      raw: summarize(raw),
      rawWithoutSearchIndex: summarize(rawNoIndex),
      rawWithV2Rows: rawV2.length ? summarize(rawV2) : null,
      tokenize: tok,
      info,
    };
    const batches = (info as { batches: number } | null)?.batches ?? 0;
    add({
      figure: 'Ingest through mergeIngest (msgs/s)',
      scale,
      data: `${size.messages.toLocaleString('en')} msgs / ${size.conversations.toLocaleString('en')} convs, ${batches} batches`,
      unit: 'msg/s',
      value: mergeT,
      baseline: { name: 'raw IDB put, 1 tx (incl. index)', value: rawT },
      ratio: mergeT.median / rawT.median,
      target: '≥ 0.5× baseline throughput',
      pass: mergeT.median >= 0.5 * rawT.median,
      note:
        `merge median ${round(summarize(merge).median / 1000, 2)} s vs raw ${round(summarize(raw).median / 1000, 2)} s, both writing the ${tok.docs.toLocaleString('en')} search-index records (${tok.indexEntries.toLocaleString('en')} multiEntry entries) the merge writes; ` +
        `raw without any search index ${round(summarize(rawNoIndex).median / 1000, 2)} s (${round(rawNoIndexT.median, 0)} msg/s, merge ${round(mergeT.median / rawNoIndexT.median, 2)}× of it); ` +
        (rawV2.length ? `raw with v2's per-word rows instead ${round(summarize(rawV2).median / 1000, 2)} s (merge ${round(summarize(rawV2).median / summarize(merge).median, 2)}× faster than that); ` : '') +
        `tokenising alone ${round(tok.ms, 0)} ms`,
    });
  }
  if (!args.has('--full')) {
    skipped.push({
      figure: 'Ingest 100,000 msgs / 1,000 convs',
      scale: '1×',
      why: `not run by default: at the measured ${round(msPerMessage, 2)} ms per merged message one merge run alone is ~${round((msPerMessage * 100_000) / 1000, 0)} s, plus ~the same again for the raw baseline with index rows; npm run bench -- --full runs it`,
    });
    skipped.push({ figure: 'Ingest 1,000,000 msgs / 10,000 convs', scale: '10×', why: `~${round((msPerMessage * 1_000_000) / 60_000, 0)} min per merge run at the measured rate` });
  }
  details.ingest = perScale;
}

/** Where one merge's time goes (per IndexedDB operation), on the first batches of the 1× data. */
async function profileIngest(page: Page): Promise<void> {
  const size = { conversations: 1_000, messages: 100_000 };
  log('ingest profile: first 10 batches of the 1× data, per IndexedDB operation');
  const p = await call(page, 'ingestProfile', size, SEED, 10);
  const ops = Object.entries(p.ops).sort((a, b) => b[1].ms - a[1].ms);
  details.ingestProfile = { ...p, perBatch: summarize(p.perBatchMs), perBatchMs: undefined, ops: Object.fromEntries(ops) };
  log(`  ${p.batches} batches, ${p.messages} msgs in ${round(p.totalMs)} ms; per batch median ${round(summarize(p.perBatchMs).median)} ms`);
  for (const [k, v] of ops.slice(0, 12)) log(`  ${k}: ${round(v.ms)} ms in ${v.calls} calls (${round((100 * v.ms) / p.totalMs, 1)}%)`);
  const t = await call(page, 'termsWrite', size, SEED, 5);
  (details.ingestProfile as Record<string, unknown>).termsWrite = t;
  log(`  the same ${t.rows} index records (${t.indexEntries} multiEntry entries): Dexie bulkPut per batch ${round(t.dexiePerBatchMs)} ms, Dexie bulkPut once ${round(t.dexieOnceMs)} ms, raw IDB one tx ${round(t.rawOnceMs)} ms`);
}

/** Milliseconds from navigation start to the first frame after `selector` exists (observer + rAF). */
const PAINT_PROBE = `(() => {
  // What the page's ResizeObservers are told (the windowed list sizes itself from them).
  window.__resizeLog = [];
  const RO = window.ResizeObserver;
  window.ResizeObserver = class extends RO {
    constructor(cb) {
      super((entries, o) => {
        for (const e of entries) window.__resizeLog.push(String(e.target.className) + ' ' + e.target.clientHeight + 'px @' + performance.now().toFixed(0) + 'ms');
        cb(entries, o);
      });
    }
  };
  const sel = 'ul[aria-label] > li[aria-posinset], main[data-bench-blank] p';
  const done = () => {
    window.__seenAt = performance.now();
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { window.__paintedAt = performance.now(); };
      ch.port2.postMessage(0);
    });
  };
  const check = () => { if (window.__seenAt === undefined && document.querySelector(sel)) { done(); mo.disconnect(); } };
  const mo = new MutationObserver(check);
  mo.observe(document, { subtree: true, childList: true });
})();`;

interface ListLayout {
  listClientHeight: number;
  listScrollHeight: number;
  windowInnerHeight: number;
  /** The list and its ancestors: tag.class and clientHeight, to see which one is not height-bounded. */
  chain: string[];
  /** Every size the page's ResizeObservers reported during the load: element class, clientHeight, time. */
  resizeLog: string[];
}

async function pageLoadTimes(h: H, path: string, reps: number, warmup = true): Promise<{ times: number[]; rows: number; layout: ListLayout | null }> {
  const times: number[] = [];
  let rowsShown = 0;
  let layout: ListLayout | null = null;
  const skip = warmup ? 1 : 0;
  for (let i = 0; i < reps + skip; i++) {
    const page = await h.context.newPage();
    await page.addInitScript(PAINT_PROBE);
    await page.goto(`chrome-extension://${h.extensionId}/${path}`);
    await page.waitForFunction(() => (window as unknown as { __paintedAt?: number }).__paintedAt !== undefined, null, { timeout: 120_000 });
    const t = await page.evaluate(() => (window as unknown as { __paintedAt: number }).__paintedAt);
    rowsShown = await page.locator('ul[aria-label] > li[aria-posinset]').count();
    layout = await page.evaluate(() => {
      const ul = document.querySelector('li[aria-posinset]')?.parentElement;
      if (!ul) return null;
      const chain: string[] = [];
      for (let el: Element | null = ul; el; el = el.parentElement) chain.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} ${el.clientHeight}px`);
      return { listClientHeight: ul.clientHeight, listScrollHeight: ul.scrollHeight, windowInnerHeight: innerHeight, chain, resizeLog: (window as unknown as { __resizeLog: string[] }).__resizeLog };
    });
    await page.close();
    if (i >= skip) times.push(t); // the first load warms the disk cache and the code cache
  }
  return { times, rows: rowsShown, layout };
}

/**
 * Popup open, by conversations in the store (the open path reads the conversations table only:
 * lib/store/queries.ts inbox(); messages are read when a thread opens), and search, by messages.
 * Default sizes are what a ~10 minute run allows at the measured write rate; --full fills the
 * issue's 250,000 messages with their index.
 */
async function benchPopup(h: H, page: Page): Promise<void> {
  const sizes = [
    { scale: '0.1×', size: { conversations: 500, messages: 5_000 } },
    { scale: '1×', size: { conversations: 5_000, messages: args.has('--full') ? 250_000 : 10_000 } },
    { scale: '10×', size: { conversations: 50_000, messages: 50_000 } },
  ];
  const perScale: Record<string, unknown> = {};
  for (const { scale, size } of sizes) {
    if (QUICK && scale === '10×') {
      skipped.push({ figure: 'Popup open', scale, why: '--quick' });
      continue;
    }
    log(`filling the store: ${size.conversations} conversations, ${size.messages} messages (no index rows)`);
    const fill = await call(page, 'fillStore', size, SEED + 1, false);
    log(`  filled in ${round(fill.ms / 1000, 1)} s`);
    // A 50,000-conversation open takes tens of seconds here: fewer repetitions at 10×.
    const reps = QUICK ? 3 : scale === '10×' ? 1 : scale === '1×' ? 5 : 10;
    const popup = await pageLoadTimes(h, 'popup.html', reps, scale !== '10×');
    const blank = await pageLoadTimes(h, 'bench/blank.html', reps);
    const p = summarize(popup.times);
    const b = summarize(blank.times);
    const q = await call(page, 'inboxQuery', 5);
    const query = summarize(q.times);
    add({
      figure: 'Popup open → rows painted',
      scale,
      data: `${size.conversations.toLocaleString('en')} convs / ${size.messages.toLocaleString('en')} msgs`,
      unit: 'ms',
      value: p,
      baseline: { name: 'blank extension page', value: b },
      ratio: p.median / b.median,
      target: '≤ 1.5× baseline; ≤ 150 ms',
      pass: p.median <= 1.5 * b.median && p.median <= 150,
      note: `inbox() query alone ${round(query.median, 1)} ms; ${popup.rows} of ${size.conversations} rows in the DOM after open (list clientHeight ${popup.layout?.listClientHeight} px in a ${popup.layout?.windowInnerHeight} px window; its ResizeObserver saw: ${popup.layout?.resizeLog.join(', ')})`,
    });
    const entry: Record<string, unknown> = { size, fill, popup: p, blank: b, inboxQuery: query, rowsInDom: popup.rows, layout: popup.layout };
    if (scale === '1×') {
      entry.profile = await profilePopup(h);
      log('  popup CPU profile (self ms):', JSON.stringify((entry.profile as { top: unknown[] }).top.slice(0, 8)));
    }
    perScale[scale] = entry;
  }
  details.popup = perScale;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

/**
 * A sampled CPU profile of one popup load (reload of an open popup tab, so the DevTools session
 * stays attached): self time per function, the top ones, to say where the open path spends.
 */
async function profilePopup(h: H): Promise<{ totalMs: number; top: { fn: string; selfMs: number }[] }> {
  const page = await h.context.newPage();
  await page.addInitScript(PAINT_PROBE);
  await page.goto(`chrome-extension://${h.extensionId}/popup.html`);
  await page.waitForFunction(() => (window as unknown as { __paintedAt?: number }).__paintedAt !== undefined, null, { timeout: 30_000 });
  const cdp = await h.context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { __paintedAt?: number }).__paintedAt !== undefined, null, { timeout: 30_000 });
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] } };
  await cdp.detach();
  await page.close();
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)));
  const self = new Map<string, number>();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const file = f.url.split('/').pop() ?? '';
    const key = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + (byNode.get(n.id) ?? 0) / 1000);
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([fn, ms]) => ({ fn, selfMs: round(ms, 1) }));
  return { totalMs: round((profile.endTime - profile.startTime) / 1000, 1), top };
}

async function benchSearch(page: Page): Promise<void> {
  const sizes = [
    { scale: '0.01×', size: { conversations: 50, messages: 2_500 } },
    { scale: '0.1×', size: { conversations: 500, messages: 25_000 } },
    ...(args.has('--full') ? [{ scale: '1×', size: { conversations: 5_000, messages: 250_000 } }] : []),
  ];
  const perScale: Record<string, unknown> = {};
  for (const { scale, size } of sizes) {
    if (QUICK && scale !== '0.01×') continue;
    if (!wantScale(scale)) continue;
    log(`filling the store: ${size.conversations} conversations, ${size.messages} messages with their index records`);
    const fill = await call(page, 'fillStore', size, SEED + 1, true);
    log(`  filled in ${round(fill.ms / 1000, 1)} s (${fill.docs.toLocaleString('en')} index records, ${fill.indexEntries.toLocaleString('en')} entries)`);
    log(`search: 100 queries over ${size.messages} messages`);
    const idx = await call(page, 'searchStore', 100, SEED + 2);
    const lin = await call(page, 'searchLinear', 100, SEED + 2);
    const agree = await call(page, 'searchAgrees', 100, SEED + 2);
    const s = summarize(idx.times);
    const l = summarize(lin.times);
    const hitsOk = idx.hits.every((n, i) => n === lin.hits[i]);
    const slow = idx.times
      .map((t, i) => ({ t, q: idx.queries[i]!, ...idx.stats[i]! }))
      .sort((a, b) => b.t - a.t)
      .slice(0, 3);
    perScale[scale] = {
      size,
      fill,
      indexed: s,
      linear: l,
      linearLoadMs: lin.loadMs,
      hits: summarize(idx.hits),
      hitCountsEqualToScan: hitsOk,
      resultsEqualToScan: agree,
      read: {
        keys: summarize(idx.stats.map((x) => x.keysRead)),
        docs: summarize(idx.stats.map((x) => x.docsRead)),
        rounds: summarize(idx.stats.map((x) => x.rounds)),
      },
      slowest: slow,
    };
    add({
      figure: 'Search: lib/store/search.ts per query',
      scale,
      data: `100 queries / ${size.messages.toLocaleString('en')} msgs (${fill.docs.toLocaleString('en')} index records)`,
      unit: 'ms',
      value: s,
      baseline: { name: 'linear scan in memory', value: l },
      ratio: s.median / l.median,
      target: 'p95 ≤ 30 ms',
      pass: s.p95 <= 30,
      note:
        `per query the index read median ${summarize(idx.stats.map((x) => x.keysRead)).median} keys (p95 ${summarize(idx.stats.map((x) => x.keysRead)).p95}, max ${summarize(idx.stats.map((x) => x.keysRead)).max}) and ${summarize(idx.stats.map((x) => x.docsRead)).p95} index records at p95, in ${summarize(idx.stats.map((x) => x.rounds)).max} rounds at most, then loaded only the messages shown; ` +
        `slowest: ${slow.map((x) => `"${x.q}" ${round(x.t, 0)} ms / ${x.keysRead} keys`).join(', ')}; ` +
        `the scan first needs ${round(lin.loadMs / 1000, 1)} s to load + fold all messages; results ${agree.equal === 100 ? 'identical to' : `DIFFER (${agree.differ.slice(0, 3).join(', ')}) from`} the scan's (same messages, same order) for ${agree.equal}/100 queries`,
    });
  }
  if (!args.has('--full')) {
    const done = perScale['0.1×'] as { fill?: { ms: number; indexEntries: number } } | undefined;
    skipped.push({
      figure: 'Search over 250,000 msgs',
      scale: '1×',
      why: `filling 250,000 messages with their ~${round(((done?.fill?.indexEntries ?? 0) * 10) / 1e6, 1)}M index entries would take ~${round(((done?.fill?.ms ?? 0) * 10) / 1000, 0)} s at the measured write rate (10× the 0.1× fill); npm run bench -- --full runs it`,
    });
  }
  details.search = perScale;
}

/** The extension's isolated world in a page: where the shipped content script runs. */
async function contentWorld(page: Page): Promise<(expr: string) => Promise<unknown>> {
  const cdp = await page.context().newCDPSession(page);
  const contexts: { id: number; name: string; origin: string; auxData?: { type?: string; isDefault?: boolean } }[] = [];
  cdp.on('Runtime.executionContextCreated', (e: { context: (typeof contexts)[number] }) => contexts.push(e.context));
  await cdp.send('Runtime.enable');
  await sleep(200);
  const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin.startsWith('chrome-extension://'));
  if (!world) throw new Error(`no content-script world (contexts: ${contexts.map((c) => `${c.name}/${c.auxData?.type}`).join(', ')})`);
  return async (expression) => {
    const r = (await cdp.send('Runtime.evaluate', { expression, contextId: world.id, awaitPromise: true, returnByValue: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value;
  };
}

/** One ingest sent from the WhatsApp content-script world; resolves when the background acked it (after commit). */
function ingestExpression(n: number): string {
  const batch = {
    type: 'ingest',
    platform: 'whatsapp',
    batchId: `bench-sw-${Date.now()}-${n}`,
    health: { state: 'ok' },
    conversations: [],
    thread: {
      conversation: { nativeId: 'Bench SW', title: 'Bench SW', isGroup: false },
      messages: [
        {
          nativeId: `BENCHSW${Date.now()}${n}`,
          sender: { name: 'Bench SW', isSelf: false },
          text: `Pesan nomor ${n} 🙏 message number ${n}`,
          sentAt: Date.now(),
          timePrecision: 'minute',
          status: 'received',
          attachments: [],
          quote: null,
          system: false,
          truncated: false,
        },
      ],
    },
  };
  return `(async () => { const b = ${JSON.stringify(batch)}; const t0 = performance.now(); const reply = await chrome.runtime.sendMessage(b); return { ms: performance.now() - t0, reply, id: 'whatsapp:Bench SW:' + b.thread.messages[0].nativeId }; })()`;
}

async function benchServiceWorker(h: H, store: Page, label: string, scale: Row['scale'], data: string): Promise<void> {
  log(`service worker cold start (${label})`);
  const wa = await h.openSite('https://web.whatsapp.com/');
  await wa.waitForSelector('#pane-side [role="grid"]');
  await sleep(1500); // the content script's own first batches
  const evalInWorld = await contentWorld(wa);
  const cold: number[] = [];
  const warm: number[] = [];
  const reps = QUICK ? 3 : 6;
  let n = 0;
  for (let i = 0; i < reps + 1; i++) {
    await h.stopServiceWorker();
    const until = Date.now() + 5_000;
    while (h.context.serviceWorkers().length > 0 && Date.now() < until) await sleep(50);
    await sleep(300);
    const c = (await evalInWorld(ingestExpression(++n))) as { ms: number; reply: { ok?: boolean }; id: string };
    const w = (await evalInWorld(ingestExpression(++n))) as { ms: number; reply: { ok?: boolean }; id: string };
    if (!c.reply?.ok || !w.reply?.ok) throw new Error(`ingest not acknowledged: ${JSON.stringify([c.reply, w.reply])}`);
    if (!(await call(store, 'messageById', c.id))) throw new Error(`acknowledged message ${c.id} is not in the store`);
    if (i === 0) continue; // first stop also drops the worker's code cache warm-up from the launch
    cold.push(c.ms);
    warm.push(w.ms);
  }
  await wa.close();
  const cs = summarize(cold);
  const ws = summarize(warm);
  add({
    figure: 'Service worker: cold start → batch stored',
    scale,
    data,
    unit: 'ms',
    value: cs,
    baseline: { name: 'same batch, worker running', value: ws },
    ratio: cs.median / ws.median,
    target: '≤ 100 ms',
    pass: cs.median <= 100,
    note: 'sendMessage from the content-script world to the ack, which the background sends after the merge commits',
  });
  (details.serviceWorker ??= {} as Record<string, unknown>);
  (details.serviceWorker as Record<string, unknown>)[label] = { cold: cs, warm: ws };
}

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
      const type = ext === '.html' ? 'text/html; charset=utf-8' : ext === '.css' ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
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

async function benchScrape(h: H, script: string): Promise<void> {
  await routeScrapeFixtures(h);
  const perScale: Record<string, unknown> = {};
  for (const [scale, n] of [['0.1×', 200], ['1×', 2_000], ['10×', 20_000]] as const) {
    if (QUICK && scale === '10×') continue;
    log(`scrape: thread with ${n} rendered messages`);
    const page = await h.context.newPage();
    await page.goto(`${SCRAPE_ORIGIN}/`);
    await page.waitForSelector('#main [role="row"] [data-id]');
    await page.addScriptTag({ content: script });
    const s = (fn: string, ...a: unknown[]) =>
      page.evaluate(([fn, a]) => (window as unknown as { __scrape: Record<string, (...x: unknown[]) => unknown> }).__scrape[fn as string]!(...(a as unknown[])), [fn, a] as const);
    const setup = (await s('setup', n, SEED + 3)) as Awaited<ReturnType<ScrapeBench['setup']>>;
    const isolated = (await s('isolated')) as boolean;
    const base = summarize((await s('baseline', 30)) as number[]);
    const full = summarize((await s('fullScan', n > 5_000 ? 3 : QUICK ? 3 : 7)) as number[]);
    const inc = (await s('incremental', QUICK ? 10 : 40, SEED + 4)) as Awaited<ReturnType<ScrapeBench['incremental']>>;
    const parts = (await s('parts', 20)) as Record<string, number[]>;
    await page.close();
    const incCost = summarize(inc.readMs.map((r, i) => r + inc.observerMs[i]!));
    const partsSummary = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)]));
    perScale[scale] = {
      rows: setup.rows,
      crossOriginIsolated: isolated,
      baseline: base,
      fullScan: full,
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
      pass: incCost.median <= 1,
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
      baseline: { name: 'querySelectorAll + textContent', value: base },
      ratio: full.median / base.median,
      target: '≤ 2× baseline',
      pass: full.median <= 2 * base.median,
      note: `${isolated ? '5 µs' : '100 µs'} timer resolution`,
    });
  }
  details.scrape = perScale;
  await benchScrapeMeta(h, script, false);
}

/** Instagram (a group thread) and Messenger (a 1:1 thread): the same incremental and full reads at 0.1× and 1×. */
async function benchScrapeMeta(h: H, script: string, routeFixtures: boolean): Promise<void> {
  if (routeFixtures) await routeScrapeFixtures(h);
  const host = new URL(SCRAPE_ORIGIN).hostname;
  const pages = [
    { platform: 'instagram', name: 'Instagram', url: `https://ig.${host}/direct/t/340282366841710300949128149236711/`, ready: 'div[data-scope="messages_table"] [id^="mid.$"]' },
    { platform: 'messenger', name: 'Messenger', url: `https://fb.${host}/messages/t/100009912873344/`, ready: '[role="main"] [role="row"] [dir="auto"]' },
  ] as const;
  const out: Record<string, unknown> = {};
  for (const p of pages) {
    for (const [scale, n] of [['0.1×', 200], ['1×', 2_000]] as const) {
      log(`scrape: ${p.name} thread with ${n} rendered rows`);
      const page = await h.context.newPage();
      await page.goto(p.url);
      await page.waitForSelector(p.ready);
      await page.addScriptTag({ content: script });
      const s = (fn: string, ...a: unknown[]) =>
        page.evaluate(([fn, a]) => (window as unknown as { __scrape: Record<string, (...x: unknown[]) => unknown> }).__scrape[fn as string]!(...(a as unknown[])), [fn, a] as const);
      const setup = (await s('setup', n, SEED + 3, p.platform)) as Awaited<ReturnType<ScrapeBench['setup']>>;
      const base = summarize((await s('baseline', 30)) as number[]);
      const full = summarize((await s('fullScan', QUICK ? 3 : 5)) as number[]);
      const inc = (await s('incremental', QUICK ? 10 : 30, SEED + 4)) as Awaited<ReturnType<ScrapeBench['incremental']>>;
      const parts = (await s('parts', 20)) as Record<string, number[]>;
      await page.close();
      const incCost = summarize(inc.readMs.map((r, i) => r + inc.observerMs[i]!));
      const partsSummary = Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)]));
      out[`${p.platform} ${scale}`] = {
        rows: setup.rows,
        baseline: base,
        fullScan: full,
        incremental: { cost: incCost, rowsParsed: summarize(inc.rowsParsed), rowsCompared: summarize(inc.rowsCompared), batchMessages: summarize(inc.batchMessages) },
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
        pass: incCost.median <= 1,
        note:
          `per read ${summarize(inc.rowsParsed).median} rows parsed, ${summarize(inc.rowsCompared).median} compared; parts: ` +
          Object.entries(partsSummary).map(([k, v]) => `${k} ${round(v.median, 3)} ms`).join(', '),
      });
      add({
        figure: `Scrape (${p.name}): full scan (first read)`,
        scale,
        data,
        unit: 'ms',
        value: full,
        baseline: { name: 'querySelectorAll + textContent', value: base },
        ratio: full.median / base.median,
        target: '≤ 2× baseline',
        pass: full.median <= 2 * base.median,
      });
    }
  }
  details.scrapeMeta = out;
}

// ---------------------------------------------------------------- report

function machine(chromium: string): Record<string, unknown> {
  let browser = 'unknown';
  try {
    browser = execFileSync(chromium, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* reported as unknown */
  }
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGB: round(os.totalmem() / 2 ** 30, 1),
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    browser,
    headless: true,
  };
}

async function main(): Promise<void> {
  buildExtension();
  const scrapeScript = await buildBenchPages();
  process.env.EXTENSION_DIR = EXT;
  const { launch, chromiumPath } = await import('../tests/e2e/harness');
  const info = machine(chromiumPath());
  log('machine', info);

  if (want('bundle')) await benchBundle();
  if (want('crypto')) await benchCrypto(chromiumPath());

  const h = await launch();
  try {
    const store = await storePage(h);
    await call(store, 'clearStore');
    if (want('sw')) await benchServiceWorker(h, store, 'empty store', 'empty', 'store empty');
    if (want('profile')) await profileIngest(store);
    if (want('ingest')) await benchIngest(store);
    if (want('search')) await benchSearch(store);
    // The store now holds the largest search data set: a cold start against a filled store.
    if (want('sw') && want('search')) await benchServiceWorker(h, store, 'store filled', 'filled', 'store: 500 convs / 25,000 msgs + index');
    if (want('popup')) await benchPopup(h, store);
    await call(store, 'clearStore');
    if (want('scrape')) await benchScrape(h, scrapeScript);
    else if (want('scrape-meta')) await benchScrapeMeta(h, scrapeScript, true);
  } finally {
    await h.close();
  }

  const results = {
    generatedAt: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    seed: SEED,
    durationSeconds: round((Date.now() - started) / 1000, 0),
    machine: info,
    notes: [
      'Median and p95 are nearest-rank over the repetitions (runs); for msg/s the p95 column is the throughput of the p95 (slow) run.',
      'Ratio = value / baseline medians (for msg/s: product throughput / baseline throughput).',
      'Browser rows run headless in Debian Chromium with the built extension loaded; crypto runs in Node, and its ratchet rows again in a plain Chromium page.',
    ],
    rows,
    skipped,
    details,
  };
  // Only a complete default run may replace the committed results.
  const file = process.env.BENCH_RESULTS ?? (QUICK || ONLY.size > 0 || SCALES.size > 0 ? 'bench/results.partial.json' : 'bench/results.json');
  writeFileSync(resolve(ROOT, file), JSON.stringify(results, null, 2) + '\n');
  console.log('\n' + table(rows));
  for (const s of skipped) console.log(`skipped ${s.figure} ${s.scale}: ${s.why}`);
  log(`done; wrote ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
