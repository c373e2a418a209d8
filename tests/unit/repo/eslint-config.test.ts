// The tier rules in eslint.config.js must bite: each snippet is linted as if it sat at the given
// path (imports resolve against the real tree), and must raise exactly the expected rule.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let eslint: ESLint;

async function rulesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  if (!result) throw new Error(`no lint result for ${path}`);
  return result.messages.map((m) => m.ruleId ?? m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

// The first lint walks the import graph of the real tree (no-cycle): seconds, more on a loaded machine.
describe('tier boundaries (eslint.config.js)', { timeout: 120_000 }, () => {
  it('content may not import the store, the worker, crypto or pages', async () => {
    for (const from of [
      '../lib/store/db',
      '../lib/worker/outbox',
      '../lib/worker/e2ee/manager',
      '../lib/crypto/armor',
      '../lib/pages/App',
      '../lib/store/search',
    ]) {
      expect(await rulesFor('content/x.ts', `import * as m from '${from}';\nexport { m };\n`), from).toEqual([
        'import-x/no-restricted-paths',
      ]);
    }
  });

  it('content may import the shared model and text, and only the types of the protocol', async () => {
    const legal = `import { LIMITS } from '../lib/shared/model';\nimport { previewOf } from '../lib/shared/text';\nimport type { Ingest } from '../lib/shared/protocol';\nexport { LIMITS, previewOf };\nexport type { Ingest };\n`;
    expect(await rulesFor('content/x.ts', legal)).toEqual([]);
    const runtime = `import { IngestSchema } from '../lib/shared/protocol';\nexport { IngestSchema };\n`;
    expect(await rulesFor('content/x.ts', runtime)).toEqual(['@typescript-eslint/no-restricted-imports']);
  });

  it('content may import the snapshot types but not the snapshot schemas', async () => {
    const types = `import type { MessageSnapshot } from '../lib/shared/schemas';\nexport type { MessageSnapshot };\n`;
    expect(await rulesFor('content/x.ts', types)).toEqual([]);
    const runtime = `import { MessageSnapshotSchema } from '../lib/shared/schemas';\nexport { MessageSnapshotSchema };\n`;
    expect(await rulesFor('content/x.ts', runtime)).toEqual(['@typescript-eslint/no-restricted-imports']);
    expect(await rulesFor('entrypoints/whatsapp.content.ts', runtime)).toEqual(['@typescript-eslint/no-restricted-imports']);
  });

  it('pages may not import worker code, and may read the store', async () => {
    expect(await rulesFor('lib/pages/X.tsx', `import * as m from '../worker/storage-errors';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/pages/X.tsx', `import * as m from '../worker/merge';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('entrypoints/popup/x.ts', `import * as m from '../../lib/worker/outbox';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/pages/X.tsx', `import * as m from '../store/storage-error';\nexport { m };\n`)).toEqual([]);
  });

  it('the worker may not import page code (its strings come from the shared lib/shared/i18n/)', async () => {
    expect(await rulesFor('lib/worker/x.ts', `import * as m from '../pages/api';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/worker/x.ts', `import * as m from '../pages/i18n';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/worker/x.ts', `import * as m from '../shared/i18n';\nexport { m };\n`)).toEqual([]);
  });

  it('shared modules import only shared modules', async () => {
    expect(await rulesFor('lib/shared/text.ts', `import * as m from '../store/db';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/crypto/x.ts', `import * as m from '../store/e2ee/seal';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/shared/text.ts', `import * as m from './model';\nexport { m };\n`)).toEqual([]);
  });

  it('the store imports neither worker nor page code', async () => {
    expect(await rulesFor('lib/store/db.ts', `import * as m from '../worker/e2ee/manager';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/store/x.ts', `import * as m from '../pages/format';\nexport { m };\n`)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await rulesFor('lib/store/x.ts', `import * as m from './records';\nexport { m };\n`)).toEqual([]);
  });

  it('every source file sits in exactly one tier folder', async () => {
    // @ts-expect-error: the lint config is plain JavaScript without types
    const { TIERS } = (await import('../../../eslint.config.js')) as { TIERS: Record<string, string[]> };
    const { readdirSync } = await import('node:fs');
    const files = ['lib', 'content', 'entrypoints']
      .flatMap((dir) => readdirSync(`${ROOT}${dir}`, { recursive: true, encoding: 'utf8' }).map((f) => `${dir}/${f}`))
      .filter((f) => /\.tsx?$/.test(f));
    const tiers = ['content', 'worker', 'pages', 'store', 'shared'] as const;
    // The globs in TIERS use only `**` and `*`.
    const matcher = (glob: string) =>
      new RegExp(
        `^${glob
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*/g, '\u0000')
          .replace(/\*/g, '[^/]*')
          .replace(/\u0000/g, '.*')}$`,
      );
    const inGlob = (f: string, g: string) => matcher(g).test(f);
    const homeless = files.filter((f) => tiers.filter((t) => TIERS[t]!.some((g) => inGlob(f, g))).length !== 1);
    expect(homeless).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
  });

  it('an import cycle is an error', async () => {
    // search.ts imports search-doc.ts; search-doc.ts importing search.ts back closes a loop.
    expect(await rulesFor('lib/store/search-doc.ts', `import { indexMessages } from './search';\nexport { indexMessages };\n`)).toEqual([
      'import-x/no-cycle',
    ]);
  });
});
