// The markup-sink lint (scripts/check-sinks.mjs, part of `npm run typecheck`): it fails on a file
// that uses any sink, passes on clean code, and the extension's own folders are clean.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/check-sinks.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function folder(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'sinks-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('check-sinks', () => {
  test.each([
    ['el.innerHTML = page;', 'innerHTML'],
    ['row.outerHTML', 'outerHTML'],
    ["x.insertAdjacentHTML('beforeend', s)", 'insertAdjacentHTML'],
    ['<div dangerouslySetInnerHTML={{ __html: s }} />', 'dangerouslySetInnerHTML'],
    ['document.write(s)', 'document.write'],
    ['document . write(s)', 'document . write'],
  ])('fails on %s', (line, sink) => {
    const d = folder({ 'ok.ts': 'export const a = 1;\n', 'nested/deep/bad.tsx': `// ok line\nexport function f() {\n  ${line}\n}\n` });
    const r = run(d);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join('nested', 'deep', 'bad.tsx'));
    expect(r.stderr).toContain(':3:');
    expect(r.stderr).toContain(sink);
  });

  test('passes on clean code (textContent, createTextNode) and ignores non-source files', () => {
    const d = folder({
      'a.ts': 'el.textContent = page;\nel.append(document.createTextNode(s));\n',
      'notes.md': 'never use innerHTML\n',
      'node_modules/x/index.js': 'el.innerHTML = 1\n',
    });
    const r = run(d);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  test("the extension's folders (entrypoints, content, lib) are clean", () => {
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
