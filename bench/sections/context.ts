// What every bench section shares: the command's flags, the clock, the rows and details the run
// writes, and the store page's bench API. bench/run.ts runs the sections; each adds its rows here.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { summarize, type Summary } from '../pages/stats';
import type { Row } from '../report';
import type { StoreBench } from '../pages/store';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** BENCH_OUT_DIR lets parallel runs use their own build (default .output-bench). */
export const OUT_DIR = process.env.BENCH_OUT_DIR ?? '.output-bench';
export const EXT = join(ROOT, OUT_DIR, 'chrome-mv3');
export const args = new Set(process.argv.slice(2));
export const QUICK = args.has('--quick');
/** --only=a,b runs only those sections: bundle, crypto, sw, profile, ingest, search, popup, scrape (scrape-meta: its Instagram/Messenger part alone). */
export const ONLY = new Set(
  process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? [],
);
export const want = (section: string) => ONLY.size === 0 || ONLY.has(section);
/** --scales=1× runs only those scale rows of ingest and search (e.g. with --full). */
export const SCALES = new Set(
  process.argv
    .find((a) => a.startsWith('--scales='))
    ?.slice(9)
    .split(',') ?? [],
);
export const wantScale = (scale: string) => SCALES.size === 0 || SCALES.has(scale);
export const SEED = 20261125;
export const started = Date.now();

export const log = (...a: unknown[]) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`, ...a);
export const round = (x: number, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- results

export const rows: Row[] = [];
export const details: Record<string, unknown> = {};
export const skipped: { figure: string; scale: string; why: string }[] = [];

export function add(row: Row): void {
  rows.push(row);
  const b = row.baseline ? ` | ${row.baseline.name} ${round(row.baseline.value.median)} (p95 ${round(row.baseline.value.p95)})` : '';
  log(
    `${row.figure} [${row.scale}, ${row.data}]: median ${round(row.value.median)} ${row.unit}, p95 ${round(row.value.p95)}${b}${row.pass === undefined ? '' : row.pass ? ' ✓' : ' ✗'}`,
  );
}

export const one = (x: number): Summary => summarize([x]);

/** MB of JS heap in use in `page` after two full garbage collections (CDP). */
export async function heapUsedMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    for (let i = 0; i < 2; i++) await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize / (1024 * 1024);
  } finally {
    await cdp.detach();
  }
}

// ---------------------------------------------------------------- the browser and the store page

/** The launched browser (tests/e2e/harness.ts) with the bench copy of the extension loaded. */
export type H = Awaited<ReturnType<(typeof import('../../tests/e2e/harness'))['launch']>>;

export async function storePage(h: H): Promise<Page> {
  const page = await h.openPopup('bench/store.html');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  return page;
}

export const call = <K extends keyof StoreBench>(page: Page, fn: K, ...a: Parameters<StoreBench[K]>) =>
  page.evaluate(([fn, a]) => (window as unknown as { __bench: Record<string, (...x: unknown[]) => unknown> }).__bench[fn]!(...a), [
    fn,
    a,
  ] as const) as Promise<Awaited<ReturnType<StoreBench[K]>>>;
