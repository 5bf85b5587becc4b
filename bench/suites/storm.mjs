// The mutation storm: 10,000 attributes changed on every animation frame for ctx.stormMs
// (bench/storm.html), with the sink flushing every second like a transport. Checks that the
// recorder keeps up to the end (the end marker is recorded, little is left to drain once the
// storm stops) and that its main-thread time per frame and its memory stay flat: both are
// sampled at half time and at the end.
import { runVariants, startRecording } from '../lib/session.mjs';
import { metrics, metricDelta, heap } from '../lib/measure.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const FLUSH_MS = 1000;

export async function stormSuite(ctx) {
  const ms = ctx.stormMs;
  const runs = await runVariants({ ...ctx, runs: ctx.stormRuns }, 'storm', '/bench/storm.html', {
    prepare: async (run) => {
      await startRecording(run, 100);
      await run.page.evaluate((flushMs) => {
        window.__bench.reset();
        window.__bench.watch = 'storm-end';
        window.__bench.autoFlush(flushMs);
      }, FLUSH_MS);
    },
    work: async (run, m0) => {
      const { page, cdp } = run;
      const done = page.evaluate((ms) => window.__bench.inTask(() => window.storm(ms)), ms);
      await sleep(ms / 2);
      // The GC for the memory sample lands in the first half of the main-thread split.
      await page.evaluate(() => window.__bench.inTask(() => window.__bench.flush()));
      const mid = { mem: await heap(cdp, page) };
      mid.metrics = metricDelta(m0, await metrics(cdp));
      mid.frames = await page.evaluate(() => window.stormFrames);
      const storm = await done;
      storm.metrics = metricDelta(m0, await metrics(cdp));
      const tail = await page.evaluate(() =>
        window.__bench.inTask(async () => {
          await window.__bench.quiet(300);
          window.__bench.autoFlush(0);
          return { ...window.__bench.take(), lastEmit: window.__bench.lastEmit };
        }),
      );
      return { ...tail, storm, mid, drainMs: run.kind === 'baseline' ? 0 : Math.max(0, tail.lastEmit - storm.end) };
    },
  });
  ctx.progress('storm', runs);
  return { ms, runs };
}
