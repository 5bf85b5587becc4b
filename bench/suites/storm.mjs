// The mutation storm: 10,000 attributes changed on every animation frame for ctx.stormMs
// (bench/storm.html), with the sink flushing every second like a transport. Checks that the
// recorder keeps up to the end (the end marker is recorded, little is left to drain once the
// storm stops) and that its main-thread time per frame and its memory stay flat.
//
// Two samples are taken while the storm runs, at half time (a) and near the end (b), each the
// same way: flush the sink, GC, read the heap, then mark the trace and count frames. So the
// halves [start, a] and [a, b] each hold one sample's GC, and b − a is memory kept by the
// second half's recording.
import { runVariants, startRecording } from '../lib/session.mjs';
import { heap } from '../lib/measure.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const FLUSH_MS = 1000;

async function sample(run, name) {
  const { page, cdp } = run;
  await page.evaluate(() => window.__bench.inTask(() => window.__bench.flush()));
  const mem = await heap(cdp, page);
  const frames = await page.evaluate(
    (name) =>
      window.__bench.inTask(() => {
        performance.mark(name);
        return window.stormFrames;
      }),
    name,
  );
  return { mem, frames };
}

export async function stormSuite(ctx) {
  const ms = ctx.stormMs;
  const runs = await runVariants({ ...ctx, runs: ctx.stormRuns }, 'storm', '/bench/storm.html', {
    // The storm's end is found in the emitted events, which the wire variant does not see.
    kinds: ['baseline', 'tapedeck', 'rrweb'],
    prepare: async (run) => {
      await startRecording(run, 100);
      await run.page.evaluate((flushMs) => {
        window.__bench.reset();
        window.__bench.watch = 'storm-end';
        window.__bench.autoFlush(flushMs);
      }, FLUSH_MS);
    },
    work: async (run) => {
      const { page } = run;
      const t0 = Date.now();
      const done = page.evaluate((ms) => window.__bench.inTask(() => window.storm(ms)), ms);
      await sleep(ms * 0.5);
      const a = await sample(run, 'bench-at-a');
      await sleep(Math.max(0, t0 + ms * 0.9 - Date.now()));
      const b = await sample(run, 'bench-at-b');
      const storm = await done;
      const tail = await page.evaluate(() =>
        window.__bench.inTask(async () => {
          await window.__bench.quiet(300);
          window.__bench.autoFlush(0);
          return { ...window.__bench.take(), lastEmit: window.__bench.lastEmit };
        }),
      );
      return { ...tail, storm, a, b, drainMs: run.kind === 'baseline' ? 0 : Math.max(0, tail.lastEmit - storm.end) };
    },
  });
  ctx.progress('storm', runs);
  return { ms, runs };
}
