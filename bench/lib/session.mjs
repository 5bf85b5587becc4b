// One benchmark run: a fresh browser context and page, the recorder's scripts loaded (not yet
// recording), and a measured window around the work.
import path from 'node:path';
import { newPage } from '../../tests/e2e/lib/browser.mjs';
import { REPO_ROOT } from '../../tests/e2e/lib/paths.mjs';
import { openCdp, metrics, metricDelta, heap, startTrace, stopTrace } from './measure.mjs';

const PAGE_HELPER = path.join(REPO_ROOT, 'bench/lib/page.js');

// tapedeck: emit() into the same JS sink as rrweb (JSON.stringify + fflate), as rrweb's users
// consume it. wire: Tapedeck as it ships to an endpoint (batches gzipped in wasm, sent with
// fetch, answered by a stub in the page; no emit), against rrweb as PostHog ships it.
export const KINDS = ['baseline', 'tapedeck', 'wire', 'rrweb'];

/** The order of the variants in run number r: rotated, so none always goes first. */
export function orderFor(r, kinds = KINDS) {
  return kinds.map((_, i) => kinds[(i + r) % kinds.length]);
}

/**
 * Open url in a fresh context with the scripts of `kind` loaded: every page gets fflate for the
 * sink (rrweb's bundle carries its own), the Tapedeck page gets pkg/dist/tapedeck.js and waits
 * for `tapedeck.load()` so compiling the wasm is not inside any measured window.
 * Returns { page, cdp, kind, loadMs, close() }.
 */
export async function openRun(ctx, url, kind) {
  const page = await newPage(ctx.browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.stack || e)));
  await page.addInitScript({ path: PAGE_HELPER });
  // A hook for tools (bench/profile.mjs routes the wasm request to a build with names).
  if (ctx.onPage) await ctx.onPage(page);
  const response = await page.goto(ctx.baseUrl + url, { waitUntil: 'load', timeout: 60_000 });
  if (!response?.ok()) throw new Error(`GET ${url}: ${response?.status()}`);
  await page.evaluate(() => window.__bench.frames(2));

  const t0 = Date.now();
  await page.addScriptTag({ url: kind === 'rrweb' ? ctx.scripts.rrweb : ctx.scripts.sink });
  let loadMs = 0;
  if (kind === 'tapedeck' || kind === 'wire') {
    await page.addScriptTag({ url: '/pkg/dist/tapedeck.js' });
    await page.evaluate(() => window.tapedeck.load());
  }
  loadMs = Date.now() - t0;
  const cdp = await openCdp(page);
  return {
    page,
    cdp,
    kind,
    loadMs,
    errors,
    close: () => page.context().close(),
  };
}

/**
 * Measure `work(run, m0)` (which should do its page work through __bench.inTask): GC first so
 * collection debt from loading is not billed to the window, then metrics + trace around it.
 * Returns { ...metric deltas, longestTaskMs, tasksOver50, result (work's value) }.
 */
export async function measureWindow(ctx, run, work) {
  const w = [Date.now()];
  await run.cdp.send('HeapProfiler.collectGarbage');
  w.push(Date.now());
  await startTrace(ctx.browser, run.page);
  w.push(Date.now());
  const m0 = await metrics(run.cdp);
  const t0 = Date.now();
  const result = await work(run, m0);
  const wallMs = Date.now() - t0;
  w.push(Date.now());
  const m1 = await metrics(run.cdp);
  const trace = await stopTrace(ctx.browser);
  w.push(Date.now());
  if (process.env.BENCH_DEBUG) console.log('    window phases', w.slice(1).map((x, i) => x - w[i]).join(' '));
  return { ...metricDelta(m0, m1), ...trace, wallMs, result };
}

export { heap };

/**
 * ctx.runs rounds of the variants (`kinds`, default KINDS) on fresh pages of url, the order
 * rotated each round. Per run: prepare(run) (not measured), the measured window around
 * work(run), then the heap after a GC and after(run) (not measured).
 * Returns { baseline: [...], tapedeck: [...], wire: [...], rrweb: [...] }, index r = round r.
 */
export async function runVariants(ctx, label, url, { prepare, work, after, kinds = KINDS }) {
  const runs = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let r = 0; r < ctx.runs; r++) {
    for (const kind of orderFor(r, kinds)) {
      let t = Date.now();
      const phases = {};
      const lap = (name) => {
        phases[name] = Date.now() - t;
        t = Date.now();
      };
      const run = await openRun(ctx, url, kind);
      lap('open');
      try {
        if (prepare) await prepare(run);
        lap('prepare');
        const m = await measureWindow(ctx, run, work);
        lap('window');
        const mem = await heap(run.cdp, run.page);
        lap('heap');
        const extra = after ? await after(run) : {};
        if (process.env.BENCH_DEBUG) console.log(`    ${label} ${kind}`, JSON.stringify(phases));
        if (run.errors.length) ctx.warn(`${label} (${kind}): page errors: ${run.errors.slice(0, 3).join(' | ')}`);
        runs[kind][r] = { ...m, mem, loadMs: run.loadMs, errors: run.errors, ...extra };
      } finally {
        await run.close();
      }
    }
  }
  return runs;
}

/** In-page: start `kind` recording inside a page task and wait until it has gone quiet. */
export function startRecording(run, quietMs) {
  return run.page.evaluate(
    ({ kind, quietMs }) =>
      window.__bench.inTask(async () => {
        await window.__bench.start(kind);
        await window.__bench.quiet(quietMs);
        return window.__bench.take();
      }),
    { kind: run.kind, quietMs },
  );
}
