import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The sweep files first (one per platform): they are the longest, and mostly wait. */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const sweep = (f: TestSpecification) => /[/\\]sweep-[a-z]+\.e2e\.ts$/.test(f.moduleId);
    return [...sorted.filter(sweep), ...sorted.filter((f) => !sweep(f))];
  }
}

// Browser tests: each file launches its own Chromium with its own profile. Two files at a time:
// the sweep files (~2.5 min each, ~7.5 min together) mostly wait on the apps' paced steps, so the
// others run beside them; one file per platform lets the two workers share them (CI must stay
// under 20 minutes on 2 cores).
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
    sequence: { sequencer: LongestFirst },
  },
});
