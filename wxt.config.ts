import { resolve } from 'node:path';
import { defineConfig } from 'wxt';
import type { Plugin } from 'vite';
import { hostPermissions } from './lib/shared/platforms';

// Origins we read and post into: exactly the content scripts' matches (least privilege), from
// the one table of platform facts.
export const MESSENGER_HOSTS = hostPermissions();

// Firefox 140 (ESR) is the first to know data_collection_permissions; Firefox for Android 142.
const GECKO = {
  id: 'unified-inbox@example.org',
  strict_min_version: '140.0',
  // Nothing is collected: everything stays on the user's machine.
  data_collection_permissions: { required: ['none'] },
};
const GECKO_ANDROID = { strict_min_version: '142.0' };

/**
 * Extension pages (popup, side panel, options) use the browser's own promise-based API too: every
 * call they make (runtime.sendMessage, storage, tabs.getCurrent, openOptionsPage) returns a promise
 * natively in Chrome MV3 and Firefox, so the polyfill's 9.9 KB is not loaded at first paint. The
 * background keeps it: its runtime.onMessage listener answers by returning a promise, which only
 * the polyfill makes work in Chrome. The choice is made per importing file (the WXT module has
 * already aliased wxt/browser to the polyfill), whichever build the file is in.
 */
function nativeBrowserOutsideBackground(): Plugin {
  const POLYFILL = '@wxt-dev/webextension-polyfill/browser';
  const needsPolyfill = (importer: string) => /[\\/](entrypoints[\\/]background|lib[\\/]background[\\/])/.test(importer);
  return {
    name: 'unified-inbox:native-browser-outside-background',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source !== POLYFILL || !importer || needsPolyfill(importer)) return null;
      return this.resolve('@wxt-dev/browser', importer, { ...options, skipSelf: true });
    },
  };
}

export default defineConfig({
  // A separate output directory for parallel working builds (default: .output).
  outDir: process.env.WXT_OUT_DIR ?? '.output',
  modules: ['@wxt-dev/webextension-polyfill'],
  // `npm run zip`: the store packages, and for Firefox the sources archive Mozilla's reviewers ask
  // for (everything needed to rebuild, without build output, dependencies or local data).
  zip: {
    artifactTemplate: '{{name}}-{{version}}-{{browser}}.zip',
    sourcesTemplate: '{{name}}-{{version}}-sources.zip',
    excludeSources: ['.output*/**', 'demo/out/**', 'bench/out/**', 'test-results/**', '**/*.log'],
  },
  imports: false,
  manifest: ({ browser }) => ({
    // Name and description come from public/_locales (en, id): the browser and the stores show the
    // user's language.
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'notifications'],
    host_permissions: MESSENGER_HOSTS,
    action: { default_title: 'Unified Inbox' },
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    },
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: GECKO, gecko_android: GECKO_ANDROID } } : {}),
  }),
  hooks: {
    // Content scripts talk to the extension through the browser's own promise-based API (`browser`
    // in Firefox, `chrome` in Chrome MV3) instead of webextension-polyfill: it halves their size,
    // and they run in every tab of the messengers. (Extension pages go native too, through the plugin
    // above; only the background keeps the polyfill.)
    // Their context is content/lifetime.ts instead of WXT's (which adds ~3 KB of location watching
    // and timer wrappers the runtime does not use).
    'vite:build:extendConfig'(entrypoints, config) {
      if (!entrypoints.every((e) => e.type === 'content-script')) return;
      const native = { find: /^wxt\/browser$/, replacement: '@wxt-dev/browser' };
      const lifetime = { find: /^wxt\/utils\/content-script-context$/, replacement: resolve('content/lifetime.ts') };
      const alias = config.resolve?.alias ?? {};
      const rest = Array.isArray(alias)
        ? alias
        : Object.entries(alias as Record<string, string>).map(([find, replacement]) => ({ find, replacement }));
      config.resolve = { ...config.resolve, alias: [native, lifetime, ...rest] };
    },
  },
  vite: () => ({
    plugins: [nativeBrowserOutsideBackground()],
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    // Terser instead of esbuild's minifier: two compress passes and better mangling take ~5 % off
    // every bundle gzipped (the popup's start chunks, the content scripts) for ~14 s more build.
    // SOURCEMAP=1 adds source maps, to attribute a bundle's bytes to its sources (bench/README.md).
    build: { sourcemap: !!process.env.SOURCEMAP, minify: 'terser', terserOptions: { compress: { passes: 2 }, module: true } },
    resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  }),
});
