import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  plugins: [WxtVitest()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx', 'tests/adapters/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    setupFiles: ['tests/unit/helpers/dom-timeouts.ts'],
  },
});
