// The browser's own accounting of one measured window: CDP Performance metrics (cumulative
// main-thread durations of the page's renderer), a trace for the longest task, and the heap.
//
// Work measured must run in ordinary page tasks: Chromium books a Runtime.evaluate's own
// script time as DevToolsCommandDuration, not ScriptDuration, so page.js runs each step from
// a setTimeout task (see __bench.run).

// '-*' first: without it Chromium adds every enabled-by-default category, among them per-forced-layout
// events that fire on each scrollTop read and would slow down exactly what is measured.
// blink.user_timing: performance.mark() events, which tell the sink's tasks apart.
export const TRACE_CATEGORIES = ['-*', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];
const SINK_MARK = 'bench-sink-flush';

/** CDP session on the page with the Performance domain on. */
export async function openCdp(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

export async function metrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Main-thread milliseconds between two Performance.getMetrics snapshots. */
export function metricDelta(m0, m1) {
  const ms = (k) => ((m1[k] ?? 0) - (m0[k] ?? 0)) * 1000;
  return {
    taskMs: ms('TaskDuration'),
    scriptMs: ms('ScriptDuration'),
    layoutMs: ms('LayoutDuration'),
    styleMs: ms('RecalcStyleDuration'),
    compileMs: ms('V8CompileDuration'),
    devtoolsMs: ms('DevToolsCommandDuration'),
  };
}

/** JS heap bytes in use after a full GC, plus the page's wasm linear memory. */
export async function heap(cdp, page) {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__bench.wasmBytes());
  return { jsHeap: usage.usedSize, wasm, total: usage.usedSize + wasm };
}

export async function startTrace(browser, page) {
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
}

/**
 * Stops the trace and sums up the page's renderer main thread (the CrRendererMain thread that ran
 * the most task time, which is the page's: every other renderer is idle during the window):
 *   cpuMs             main-thread CPU time: the thread time (tdur) of every top-level task. Unlike
 *                     wall time it does not grow when the OS gives the core to another process,
 *                     which on a shared machine is most of the noise.
 *   wallTaskMs        the same tasks' wall time
 *   longestTaskMs     the longest task (wall), leaving out the tasks in which the bench's sink
 *                     gzipped a batch (marked with performance.mark, see page.js)
 *   longestTaskCpuMs  the CPU time of the longest such task (by CPU time)
 *   longestTaskAllMs  the longest task of all (wall); sinkTaskMs the longest of the sink's
 *   tasksOver50       tasks over 50 ms wall, sink tasks left out
 *   cpuAtMark         for each performance.mark named 'bench-at-*': the CPU time of the tasks that
 *                     ended before it (splits a window, see the storm)
 */
export async function stopTrace(browser) {
  const buf = await browser.stopTracing();
  const parsed = JSON.parse(buf.toString('utf8'));
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const top = mainThreadTasks(events);

  const marks = events.filter((e) => e.cat?.includes('user_timing') && e.ph !== 'M');
  const sinkMarks = marks.filter((e) => e.name === SINK_MARK).map((e) => e.ts);
  const isSink = (t) => sinkMarks.some((ts) => ts >= t.ts && ts <= t.ts + t.dur);
  const own = top.filter((t) => !isSink(t));
  const sink = top.filter(isSink);
  const max = (list, f) => list.reduce((m, t) => Math.max(m, f(t)), 0) / 1000;
  const sum = (list, f) => list.reduce((n, t) => n + f(t), 0) / 1000;
  const cpuAtMark = {};
  for (const m of marks) {
    if (!m.name.startsWith('bench-at-')) continue;
    cpuAtMark[m.name] = sum(top.filter((t) => t.ts + t.dur <= m.ts), (t) => t.tdur);
  }
  return {
    cpuMs: sum(top, (t) => t.tdur),
    wallTaskMs: sum(top, (t) => t.dur),
    longestTaskMs: max(own, (t) => t.dur),
    longestTaskCpuMs: max(own, (t) => t.tdur),
    longestTaskAllMs: max(top, (t) => t.dur),
    sinkTaskMs: max(sink, (t) => t.dur),
    tasksOver50: own.filter((t) => t.dur > 50_000).length,
    taskCount: top.length,
    cpuAtMark,
  };
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The page's top-level main-thread tasks in a trace, in time order: the RunTask events of the
 * CrRendererMain thread that ran the most task time (the page's: every other renderer is idle
 * during a window), each { ts, dur, tdur } in µs; nested run loops are not counted twice.
 */
export function mainThreadTasks(events) {
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask') continue;
    const key = `${e.pid}:${e.tid}`;
    if (!mainThreads.has(key)) continue;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push({ ts: e.ts, dur: e.dur, tdur: e.tdur ?? e.dur });
  }
  let tasks = [];
  let busiest = -1;
  for (const list of byThread.values()) {
    const total = list.reduce((a, t) => a + t.dur, 0);
    if (total > busiest) {
      busiest = total;
      tasks = list;
    }
  }
  // Top-level tasks only (a nested run loop would count twice).
  tasks.sort((a, b) => a.ts - b.ts);
  const top = [];
  for (const t of tasks) if (!top.length || t.ts >= top.at(-1).ts + top.at(-1).dur) top.push(t);
  return top;
}
