// What each messenger tab actually loads: the content scripts are bundled here (esbuild, the
// bundler under WXT's Vite) and their inputs listed. The snapshot types come from the valibot
// schemas (lib/shared/schemas.ts) and reach content code through lib/shared/model.ts type-only, so
// neither valibot nor the schemas nor the protocol may end up in a content script.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const ENTRIES = readdirSync(resolve(ROOT, 'entrypoints')).filter((f) => f.endsWith('.content.ts'));

async function inputsOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(ROOT, 'entrypoints', entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    // WXT's own runtime helpers are not ours to audit.
    external: ['wxt/*'],
  });
  return Object.keys(result.metafile.inputs);
}

describe('content script bundles', () => {
  it('there is one per platform', () => {
    expect([...ENTRIES].sort()).toEqual(['instagram.content.ts', 'messenger.content.ts', 'whatsapp.content.ts']);
  });

  it.each(ENTRIES)('%s carries no valibot, snapshot schemas or protocol', async (entry) => {
    const inputs = await inputsOf(entry);
    // It did bundle the adapter and the shared model (the test is not vacuous).
    expect(inputs).toContain('lib/shared/model.ts');
    expect(inputs.some((f) => f.startsWith('content/'))).toBe(true);
    const forbidden = inputs.filter((f) => /node_modules\/valibot\/|^lib\/shared\/(schemas|protocol)\.ts$/.test(f));
    expect(forbidden).toEqual([]);
  });
});
