// The results table (markdown), shared by bench/run.ts and bench/print.ts.
import type { Summary } from './pages/stats';

export interface Row {
  figure: string;
  scale: string;
  data: string;
  unit: string;
  value: Summary;
  baseline?: { name: string; value: Summary };
  /** value / baseline (medians), or baseline / value for throughputs: >1 means slower than baseline. */
  ratio?: number;
  target?: string;
  pass?: boolean;
  note?: string;
}

const fmt = (x: number, unit: string) =>
  unit === 'msg/s'
    ? Math.round(x).toLocaleString('en')
    : unit === 'KB' || unit === 'KB gz'
      ? x.toFixed(1)
      : x < 1
        ? x.toFixed(3)
        : x.toFixed(1);

export function table(list: readonly Row[]): string {
  const head = ['Figure', 'Scale', 'Data', 'Median', 'p95', 'Baseline (median / p95)', 'Ratio', 'Target', 'Met'];
  const lines = list.map((r) => [
    r.figure,
    r.scale,
    r.data,
    `${fmt(r.value.median, r.unit)} ${r.unit}`,
    r.value.runs > 1 ? `${fmt(r.value.p95, r.unit)} ${r.unit}` : '—',
    r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value.median, r.unit)} / ${fmt(r.baseline.value.p95, r.unit)}` : '—',
    r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target ?? '—',
    r.pass === undefined ? '—' : r.pass ? 'yes' : 'NO',
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}
