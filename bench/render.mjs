// Re-renders a saved run with the current report code, without measuring again:
//   node bench/render.mjs [bench/results/<file>.json] [--doc]
// --doc rewrites the table in BENCHMARKS.md (as BENCH_UPDATE_DOC=1 does after a run).
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../tests/e2e/lib/paths.mjs';
import { buildRows, textTable, summary, updateDoc } from './lib/report.mjs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--')) ?? path.join(REPO_ROOT, 'bench/results/latest.json');
const { meta, results } = JSON.parse(fs.readFileSync(file, 'utf8'));
const rows = buildRows(results);
console.log(textTable(rows) + '\n\n' + summary(meta, rows));
if (args.includes('--doc')) {
  updateDoc(path.join(REPO_ROOT, 'BENCHMARKS.md'), meta, rows);
  console.log('BENCHMARKS.md updated');
}
