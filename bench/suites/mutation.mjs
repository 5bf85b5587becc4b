// Workload 2: rrweb's six DOM-mutation benchmark workloads (www/workloads.html, shared with the
// e2e tests). Recording starts before the window; the window runs window.workload() and waits
// until the recorder has gone quiet and the sink has compressed what it emitted.
import { runVariants, startRecording } from '../lib/session.mjs';

export const WORKLOADS = [
  ['deep-nested', '1,000 deeply nested nodes'],
  ['add-1000x10', '1,000×10 nodes added'],
  ['add-remove-add', '1,000×10×2 added, removed, added'],
  ['nested-chain', '1,000 nodes, each into the previous'],
  ['add-and-move', '10,000 nodes moved'],
  ['attributes', 'attributes on 10,000 nodes'],
];

export const QUIET_MS = 200;

export async function mutationSuite(ctx) {
  const out = {};
  for (const [name, title] of ctx.workloads) {
    const runs = await runVariants(ctx, `mutation ${name}`, `/www/workloads.html?w=${name}`, {
      prepare: async (run) => {
        await startRecording(run, 100);
        await run.page.evaluate(() => window.__bench.reset());
      },
      work: (run) =>
        run.page.evaluate(
          (quietMs) =>
            window.__bench.inTask(async () => {
              const workloadMs = window.workload();
              await window.__bench.quiet(quietMs);
              return { ...window.__bench.take(), workloadMs };
            }),
          QUIET_MS,
        ),
    });
    out[name] = { title, runs };
    ctx.progress(`mutation ${name}`, runs);
  }
  return out;
}
