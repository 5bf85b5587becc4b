// Turns raw runs into rows (medians, differences to the no-recorder baseline, ratios, targets)
// and prints them as a text table or Markdown.
import fs from 'node:fs';
import { median } from './measure.mjs';

const KB = 1024;

/** Median over rounds of f(recorder run) − f(baseline run of the same round). */
function added(runs, kind, f) {
  if (!runs[kind]) return undefined;
  return median(runs[kind].map((run, r) => f(run) - f(runs.baseline[r])));
}
function abs(runs, kind, f) {
  if (!runs[kind]) return undefined;
  return median(runs[kind].map(f));
}

const fmt = {
  ms: (v) => (Number.isFinite(v) ? v.toFixed(1) + ' ms' : '—'),
  kb: (v) => (Number.isFinite(v) ? (v / KB).toFixed(1) + ' KB' : '—'),
  mb: (v) => (Number.isFinite(v) ? (v / KB / KB).toFixed(2) + ' MB' : '—'),
  n: (v) => (Number.isFinite(v) ? String(Math.round(v)) : '—'),
  x: (v) => (Number.isFinite(v) ? v.toFixed(2) + '×' : '—'),
  yes: (v) => (v === undefined ? '—' : v ? 'yes' : 'no'),
};

// Targets. Ratio targets are checked on the wire variant where the run has one (Tapedeck as it
// ships, against rrweb as PostHog ships it), else on the emit variant. atMost: the value (of
// both Tapedeck variants, the worse one) ≤ max; check: custom.
const ratioAtMost = (max) => ({
  label: `≤ ${max}×`,
  pass: (row) => {
    const v = row.wire === undefined ? row.ratio : row.wireRatio;
    return Number.isFinite(v) && v <= max;
  },
});
// scale: bytes per unit for the byte rows (values are kept in bytes).
const atMost = (max, unit, scale = 1) => ({
  label: `≤ ${max} ${unit}`,
  pass: (row) => Math.max(row.tapedeck, Number.isFinite(row.wire) ? row.wire : -Infinity) <= max * scale,
});

const ratioOf = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 && a >= 0 ? a / b : NaN);

function row(workload, metric, unit, values, target) {
  const { baseline, tapedeck, wire, rrweb } = values;
  const r = {
    workload, metric, unit, baseline, tapedeck, wire, rrweb,
    ratio: ratioOf(tapedeck, rrweb),
    wireRatio: ratioOf(wire, rrweb),
    target: target?.label ?? '',
  };
  if (target) r.pass = target.pass(r);
  return r;
}

const mainThread = (x) => x.cpuMs;
const script = (x) => x.scriptMs;
const longest = (x) => x.longestTaskCpuMs;
const memTotal = (x) => x.mem.total;
const rawBytes = (x) => x.result.raw;
const gzBytes = (x) => x.result.gzip;
const sinkGzip = (x) => x.result.flushMs;

function addedRow(workload, metric, unit, runs, f, target) {
  const values = { tapedeck: added(runs, 'tapedeck', f), wire: added(runs, 'wire', f), rrweb: added(runs, 'rrweb', f) };
  return row(workload, metric, unit, values, target);
}
function absRow(workload, metric, unit, runs, f, target, withBaseline = false) {
  return row(
    workload,
    metric,
    unit,
    {
      baseline: withBaseline ? abs(runs, 'baseline', f) : undefined,
      tapedeck: abs(runs, 'tapedeck', f),
      wire: abs(runs, 'wire', f),
      rrweb: abs(runs, 'rrweb', f),
    },
    target,
  );
}

