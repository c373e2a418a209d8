// Summary statistics shared by the Node driver and the in-browser bench pages.
export interface Summary {
  runs: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export function summarize(xs: readonly number[]): Summary {
  return {
    runs: xs.length,
    median: percentile(xs, 50),
    p95: percentile(xs, 95),
    min: Math.min(...xs),
    max: Math.max(...xs),
  };
}
