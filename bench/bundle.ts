// Bundle sizes read from the built extension: each content script as shipped (minified), and the
// popup / side panel as the chunks their HTML loads (script, modulepreload and every static import
// reached from them) plus the chunks those load dynamically to start the app (lib/pages/start.ts
// imports the app after the first frame: Vite lists such chunks in `__vite__mapDeps`; the lazy views
// the app loads later are not counted), gzipped one by one. A re-bundle of each content entry with esbuild's
// metafile attributes the bytes to packages (approximate: esbuild, not WXT's Rollup, and without
// WXT's content-script wrapper).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface EntrySize {
  entry: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
}

const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;

function jsImports(file: string, root: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:\bimport\s*|\bfrom\s*)["']([^"']+\.js)["']/g)) {
    const spec = m[1]!;
    const target = spec.startsWith('/') ? join(root, spec) : resolve(dirname(file), spec);
    if (existsSync(target)) out.push(target);
  }
  return out;
}

/** The chunks a file's dynamic imports load (Vite's `__vite__mapDeps` list, paths from the root). */
function dynamicDeps(file: string, root: string): string[] {
  const list = /__vite__mapDeps=[^\n]*?\[([^\]]*)\]/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
  return [...list.matchAll(/"([^"]+\.js)"/g)].map((m) => join(root, m[1]!));
}

function htmlEntry(root: string, html: string): EntrySize {
  const text = readFileSync(join(root, html), 'utf8');
  const queue: string[] = [];
  for (const m of text.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)) {
    queue.push(join(root, m[1]!.replace(/^\//, '')));
  }
  const seen = new Set<string>();
  const walk = () => {
    while (queue.length) {
      const f = queue.shift()!;
      if (seen.has(f) || !existsSync(f)) continue;
      seen.add(f);
      queue.push(...jsImports(f, root));
    }
  };
  walk();
  for (const f of [...seen]) queue.push(...dynamicDeps(f, root));
  walk();
  const files = [...seen];
  return {
    entry: html,
    files: files.map((f) => relative(root, f)),
    bytes: files.reduce((n, f) => n + readFileSync(f).length, 0),
    gzipBytes: files.reduce((n, f) => n + gz(readFileSync(f)), 0),
  };
}

export function bundleSizes(extDir: string): { contentScripts: EntrySize[]; pages: EntrySize[] } {
  const csDir = join(extDir, 'content-scripts');
  const contentScripts = readdirSync(csDir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => {
      const b = readFileSync(join(csDir, f));
      return { entry: `content-scripts/${f}`, files: [`content-scripts/${f}`], bytes: b.length, gzipBytes: gz(b) };
    });
  const pages = ['popup.html', 'sidepanel.html'].filter((p) => existsSync(join(extDir, p))).map((p) => htmlEntry(extDir, p));
  return { contentScripts, pages };
}

/** Minified bytes per package / project file in one entry (esbuild re-bundle; CSS left out). */
export async function contentBreakdown(root: string, entry: string): Promise<{ total: number; byOrigin: Record<string, number> }> {
  const r = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    minify: true,
    write: false,
    metafile: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.css': 'empty' },
    // As in the WXT build (the @wxt-dev/webextension-polyfill module): extension pages get the polyfill.
    alias: entry.includes('.content.') ? {} : { 'wxt/browser': '@wxt-dev/webextension-polyfill/browser' },
    logLevel: 'silent',
  });
  const out = Object.values(r.metafile!.outputs)[0]!;
  const byOrigin: Record<string, number> = {};
  for (const [input, info] of Object.entries(out.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = m ? m[1]! : input.split('/').slice(0, 2).join('/');
    byOrigin[key] = (byOrigin[key] ?? 0) + info.bytesInOutput;
  }
  return { total: out.bytes, byOrigin };
}