export function buildRows(results) {
  const rows = [];
  const { snapshot, mutation, interaction, storm, bundle } = results;
  if (snapshot) {
    for (const [size, s] of Object.entries(snapshot)) {
      const w = `snapshot ${Number(size) / 1000}k (${s.nodes} nodes)`;
      const mid = size === '10000' || size === '50000';
      rows.push(addedRow(w, 'main-thread CPU', 'ms', s.runs, mainThread, mid ? ratioAtMost(0.5) : undefined));
      rows.push(addedRow(w, 'script (wall)', 'ms', s.runs, script));
      rows.push(absRow(w, 'of which sink gzip', 'ms', s.runs, sinkGzip));
      rows.push(absRow(w, 'longest task (CPU)', 'ms', s.runs, longest, size === '100000' ? atMost(50, 'ms') : undefined, true));
      rows.push(absRow(w, 'bytes raw', 'kb', s.runs, rawBytes));
      rows.push(absRow(w, 'bytes gzip', 'kb', s.runs, gzBytes, ratioAtMost(0.7)));
      rows.push(addedRow(w, 'memory growth', 'mb', s.runs, memTotal, ratioAtMost(1)));
      rows.push(absRow(w, 'of which wasm', 'mb', s.runs, (x) => x.mem.wasm));
    }
  }
  if (mutation) {
    for (const [name, m] of Object.entries(mutation)) {
      const w = `mutation ${name}`;
      rows.push(addedRow(w, 'main-thread CPU', 'ms', m.runs, mainThread, ratioAtMost(0.5)));
      rows.push(addedRow(w, 'script (wall)', 'ms', m.runs, script));
      rows.push(absRow(w, 'of which sink gzip', 'ms', m.runs, sinkGzip));
      rows.push(absRow(w, 'longest task (CPU)', 'ms', m.runs, longest, undefined, true));
      rows.push(absRow(w, 'bytes raw', 'kb', m.runs, rawBytes));
      rows.push(absRow(w, 'bytes gzip', 'kb', m.runs, gzBytes, ratioAtMost(0.7)));
      rows.push(addedRow(w, 'memory growth', 'mb', m.runs, memTotal, ratioAtMost(1)));
      rows.push(absRow(w, 'of which wasm', 'mb', m.runs, (x) => x.mem.wasm));
    }
  }
  if (interaction) {
    const w = 'interaction';
    rows.push(addedRow(w, 'main-thread CPU', 'ms', interaction.runs, mainThread));
    rows.push(addedRow(w, 'script (wall)', 'ms', interaction.runs, script));
    rows.push(absRow(w, 'events (wire: requests)', 'n', interaction.runs, (x) => x.result.requests ?? x.result.events));
    rows.push(absRow(w, 'bytes raw', 'kb', interaction.runs, rawBytes));
    rows.push(absRow(w, 'bytes gzip', 'kb', interaction.runs, gzBytes, ratioAtMost(0.7)));
  }
  if (storm) {
    const w = `storm ${storm.ms / 1000} s`;
    const R = storm.runs;
    // Main-thread CPU per frame over the storm, and the second half's against the first's: a
    // recorder that falls behind or accumulates state costs more per frame as the storm goes on.
    const perFrame = (x) => x.cpuMs / Math.max(1, x.result.storm.frames);
    const firstHalf = (x) => x.cpuAtMark['bench-at-a'] / Math.max(1, x.result.a.frames);
    const secondHalf = (x) =>
      (x.cpuAtMark['bench-at-b'] - x.cpuAtMark['bench-at-a']) / Math.max(1, x.result.b.frames - x.result.a.frames);
    rows.push(absRow(w, 'frames', 'n', R, (x) => x.result.storm.frames, undefined, true));
    rows.push(addedRow(w, 'main-thread CPU / frame', 'ms', R, perFrame));
    rows.push(absRow(w, 'per frame, 2nd half / 1st', 'x', R, (x) => secondHalf(x) / firstHalf(x), {
      label: '≤ 1.5×',
      pass: (r) => r.tapedeck <= 1.5,
    }, true));
    rows.push(absRow(w, 'memory, 90 % − 50 %', 'mb', R, (x) => x.result.b.mem.total - x.result.a.mem.total, atMost(1, 'MB', KB * KB), true));
    rows.push(absRow(w, 'drain after end', 'ms', R, (x) => x.result.drainMs, atMost(1000, 'ms')));
    rows.push(row(w, 'end recorded', 'yes', { tapedeck: R.tapedeck.every((x) => x.result.seen), rrweb: R.rrweb.every((x) => x.result.seen) }, {
      label: 'yes',
      pass: (r) => r.tapedeck === true,
    }));
    rows.push(absRow(w, 'bytes gzip / s', 'kb', R, (x) => x.result.gzip / (storm.ms / 1000)));
  }
  if (snapshot || mutation) {
    // Wall time from adding the script tag to a recorder ready to start (Tapedeck: the wasm
    // fetched and compiled by tapedeck.load()), over every snapshot and mutation run.
    const all = { baseline: [], tapedeck: [], wire: [], rrweb: [] };
    for (const group of [...Object.values(snapshot ?? {}), ...Object.values(mutation ?? {})]) {
      for (const k of Object.keys(all)) all[k].push(...(group.runs[k] ?? []));
    }
    rows.push(absRow('cold start', 'script load (wall)', 'ms', all, (x) => x.loadMs, undefined, true));
  }
  if (bundle) {
    for (const k of ['raw', 'gzip', 'brotli']) {
      rows.push(
        row('bundle (JS + wasm)', k === 'gzip' ? 'gzip -9' : k, 'kb', { tapedeck: bundle.tapedeck[k], rrweb: bundle.rrweb[k] },
          k === 'brotli' ? atMost(30, 'KB', KB) : undefined),
      );
    }
  }
  return rows;
}

