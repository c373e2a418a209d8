// Bundle sizes: each content script as shipped and each page's JS, gzipped (bench/bundle.ts).
import { bundleSizes, contentBreakdown } from '../bundle';
import { add, details, EXT, one, ROOT, round } from './context';

export async function benchBundle(): Promise<void> {
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
  for (const e of [
    'entrypoints/whatsapp.content.ts',
    'entrypoints/instagram.content.ts',
    'entrypoints/messenger.content.ts',
    'entrypoints/popup/main.tsx',
  ]) {
    breakdown[e] = await contentBreakdown(ROOT, e);
  }
  details.entryBreakdown = breakdown;
}
