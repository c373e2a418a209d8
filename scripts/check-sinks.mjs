#!/usr/bin/env node
// Fails (exit 1) when a markup sink appears in the extension's source: page data must only ever be
// rendered as text. Usage: node scripts/check-sinks.mjs [folder…] (default: entrypoints content lib).
// Comments are checked too: the words should not appear at all, so a grep can keep it that way.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const SINKS = ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'dangerouslySetInnerHTML', 'document.write'];
const SOURCE = /\.(m?[jt]sx?|cjs|html|vue|svelte)$/;
const SKIP_DIRS = new Set(['node_modules', '.output', '.wxt', '.git']);

function* files(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isFile()) {
    if (SOURCE.test(path)) yield path;
    return;
  }
  for (const name of readdirSync(path)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.output')) continue;
    yield* files(join(path, name));
  }
}

/** Every sink found under the given folders, as { file, line, sink }. */
export function findSinks(roots) {
  const pattern = new RegExp(SINKS.map((s) => s.replace('.', '\\s*\\.\\s*')).join('|'), 'g');
  const found = [];
  for (const root of roots) {
    for (const file of files(root)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          for (const m of text.matchAll(pattern)) found.push({ file, line: i + 1, sink: m[0] });
        });
    }
  }
  return found;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const roots = process.argv.slice(2);
  const found = findSinks(roots.length ? roots : ['entrypoints', 'content', 'lib']);
  for (const f of found) console.error(`${relative(process.cwd(), f.file)}:${f.line}: markup sink "${f.sink}" (render page data as text)`);
  if (found.length) {
    console.error(`check-sinks: ${found.length} markup sink(s) found`);
    process.exit(1);
  }
  console.log('check-sinks: no markup sinks');
}
