// The tier rules in eslint.config.js must bite: each snippet is linted as if it sat at the given
// path (imports resolve against the real tree), and must raise exactly the expected rule.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

async function rulesFor(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${path}` });
  if (!result) throw new Error(`no lint result for ${path}`);
  return result.messages.map((m) => m.ruleId ?? m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

describe('tier boundaries (eslint.config.js)', () => {
  it('content may not import the store, the worker, e2ee, crypto or pages', async () => {
    for (const from of ['../lib/db', '../lib/background/outbox', '../lib/e2ee/manager', '../lib/crypto/armor', '../lib/ui/App', '../lib/search']) {
      expect(await rulesFor('content/x.ts', `import * as m from '${from}';\nexport { m };\n`), from).toEqual(['import-x/no-restricted-paths']);
    }
  });

  it('content may import the model and text, and only the types of the protocol', async () => {
    const legal = `import { LIMITS } from '../lib/model';\nimport { previewOf } from '../lib/text';\nimport type { Ingest } from '../lib/protocol';\nexport { LIMITS, previewOf };\nexport type { Ingest };\n`;
    expect(await rulesFor('content/x.ts', legal)).toEqual([]);
    const runtime = `import { IngestSchema } from '../lib/protocol';\nexport { IngestSchema };\n`;
    expect(await rulesFor('content/x.ts', runtime)).toEqual(['@typescript-eslint/no-restricted-imports']);
  });

  it('pages may not import worker code', async () => {
    expect(await rulesFor('lib/ui/X.tsx', `import * as m from '../background/storage-errors';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
    expect(await rulesFor('lib/ui/X.tsx', `import * as m from '../merge';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
    expect(await rulesFor('entrypoints/popup/x.ts', `import * as m from '../../lib/background/outbox';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
    expect(await rulesFor('lib/ui/X.tsx', `import * as m from '../storage-error';\nexport { m };\n`)).toEqual([]);
  });

  it('the worker may not import page code (its strings come from the shared lib/i18n.ts)', async () => {
    expect(await rulesFor('lib/background/x.ts', `import * as m from '../ui/api';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
    expect(await rulesFor('lib/background/x.ts', `import * as m from '../ui/i18n';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
    expect(await rulesFor('lib/background/x.ts', `import * as m from '../i18n';\nexport { m };\n`)).toEqual([]);
  });

  it('shared modules import only shared modules', async () => {
    expect(await rulesFor('lib/text.ts', `import * as m from './db';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
    expect(await rulesFor('lib/crypto/x.ts', `import * as m from '../e2ee/seal';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
    expect(await rulesFor('lib/text.ts', `import * as m from './model';\nexport { m };\n`)).toEqual([]);
  });

  it('the store schema may not import e2ee feature code', async () => {
    expect(await rulesFor('lib/db.ts', `import * as m from './e2ee/types';\nexport { m };\n`)).toEqual(['import-x/no-restricted-paths']);
  });

  it('an import cycle is an error', async () => {
    // search.ts imports search-doc.ts; search-doc.ts importing search.ts back closes a loop.
    expect(await rulesFor('lib/search-doc.ts', `import { indexMessages } from './search';\nexport { indexMessages };\n`)).toEqual(['import-x/no-cycle']);
  });
});
