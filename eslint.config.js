// Lint = the tier rules of the house design (section 5, "Enforcement") plus zero import cycles.
// Each file's tier is named by path in TIERS below; when lib/ moves to lib/{shared,store,worker,pages}
// only TIERS changes, the zones stay as they are.
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

/** Each tier is a folder (globs relative to the repository root). */
export const TIERS = {
  /** Page side: runs inside the messenger tab. */
  content: ['content/**', 'entrypoints/*.content.ts'],
  /** Service worker only: the store's one writer. */
  worker: ['lib/worker/**', 'entrypoints/background.ts'],
  /** Extension pages (popup, side panel, options). */
  pages: ['lib/pages/**', 'entrypoints/popup/**', 'entrypoints/sidepanel/**', 'entrypoints/options/**', 'entrypoints/first-rows.ts'],
  /** The IndexedDB schema, its migrations and read helpers: used by the worker and the pages. */
  store: ['lib/store/**'],
  /** Runs anywhere: no browser API, no DOM, no Dexie; imports only other shared modules and libraries. */
  shared: ['lib/shared/**', 'lib/crypto/**'],
  /** Store, worker, page and crypto code a content script must never bundle. */
  notForContent: ['lib/worker/**', 'lib/store/**', 'lib/pages/**', 'lib/crypto/**'],
};

const ROOT = import.meta.dirname;
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
  // typescript-eslint's recommended rules (syntax only; the type checker runs as `npm run typecheck`).
  ...tseslint.configs.recommended,
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
      // A leading underscore marks a value left unused on purpose (e.g. a key dropped by a rest pattern).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
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
              target: TIERS.store,
              from: [...TIERS.worker, ...TIERS.pages],
              message: 'the store imports only shared and store modules',
            }),
          ],
        },
      ],
    },
  },
  {
    // A content script may use the protocol's and the snapshot schemas' types (erased at build)
    // but never their runtime schemas: those pull valibot and the whole protocol into every
    // messenger tab. (lib/shared/model.ts re-exports the snapshot types type-only for the same reason.)
    files: ['content/**/*.{ts,tsx}', 'entrypoints/*.content.ts'],
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lib/shared/protocol', '**/lib/shared/protocol.ts'],
              allowTypeImports: true,
              message: 'content imports only types from lib/shared/protocol (runtime schemas stay in the worker)',
            },
            {
              group: ['**/lib/shared/schemas', '**/lib/shared/schemas.ts'],
              allowTypeImports: true,
              message: 'content imports only types from lib/shared/schemas (runtime schemas stay in the worker)',
            },
          ],
        },
      ],
    },
  },
);
