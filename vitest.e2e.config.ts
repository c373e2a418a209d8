import { defineConfig } from 'vitest/config';
import { longestFirst } from './tests/longest-first';

// Browser tests: each file launches its own Chromium with its own profile. Two files at a time:
// the sweep file (~6 min) is mostly waiting on the apps' paced steps, so the others run beside it
// instead of after it (CI must stay under 20 minutes on 2 cores).
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    fileParallelism: true,
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The sweep file first: it is the longest, and mostly waits.
    sequence: { sequencer: longestFirst(['sweep.e2e.ts']) },
  },
});
