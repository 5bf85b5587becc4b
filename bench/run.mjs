// `make bench`: Tapedeck against rrweb's recorder (@rrweb/record + fflate, as PostHog ships it)
// in headless Chromium, on the same pages in the same run, with a no-recorder baseline. See
// BENCHMARKS.md for what is measured and how.
//
// env:
//   BENCH_RUNS=n        rounds per workload (default 5; each round = baseline, tapedeck, rrweb)
//   BENCH_QUICK=1       2 rounds, a 3 s storm: a smoke run, not for the record
//   BENCH_ONLY=a,b      suites: snapshot, mutation, interaction, storm, bundle (memory is measured
//                       in the snapshot and mutation runs)
//   BENCH_SIZES=1000,10000   snapshot page sizes (default 1000,10000,50000,100000)
//   BENCH_WORKLOADS=a,b mutation workloads (default all, see suites/mutation.mjs)
//   BENCH_STORM_MS=ms   storm length (default 10000); BENCH_STORM_RUNS (default 1)
//   BENCH_UPDATE_DOC=1  rewrite the table in BENCHMARKS.md from this run
//   BENCH_DEBUG=1       print the wall time of each phase of every run
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from '../tests/e2e/lib/server.mjs';
import { launchBrowser, CHROMIUM_PATH } from '../tests/e2e/lib/browser.mjs';
import { REPO_ROOT } from '../tests/e2e/lib/paths.mjs';
import { writePages, PAGE_SIZES } from './lib/pages.mjs';
import { buildBundles, bundleSizes } from './lib/bundles.mjs';
import { median } from './lib/measure.mjs';
import { buildRows, textTable, markdownTable, summary, updateDoc } from './lib/report.mjs';
import { snapshotSuite } from './suites/snapshot.mjs';
import { mutationSuite, WORKLOADS } from './suites/mutation.mjs';
import { interactionSuite } from './suites/interaction.mjs';
import { stormSuite } from './suites/storm.mjs';

const env = process.env;
const quick = env.BENCH_QUICK === '1';
const runs = Number(env.BENCH_RUNS || (quick ? 2 : 5));
const only = new Set((env.BENCH_ONLY || 'snapshot,mutation,interaction,storm,bundle').split(',').map((s) => s.trim()));
const sizes = env.BENCH_SIZES ? env.BENCH_SIZES.split(',').map(Number) : PAGE_SIZES;
const stormMs = Number(env.BENCH_STORM_MS || (quick ? 3000 : 10000));
const stormRuns = Number(env.BENCH_STORM_RUNS || 1);
const RESULTS_DIR = path.join(REPO_ROOT, 'bench/results');

if (!fs.existsSync(path.join(REPO_ROOT, 'pkg/dist/tapedeck.js'))) {
  console.error('pkg/dist/tapedeck.js is missing: run `make build` first (make bench does).');
  process.exit(1);
}

const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(0) + ' s';
const warnings = [];
// Main-thread CPU time / wall time of every run: well under 1 when other processes take the cores.
const cpuShares = [];
const ctx = {
  runs,
  sizes,
  stormMs,
  stormRuns,
  workloads: env.BENCH_WORKLOADS
    ? WORKLOADS.filter(([name]) => env.BENCH_WORKLOADS.split(',').includes(name))
    : WORKLOADS,
  warn: (msg) => {
    warnings.push(msg);
    console.warn('warning: ' + msg);
  },
  progress: (label, r) => {
    const m = (kind) => (r[kind] ? median(r[kind].map((x) => x.cpuMs)).toFixed(1) : '—');
    console.log(`  ${label.padEnd(28)} main-thread CPU median: none ${m('baseline')}, tapedeck emit ${m('tapedeck')}, wire ${m('wire')}, rrweb ${m('rrweb')} ms  [${elapsed()}]`);
    for (const k of Object.keys(r)) for (const x of r[k]) if (x.wallTaskMs > 0) cpuShares.push(x.cpuMs / x.wallTaskMs);
  },
};

function version(pkg) {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}
function git(...args) {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

writePages(path.join(REPO_ROOT, 'bench/pages'), [...new Set([1000, ...sizes])]);
ctx.scripts = await buildBundles();
const server = await startServer({ root: REPO_ROOT });
ctx.baseUrl = server.url;
ctx.browser = await launchBrowser();

const results = {};
console.log(`make bench: ${runs} round(s) per workload, order rotated; Chromium ${ctx.browser.version()}, ${os.cpus().length} cores`);
try {
  if (only.has('snapshot')) results.snapshot = await snapshotSuite(ctx);
  if (only.has('mutation')) results.mutation = await mutationSuite(ctx);
  if (only.has('interaction')) results.interaction = await interactionSuite(ctx);
  if (only.has('storm')) results.storm = await stormSuite(ctx);
  if (only.has('bundle')) results.bundle = bundleSizes();
} finally {
  await ctx.browser.close();
  await server.close();
}

const rows = buildRows(results);
const seconds = Math.round((Date.now() - started) / 1000);
const meta = {
  date: new Date().toISOString(),
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: Boolean(git('status', '--porcelain', '--untracked-files=no')),
  chromium: ctx.browser.version(),
  chromiumPath: CHROMIUM_PATH,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  node: process.version,
  runs,
  stormMs,
  stormRuns,
  versions: { '@rrweb/record': version('@rrweb/record'), fflate: version('fflate') },
  command: `make bench${env.BENCH_RUNS ? ` BENCH_RUNS=${env.BENCH_RUNS}` : ''}${quick ? ' BENCH_QUICK=1' : ''}`,
  seconds,
  cpuShare: median(cpuShares),
  warnings,
};

console.log('\n' + textTable(rows) + '\n\n' + summary(meta, rows));

fs.mkdirSync(RESULTS_DIR, { recursive: true });
const stamp = meta.date.replace(/[:.]/g, '-');
const json = JSON.stringify({ meta, rows, results }, null, 1);
fs.writeFileSync(path.join(RESULTS_DIR, `bench-${stamp}.json`), json);
fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
fs.writeFileSync(path.join(RESULTS_DIR, 'latest.md'), markdownTable(rows) + '\n');
console.log(`results: bench/results/bench-${stamp}.json (and latest.json, latest.md); ${seconds} s in all`);

if (env.BENCH_UPDATE_DOC === '1') {
  updateDoc(path.join(REPO_ROOT, 'BENCHMARKS.md'), meta, rows);
  console.log('BENCHMARKS.md updated');
}
