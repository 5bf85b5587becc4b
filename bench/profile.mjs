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
import { launchBrowser } from '../tests/e2e/lib/browser.mjs';
import { startServer } from '../tests/e2e/lib/server.mjs';
import { REPO_ROOT } from '../tests/e2e/lib/paths.mjs';
import { buildBundles } from './lib/bundles.mjs';
import { writePages } from './lib/pages.mjs';
import { openRun, startRecording } from './lib/session.mjs';

const recorder = process.argv[2] || 'tapedeck';
const target = process.argv[3] || 'snapshot-50000';
const SAMPLING_US = 100;

const isMutation = target.startsWith('mutation:');
const url = isMutation ? `/www/workloads.html?w=${target.slice(9)}` : `/bench/pages/${target}.html`;
const size = /^snapshot-(\d+)$/.exec(target)?.[1];
if (size) writePages(path.join(REPO_ROOT, 'bench/pages'), [Number(size)]);

const server = await startServer({ root: REPO_ROOT });
const browser = await launchBrowser();
const ctx = { browser, baseUrl: server.url, scripts: await buildBundles() };
try {
  const named = path.join(REPO_ROOT, 'target/wasm-bindgen/core_bg.wasm');
  if (recorder === 'tapedeck' && fs.existsSync(named)) {
    ctx.onPage = (page) =>
      page.context().route('**/pkg/dist/tapedeck.wasm', (route) =>
        route.fulfill({ body: fs.readFileSync(named), contentType: 'application/wasm' }),
      );
  }
  const run = await openRun(ctx, url, recorder);
  if (isMutation) {
    await startRecording(run, 100);
  }
  await run.cdp.send('HeapProfiler.collectGarbage');
  await run.cdp.send('Profiler.enable');
  await run.cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  await run.cdp.send('Profiler.start');
  if (isMutation) {
    await run.page.evaluate(() =>
      window.__bench.inTask(async () => {
        window.workload();
        await window.__bench.quiet(200);
        return window.__bench.take();
      }),
    );
  } else {
    await startRecording(run, 200);
  }
  const { profile } = await run.cdp.send('Profiler.stop');
  await run.close();

  const file = path.join(REPO_ROOT, `bench/results/profile-${recorder}-${target.replace(':', '-')}.cpuprofile`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(profile));
  summarize(profile);
  console.log(`\nprofile: ${path.relative(process.cwd(), file)}`);
} finally {
  await browser.close();
  await server.close();
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
