// Prints the markdown table of a results file: vite-node bench/print.ts [bench/results.json]
import { readFileSync } from 'node:fs';
import { table, type Row } from './report';

const file = process.argv[2] ?? 'bench/results.json';
const r = JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[]; skipped: { figure: string; scale: string; why: string }[] };
console.log(table(r.rows));
for (const s of r.skipped) console.log(`\n- Not run: ${s.figure} (${s.scale}): ${s.why}`);
