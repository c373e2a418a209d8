// Lint = the tier rules of the house design (section 5, "Enforcement") plus zero import cycles.
// Each file's tier is named by path in TIERS below; when lib/ moves to lib/{shared,store,worker,pages}
// only TIERS changes, the zones stay as they are.
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

/** Where each tier lives today (globs relative to the repository root). */
export const TIERS = {
  /** Page side: runs inside the messenger tab. */
  content: ['content/**'],
  /** Service worker only: the store's one writer. */
  worker: [
    'lib/background/**',
    'entrypoints/background.ts',
    'lib/merge.ts',
    'lib/rekey.ts',
    'lib/e2ee/manager.ts',
    'lib/e2ee/reader.ts',
    'lib/e2ee/sealed-store.ts',
    'lib/e2ee/passphrase.ts',
  ],
  /** Extension pages (popup, side panel, options). */
  pages: ['lib/ui/**', 'entrypoints/popup/**', 'entrypoints/sidepanel/**', 'entrypoints/options/**'],
  /** Runs anywhere; imports only other shared modules and libraries (i18n is here: the worker's notifications use it). */
  shared: ['lib/model.ts', 'lib/platforms.ts', 'lib/protocol.ts', 'lib/text.ts', 'lib/settings.ts', 'lib/i18n.ts', 'lib/i18n/**', 'lib/crypto/**'],
  /** Store, e2ee and crypto code a content script must never bundle. */
  notForContent: [
    'lib/background/**',
    'lib/db.ts',
    'lib/merge.ts',
    'lib/rekey.ts',
    'lib/search.ts',
    'lib/search-doc.ts',
    'lib/e2ee-records.ts',
    'lib/storage-error.ts',
    'lib/people.ts',
    'lib/data-export.ts',
    'lib/e2ee/**',
    'lib/crypto/**',
    'lib/ui/**',
  ],
};

const ROOT = import.meta.dirname;
const all = (...lists) => lists.flat();
const isGlob = (p) => /[*?{}[\]()!]/.test(p);

/**
 * One no-restricted-paths zone per `from` entry: the rule refuses a zone that mixes globs and
 * plain paths, and for a glob it matches `except` globs against absolute paths.
 */
function zone({ target, from, except = [], message }) {
  return from.map((f) => ({
    target,
    from: f,
    // A plain file path becomes the glob `path{,/**}` (the rule takes only globs as exceptions).
    except: isGlob(f) ? except.map((e) => `${ROOT}/${isGlob(e) ? e : `${e}{,/**}`}`) : [],
    message,
  }));
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.output/**',
      '.output-*/**',
      '.wxt/**',
      'demo/out/**',
      'bench/out/**',
      'test-results/**',
      // Plain browser scripts that play the messenger apps in tests; not part of the extension.
      'tests/fixtures/**/*.js',
    ],
  },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: {
      // Imported files are parsed too (no-cycle walks them): TypeScript needs its parser there.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: ROOT,
          zones: [
            ...zone({
              target: TIERS.content,
              from: TIERS.notForContent,
              message: 'content scripts never import worker, store, page or crypto code',
            }),
            ...zone({
              target: TIERS.pages,
              from: TIERS.worker,
              message: 'pages never import worker code; read the store through a read module instead',
            }),
            ...zone({
              target: TIERS.worker,
              from: TIERS.pages,
              message: 'the worker never imports page code',
            }),
            ...zone({
              target: TIERS.shared,
              from: ['lib/**'],
              except: TIERS.shared,
              message: 'shared modules import only shared modules and libraries',
            }),
            ...zone({
              target: ['lib/db.ts'],
              // rekey.ts is not here: the schema's v5 upgrade runs its id migration.
              from: ['lib/background/**', 'lib/merge.ts', 'lib/e2ee/**', ...TIERS.pages],
              message: 'the store schema imports only shared and store modules',
            }),
          ],
        },
      ],
    },
  },
  {
    // A content script may use the protocol's types (erased at build) but never its runtime
    // schemas: those pull valibot and the whole protocol into every messenger tab.
    files: ['content/**/*.{ts,tsx}'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lib/protocol', '**/lib/protocol.ts'],
              allowTypeImports: true,
              message: 'content imports only types from lib/protocol (runtime schemas stay in the worker)',
            },
          ],
        },
      ],
    },
  },
);
