// Where a recorder's main-thread time goes: a V8 CPU profile of one benchmark window.
//
//   node bench/profile.mjs [tapedeck|rrweb] [snapshot-50000 | mutation:<workload>]
//
// Writes bench/results/profile-<recorder>-<page>.cpuprofile (open it in Chrome DevTools'
// Performance panel) and prints the functions with the most self time, plus totals by kind.
// For Tapedeck the page is served target/wasm-bindgen/core_bg.wasm (the same release build
// before wasm-opt, which keeps the function names) in place of pkg/dist/tapedeck.wasm.
// Needs `make build` (and `make bench` once, for bench/pages and bench/build).
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../tests/e2e/lib/paths.mjs';
import { openProbe, runWork } from './lib/probe.mjs';

const recorder = process.argv[2] || 'tapedeck';
const target = process.argv[3] || 'snapshot-50000';
const SAMPLING_US = 100;

const probe = await openProbe(recorder, target);
const { run } = probe;
try {
  await run.cdp.send('HeapProfiler.collectGarbage');
  await run.cdp.send('Profiler.enable');
  await run.cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  await run.cdp.send('Profiler.start');
  await runWork(probe);
  const { profile } = await run.cdp.send('Profiler.stop');
  await run.close();

  const file = path.join(REPO_ROOT, `bench/results/profile-${recorder}-${target.replace(':', '-')}.cpuprofile`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  summarize(profile);
  console.log(`\nprofile: ${path.relative(process.cwd(), file)}`);
} finally {
  await probe.close();
}

function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) || 0) + (dt[i + 1] ?? SAMPLING_US) / 1000);
  });
  const byFunction = new Map();
  const byKind = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const { functionName, url } = byId.get(id).callFrame;
    const name = functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)') continue;
    total += ms;
    const where = url ? path.basename(url.split('?')[0]) : '';
    const key = `${name}  ${where}`;
    byFunction.set(key, (byFunction.get(key) || 0) + ms);
    const kind = url.endsWith('.wasm') || /^\$?func\d|wasm-function/.test(name)
      ? 'wasm'
      : name.startsWith('(')
        ? name
        : url
          ? `js: ${where}`
          : `native: ${name}`;
    byKind.set(kind, (byKind.get(kind) || 0) + ms);
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  console.log(`busy ${total.toFixed(0)} ms sampled (idle and "(program)" left out)\n\nby kind:`);
  for (const [k, ms] of top(byKind, 12)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${(100 * ms / total).toFixed(0).padStart(3)}%  ${k}`);
  console.log('\nby function (self time):');
  for (const [k, ms] of top(byFunction, 30)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${(100 * ms / total).toFixed(0).padStart(3)}%  ${k}`);
}
