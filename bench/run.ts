// npm run bench: builds the extension into its own folder, adds the bench pages to a copy of it,
// drives Debian's Chromium with it loaded, and prints/writes every figure next to a baseline
// measured in the same run (so ratios hold on a noisy machine). Not part of npm test.
//   --no-build   reuse .output-bench (after a previous run)
//   --quick      fewer repetitions and no 10×-larger rows (a smoke run)
//   --full       adds the 1× sizes for ingest and search (and 250,000 messages behind the popup)
//   --only=a,b   runs only those sections: bundle, crypto, sw, profile, ingest, search, popup, scrape, sweep
//                (scrape-meta: its Instagram/Messenger part alone)
//   --scales=1×  runs only those scale rows of ingest and search
// Each section is a file of bench/sections/; what they share (flags, rows, the store page) is
// bench/sections/context.ts. This file builds, runs the sections in order and writes the results.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { table } from './report';
import {
  args,
  call,
  details,
  EXT,
  log,
  ONLY,
  OUT_DIR,
  QUICK,
  ROOT,
  round,
  rows,
  SCALES,
  SEED,
  skipped,
  started,
  storePage,
  want,
} from './sections/context';
import { benchBundle } from './sections/bundle';
import { benchCrypto } from './sections/crypto';
import { benchIngest, profileIngest } from './sections/ingest';
import { benchPopup } from './sections/popup';
import { benchScrape, benchScrapeMeta } from './sections/scrape';
import { benchSearch } from './sections/search';
import { benchSweep } from './sections/sweep';
import { benchServiceWorker } from './sections/worker';

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
  for (const f of ['store.html', 'blank.html', 'script.html']) copyFileSync(join(ROOT, 'bench/pages', f), join(dir, f));
  writeFileSync(join(dir, 'script.js'), '// intentionally empty (bench/pages/script.html)\n');
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
    const searched = want('search') ? await benchSearch(store) : null;
    // The store now holds the largest search data set: a cold start against a filled store.
    if (want('sw') && searched)
      await benchServiceWorker(
        h,
        store,
        'store filled',
        'filled',
        `store: ${searched.conversations.toLocaleString('en')} convs / ${searched.messages.toLocaleString('en')} msgs + index`,
      );
    if (want('popup')) await benchPopup(h, store);
    await call(store, 'clearStore');
    if (want('scrape')) await benchScrape(h, scrapeScript);
    else if (want('scrape-meta')) await benchScrapeMeta(h, scrapeScript, true);
    if (want('sweep')) await benchSweep(h.context);
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
  const file =
    process.env.BENCH_RESULTS ?? (QUICK || ONLY.size > 0 || SCALES.size > 0 ? 'bench/results.partial.json' : 'bench/results.json');
  writeFileSync(resolve(ROOT, file), JSON.stringify(results, null, 2) + '\n');
  console.log('\n' + table(rows));
  for (const s of skipped) console.log(`skipped ${s.figure} ${s.scale}: ${s.why}`);
  log(`done; wrote ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
