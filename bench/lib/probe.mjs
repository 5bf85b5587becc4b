// One recorder window opened for inspection (bench/profile.mjs, bench/tasks.mjs): the page of
// `target` ('snapshot-<n>' or 'mutation:<workload>') served, a browser and a run of `recorder`
// on it with the bench's scripts. For Tapedeck the page gets target/wasm-bindgen/core_bg.wasm
// (the release build before wasm-opt) and the bundle that fits it, so wasm functions keep
// their Rust names in profiles.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../../tests/e2e/lib/browser.mjs';
import { startServer } from '../../tests/e2e/lib/server.mjs';
import { REPO_ROOT } from '../../tests/e2e/lib/paths.mjs';
import { buildBundles } from './bundles.mjs';
import { writePages } from './pages.mjs';
import { openRun, startRecording } from './session.mjs';

/** Returns { run, browser, isMutation, close() }; a mutation target is already recording. */
export async function openProbe(recorder, target) {
  const isMutation = target.startsWith('mutation:');
  const url = isMutation ? `/www/workloads.html?w=${target.slice(9)}` : `/bench/pages/${target}.html`;
  const size = /^snapshot-(\d+)$/.exec(target)?.[1];
  if (size) writePages(path.join(REPO_ROOT, 'bench/pages'), [Number(size)]);
  const server = await startServer({ root: REPO_ROOT });
  const browser = await launchBrowser();
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    const ctx = { browser, baseUrl: server.url, scripts: await buildBundles() };
    // The shipped bundle and wasm share shortened import names; the named wasm goes with the
    // bundle as it was before shortening (tools/bundle.mjs keeps a copy).
    const named = path.join(REPO_ROOT, 'target/wasm-bindgen/core_bg.wasm');
    const namedJs = path.join(REPO_ROOT, 'target/wasm-bindgen/named/tapedeck.js');
    if (recorder !== 'rrweb' && fs.existsSync(named) && fs.existsSync(namedJs)) {
      ctx.onPage = async (page) => {
        await page.context().route('**/pkg/dist/tapedeck.wasm', (route) =>
          route.fulfill({ body: fs.readFileSync(named), contentType: 'application/wasm' }),
        );
        await page.context().route('**/pkg/dist/tapedeck.js', (route) =>
          route.fulfill({ body: fs.readFileSync(namedJs), contentType: 'text/javascript' }),
        );
      };
    }
    const run = await openRun(ctx, url, recorder);
    if (isMutation) await startRecording(run, 100);
    return { run, browser, isMutation, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The window's work: the mutation workload until quiet, or starting to record until quiet. */
export function runWork(probe, quietMs = 200) {
  if (!probe.isMutation) return startRecording(probe.run, quietMs);
  return probe.run.page.evaluate(
    (quietMs) =>
      window.__bench.inTask(async () => {
        window.workload();
        await window.__bench.quiet(quietMs);
        return window.__bench.take();
      }),
    quietMs,
  );
}