function cells(r) {
  const f = fmt[r.unit] ?? fmt.n;
  return [
    r.workload,
    r.metric,
    r.baseline === undefined ? '' : f(r.baseline),
    f(r.tapedeck),
    r.wire === undefined ? '' : f(r.wire),
    f(r.rrweb),
    fmt.x(r.ratio),
    r.wire === undefined ? '' : fmt.x(r.wireRatio),
    r.target,
    r.pass === undefined ? '' : r.pass ? '✓' : '✗',
  ];
}

const HEAD = ['workload', 'metric', 'no recorder', 'tapedeck (emit)', 'tapedeck (wire)', 'rrweb', 'emit ÷ rrweb', 'wire ÷ rrweb', 'target', ''];

export function textTable(rows) {
  const body = rows.map(cells);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = null;
  for (const [i, c] of body.entries()) {
    if (last !== null && rows[i].workload !== last) out.push('');
    last = rows[i].workload;
    out.push(line(c));
  }
  return out.join('\n');
}

export function markdownTable(rows) {
  const out = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`];
  let last = null;
  for (const r of rows) {
    const c = cells(r);
    if (r.workload === last) c[0] = '';
    last = r.workload;
    out.push(`| ${c.join(' | ')} |`);
  }
  return out.join('\n');
}

/** The lines under the table: targets met, what the figures are, how busy the machine was. */
export function summary(meta, rows) {
  const pass = rows.filter((r) => r.pass === true).length;
  const targets = rows.filter((r) => r.pass !== undefined).length;
  return (
    `${pass}/${targets} targets met. Medians of ${meta.runs} round(s); "main-thread", "script" and "memory growth" ` +
    'are differences to the no-recorder page in the same round. "emit": Tapedeck\'s emit() feeding the same JS sink ' +
    'as rrweb (JSON.stringify, fflate level 6); "wire": Tapedeck sending to an endpoint (gzip in wasm, fetch to a stub), ' +
    'its bytes being the request bodies. rrweb is measured as PostHog ships it (emit, fflate level 6). Ratio targets are ' +
    `checked on the wire variant, absolute ones on the worse of the two.\nThe page's main thread had a core ${(100 * meta.cpuShare).toFixed(0)} % of the ` +
    'time it was busy (median; lower = other processes took the cores, which inflates wall times, not CPU times).'
  );
}

const BEGIN = '<!-- bench:table:begin -->';
const END = '<!-- bench:table:end -->';

/** Replaces the table between the markers in BENCHMARKS.md with this run's. */
export function updateDoc(file, meta, rows) {
  const text = fs.readFileSync(file, 'utf8');
  const i = text.indexOf(BEGIN);
  const j = text.indexOf(END);
  if (i < 0 || j < 0) throw new Error(`${file} has no ${BEGIN} … ${END} markers`);
  const header =
    `Measured ${meta.date.slice(0, 10)} at ${meta.commit}${meta.dirty ? ' (with local changes)' : ''} with ` +
    `\`${meta.command}\` (${meta.seconds} s): Chromium ${meta.chromium}, ${meta.cpus} cores (${meta.cpuModel}), ` +
    `Node ${meta.node}, @rrweb/record ${meta.versions['@rrweb/record']}, fflate ${meta.versions.fflate}; ` +
    `${meta.runs} rounds, storm ${meta.stormMs / 1000} s × ${meta.stormRuns}.`;
  const body = `${header}\n\n${markdownTable(rows)}\n\n${summary(meta, rows)}\n`;
  fs.writeFileSync(file, text.slice(0, i + BEGIN.length) + '\n' + body + text.slice(j));
}
