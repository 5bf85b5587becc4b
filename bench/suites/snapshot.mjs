// Workload 1: the first full snapshot of generated pages (bench/lib/pages.mjs). The window runs
// from record() until the recorder has gone quiet and the sink has compressed what it emitted.
import { runVariants, startRecording } from '../lib/session.mjs';

export const QUIET_MS = 200;

export async function snapshotSuite(ctx) {
  const out = {};
  for (const size of ctx.sizes) {
    const url = `/bench/pages/snapshot-${size}.html`;
    let nodes = null;
    const runs = await runVariants(ctx, `snapshot ${size}`, url, {
      prepare: async (run) => {
        if (nodes === null) nodes = await run.page.evaluate(() => window.__bench.countNodes());
      },
      work: (run) => startRecording(run, QUIET_MS),
    });
    out[size] = { url, nodes, runs };
    ctx.progress(`snapshot ${size} nodes`, runs);
  }
  return out;
}
