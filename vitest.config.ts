import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import { longestFirst } from './tests/longest-first';

export default defineConfig({
  plugins: [WxtVitest()],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx', 'tests/adapters/**/*.test.ts'],
    environment: 'node',
    // Two files at a time (vitest's default on 2 cores is one: cores − 1). The files are CPU-bound,
    // so a test may take up to twice its time alone; the timeout allows for it.
    fileParallelism: true,
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 40_000,
    // The long fixtures (~90 s alone) and the adapter fuzz first, so neither runs alone at the end.
    sequence: { sequencer: longestFirst(['long-fixtures.test.ts', 'fuzz.test.ts']) },
    setupFiles: ['tests/unit/helpers/dom-timeouts.ts'],
  },
});
