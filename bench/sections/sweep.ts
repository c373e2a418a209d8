// Sweep section of npm run bench (issue 13): per platform, a full 'chats' sweep of the fixture's
// 2,000-chat long list and an 'older' backfill of 1,000 messages in a 5,000-message thread, run by
// the real content runtime in Chromium (bench/pages/sweep.ts) with the person's pause between steps
// injected as 0. Figures: each step's read (parse, compare, queue; no waiting) against a bare walk
// of the same rendered rows in the same step, and the run's total time, steps and what it read.
// The fixtures are served at bench origins no content script matches (sweep.bench.test and its
// ig. / fb. subdomains), cross-origin isolated for 5 µs timers.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { summarize } from '../pages/stats';
import type { Row } from '../report';
import type { SweepBench, SweepRun } from '../pages/sweep';
import { SWEEP_STEP_DELAY_MS } from '../../lib/shared/sweep';
import { add, details, log, ROOT } from './context';
const HOST = 'sweep.bench.test';
const TARGET_MESSAGES = 1_000;

export interface SectionContext {
  add(row: Row): void;
  details: Record<string, unknown>;
  log(...a: unknown[]): void;
}

const PLATFORMS = [
  {
    platform: 'whatsapp',
    name: 'WhatsApp',
    url: `https://${HOST}/?long=1`,
    ready: '#pane-side [role="row"], #pane-side [role="listitem"]',
  },
  {
    platform: 'instagram',
    name: 'Instagram',
    url: `https://ig.${HOST}/direct/inbox/?long=1`,
    ready: 'a[href*="/direct/t/"], div[role="button"][tabindex="0"]',
  },
  {
    platform: 'messenger',
    name: 'Messenger',
    url: `https://fb.${HOST}/messages/?long=1`,
    ready: '[role="navigation"] [role="grid"] a[href]',
  },
] as const;

export async function pageScript(): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, 'bench/pages/sweep.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    alias: { 'wxt/browser': '@wxt-dev/webextension-polyfill/browser' },
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

/** The fixture apps with their own CSS (long mode renders a window of rows, so look.css stays cheap). */
export async function routeFixtures(context: BrowserContext): Promise<void> {
  const fixtures = join(ROOT, 'tests/fixtures');
  const dirOf = (host: string) => (host.startsWith('ig.') ? 'instagram' : host.startsWith('fb.') ? 'messenger' : 'whatsapp');
  await context.route(
    (url) => url.hostname === HOST || url.hostname.endsWith(`.${HOST}`),
    async (route) => {
      const url = new URL(route.request().url());
      const dir = dirOf(url.hostname);
      const m = /^\/__(fixture|shared)\/([\w.-]+)$/.exec(url.pathname);
      const file = m ? join(fixtures, m[1] === 'shared' ? 'shared' : dir, m[2]!) : join(fixtures, dir, 'index.html');
      const ext = extname(file);
      const type =
        ext === '.html' ? 'text/html; charset=utf-8' : ext === '.css' ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
      return route.fulfill({
        status: 200,
        headers: { 'content-type': type, 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
        body: readFileSync(file),
      });
    },
  );
}

const r = (x: number, d = 2) => Number(x.toFixed(d));

type Platform = (typeof PLATFORMS)[number]['platform'];
type Kind = 'chats' | 'older';

/** One run in a fresh page of the long fixture. */
export async function sweepOne(
  context: BrowserContext,
  script: string,
  platform: Platform,
  kind: Kind,
  log: SectionContext['log'],
): Promise<SweepRun> {
  const p = PLATFORMS.find((x) => x.platform === platform)!;
  const page = await context.newPage();
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    page.on('console', (m) => {
      if (m.text().startsWith('[sweep]')) log(m.text());
    });
    await page.goto(p.url);
    await page.waitForSelector(p.ready);
    await page.addScriptTag({ content: script });
    const res = (await page.evaluate(
      ([platform, kind, n]) => (window as unknown as { __sweep: SweepBench }).__sweep.run(platform, kind, n),
      [platform, kind, TARGET_MESSAGES] as const,
    )) as SweepRun;
    log(
      `  ended ${res.final.state}/${res.final.reason}: ${res.final.found} found in ${res.final.steps} steps, ${Math.round(res.totalMs)} ms`,
    );
    return res;
  } finally {
    await page.close();
  }
}

export async function benchSweep(context: BrowserContext, ctx: SectionContext = { add, details, log }): Promise<void> {
  const script = await pageScript();
  await routeFixtures(context);
  const out: Record<string, unknown> = {};
  for (const p of PLATFORMS) {
    for (const kind of ['chats', 'older'] as const) {
      ctx.log(
        `sweep: ${p.name} ${kind === 'chats' ? 'chat list (2,000 chats)' : `older messages (${TARGET_MESSAGES} of a 5,000-message thread)`}`,
      );
      const res = await sweepOne(context, script, p.platform, kind, ctx.log);
      const read = summarize(res.readMs);
      const bare = summarize(res.bareMs);
      const readSum = res.readMs.reduce((a, b) => a + b, 0);
      const steps = res.final.steps;
      const what = kind === 'chats' ? 'chats' : 'messages';
      const waitS = (res.totalMs - readSum) / 1000;
      out[`${p.platform} ${kind}`] = {
        final: res.final,
        totalMs: r(res.totalMs),
        stepsMs: r(res.stepsMs),
        readSumMs: r(readSum),
        read,
        bare,
        bareRows: summarize(res.bareRows),
        adapterRows: summarize(res.adapterRows),
        distinct: res.distinct,
        batches: res.batches,
        before: res.before,
        target: res.target,
        crossOriginIsolated: res.crossOriginIsolated,
      };
      const data = `${res.final.found.toLocaleString('en')} ${what} read, ${steps} steps`;
      const figure = `Sweep (${p.name}): ${kind === 'chats' ? '2,000-chat list' : `${TARGET_MESSAGES.toLocaleString('en')} older messages`}`;
      ctx.add({
        figure: `${figure}, read per step`,
        scale: '1×',
        data,
        unit: 'ms',
        value: read,
        baseline: { name: 'querySelectorAll + textContent of the same rows', value: bare },
        ratio: read.median / bare.median,
        note:
          `${res.readMs.length} reads; rows per step: adapter ${summarize(res.adapterRows).median}, bare walk ${summarize(res.bareRows).median} (median); ` +
          `${res.final.state}/${res.final.reason}; ${res.distinct.toLocaleString('en')} distinct ${what} sent in ${res.batches} batches; ${res.crossOriginIsolated ? '5 µs' : '100 µs'} timers`,
      });
      ctx.add({
        figure: `${figure}, whole run (no step delay)`,
        scale: '1×',
        data,
        unit: 's',
        value: summarize([res.totalMs / 1000]),
        note:
          `reads ${r(readSum / 1000)} s (${r((100 * readSum) / res.totalMs, 1)} %), waiting for the page (spinner, quiet window, putting the list back) ${r(waitS)} s; ` +
          `steps end at ${r(res.stepsMs / 1000)} s; the shipped pause (${SWEEP_STEP_DELAY_MS.min}–${SWEEP_STEP_DELAY_MS.max} ms from scroll to scroll, overlapping the wait) would add at most ${r((steps * (SWEEP_STEP_DELAY_MS.min + SWEEP_STEP_DELAY_MS.max)) / 2000, 0)} s on average`,
      });
    }
  }
  ctx.details.sweep = out;
}
