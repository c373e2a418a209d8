import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the named files first, in the order given, then the rest as vitest sorts them. With two
 * workers the longest files must start first: one started last would run alone at the end. (A
 * clean clone has no timing cache, so vitest's own order is by file size, which does not know.)
 */
export function longestFirst(suffixes: readonly string[]): new (...args: ConstructorParameters<typeof BaseSequencer>) => BaseSequencer {
  const rank = (f: TestSpecification) => {
    const i = suffixes.findIndex((s) => f.moduleId.endsWith(s));
    return i < 0 ? suffixes.length : i;
  };
  return class LongestFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      return sorted
        .map((f, i) => ({ f, i }))
        .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
        .map(({ f }) => f);
    }
  };
}
