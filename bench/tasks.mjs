// Which tasks of a recorder's window are long, and what each spends its time on: a trace (for
// the tasks) and a V8 CPU profile (for the functions) of one window, joined by timestamp.
//
//   node bench/tasks.mjs [tapedeck|rrweb] [snapshot-100000 | mutation:<workload>] [minMs]
//   TASKS_OPTIONS='{"endpoint":"/ingest"}' node bench/tasks.mjs ...   (extra record() options)
//
// Prints every main-thread task of at least minMs (default 10) CPU, with the functions that
// had the most self time in it. Needs `make build` (and `make bench` once, for bench/build).
// For Tapedeck the page gets target/wasm-bindgen/core_bg.wasm, so wasm functions keep names.
import path from 'node:path';
import { mainThreadTasks, TRACE_CATEGORIES } from './lib/measure.mjs';
import { openProbe, runWork } from './lib/probe.mjs';

const recorder = process.argv[2] || 'tapedeck';
const target = process.argv[3] || 'snapshot-100000';
const minMs = Number(process.argv[4] || 10);
const SAMPLING_US = 200;

const probe = await openProbe(recorder, target);
const { run, browser } = probe;
try {
  await run.cdp.send('HeapProfiler.collectGarbage');
  await run.cdp.send('Profiler.enable');
  await run.cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  await browser.startTracing(run.page, { categories: TRACE_CATEGORIES });
  await run.cdp.send('Profiler.start');
  if (!probe.isMutation && process.env.TASKS_OPTIONS) {
    await run.page.evaluate(
      ({ kind, options }) =>
        window.__bench.inTask(async () => {
          await window.__bench.start(kind, options);
          await window.__bench.quiet(200);
          // Time for work after the last emit (an endpoint's compression and request).
          await new Promise((r) => setTimeout(r, 1500));
          return window.__bench.take();
        }),
      { kind: run.kind, options: JSON.parse(process.env.TASKS_OPTIONS) },
    );
  } else {
    await runWork(probe);
  }
  const { profile } = await run.cdp.send('Profiler.stop');
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  await run.close();
  report(profile, trace.traceEvents || trace);
} finally {
  await probe.close();
}

function report(profile, events) {
  const tasks = mainThreadTasks(events);
  const marks = events.filter((e) => e.cat?.includes('user_timing') && e.ph !== 'M');
  // Samples with their time, and each node's frame and parent.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const samples = [];
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i];
    samples.push({ t, id });
  });
  const name = (n) => {
    const f = n.callFrame;
    return `${f.functionName || '(anonymous)'}${f.url ? ' ' + path.basename(f.url) : ''}`;
  };
  let total = 0;
  for (const task of tasks) {
    const cpu = (task.tdur ?? task.dur) / 1000;
    total += cpu;
    if (cpu < minMs) continue;
    const inside = samples.filter((s) => s.t >= task.ts && s.t <= task.ts + task.dur);
    const self = new Map();
    const incl = new Map();
    for (const s of inside) {
      const n = byId.get(s.id);
      self.set(name(n), (self.get(name(n)) || 0) + 1);
      const seen = new Set();
      for (let id = s.id; id !== undefined; id = parent.get(id)) {
        const k = name(byId.get(id));
        if (seen.has(k)) continue;
        seen.add(k);
        incl.set(k, (incl.get(k) || 0) + 1);
      }
    }
    const sink = marks.some((m) => m.ts >= task.ts && m.ts <= task.ts + task.dur) ? ' [sink mark]' : '';
    const ms = (k) => ((k * SAMPLING_US) / 1000).toFixed(1);
    console.log(`task +${((task.ts - tasks[0].ts) / 1000).toFixed(0)} ms: ${cpu.toFixed(1)} ms CPU, ${(task.dur / 1000).toFixed(1)} ms wall${sink}`);
    const top = (m, n) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
    console.log('   self: ' + top(self, 6).map(([k, v]) => `${k} ${ms(v)}`).join(' | '));
    console.log('   incl: ' + top(incl, 14).filter(([k]) => !/^\((root|program)\)/.test(k)).map(([k, v]) => `${k} ${ms(v)}`).join(' | '));
  }
  console.log(`${tasks.length} tasks, ${total.toFixed(1)} ms CPU in all`);
}
