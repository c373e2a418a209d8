// What the popup and side panel run before their first frame: entrypoints/first-rows.ts is a
// classic script loaded ahead of everything else, so its size is paid before any row shows. It
// reads with bare IndexedDB and paints the frame itself; the store library (Dexie), the schemas
// and the app must not ride along (a re-export in lib/store/queries.ts once pulled Dexie in:
// 109 KB minified, 36 KB gz, instead of ~4 KB gz).
import { build } from 'esbuild';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');

describe('the early script (first-rows)', () => {
  it('bundles the first frame and nothing of the store library, the schemas or the app', async () => {
    const result = await build({
      entryPoints: [resolve(ROOT, 'entrypoints/first-rows.ts')],
      absWorkingDir: ROOT,
      bundle: true,
      write: false,
      metafile: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      logLevel: 'silent',
      external: ['wxt/*'],
    });
    const inputs = Object.keys(result.metafile.inputs);
    // Not vacuous: the early read and the frame painter are in.
    expect(inputs).toEqual(expect.arrayContaining(['lib/pages/first-rows.ts', 'lib/pages/first-paint.ts']));
    const forbidden = inputs.filter((f) =>
      /node_modules\/(dexie|valibot|preact)\/|^lib\/(store\/(db|search)|shared\/(schemas|protocol))\.ts$/.test(f),
    );
    expect(forbidden).toEqual([]);
    const gz = gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
    expect(gz).toBeLessThan(8 * 1024);
  });
});
