// Shared setup for the replay tests: servers, browser, record → replay → compare.
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { launchBrowser, newPage, VIEWPORT } from './browser.mjs';
import { recordPage, RECORDER } from './recorder.mjs';
import { replay } from './replay.mjs';
import { compareScreenshots, writeArtifacts, MAX_DIFF_RATIO } from './compare.mjs';
import { REPO_ROOT } from './paths.mjs';
import { EventType } from './events.mjs';

export { RECORDER };

/**
 * Start the static server for the repo root, a second one on another port (= another origin,
 * for cross-origin iframes) and Chromium.
 */
export async function startHarness() {
  const server = await startServer({ root: REPO_ROOT });
  const xserver = await startServer({ root: REPO_ROOT });
  let browser;
  try {
    browser = await launchBrowser();
  } catch (err) {
    await Promise.all([server.close(), xserver.close()]);
    throw err;
  }
  return {
    server,
    xserver,
    browser,
    baseUrl: server.url,
    xoriginUrl: xserver.url,
    async close() {
      await browser.close().catch(() => {});
      await Promise.all([server.close(), xserver.close()]);
    },
  };
}

/** Memoize an async setup so that each test awaits the same run (and sees the same error). */
export function once(fn) {
  let p;
  return () => (p ??= fn());
}

/**
 * Record `pagePath` (e.g. '/www/rich.html?x=1') in a fresh context, replay the events in
 * another fresh context, and compare the screenshots.
 */
export async function recordAndReplay(h, name, pagePath, { scrollTo, settleMs } = {}) {
  const url = h.baseUrl + pagePath;
  const recPage = await newPage(h.browser);
  let rec;
  try {
    rec = await recordPage(recPage, url, { scrollTo, settleMs });
  } finally {
    await recPage.context().close();
  }
  const repPage = await newPage(h.browser);
  let rep;
  try {
    rep = await replay(repPage, h.baseUrl, rec.events);
  } finally {
    await repPage.context().close();
  }
  return { url, ...compareWithReplay(name, rec, rep, rec.events) };
}

/**
 * Compare what the page showed (`rec`: { screenshot, maskRects, scroll, scrolledElements,
 * pageErrors }, e.g. from capturePage) with a replay frame (`rep`, from replay()/seek()):
 * the result assertReplayMatches() takes.
 */
export function compareWithReplay(name, rec, rep, events) {
  const maskRects = [...rec.maskRects, ...rep.maskRects];
  const comparison = compareScreenshots(rec.screenshot, rep.screenshot, { maskRects });
  return { name, rec, rep, comparison, maskRects, events };
}

const ALWAYS_WRITE = /^(1|always|true)$/i.test(process.env.E2E_ARTIFACTS || '');

/** Assert the replay shows the recorded viewport and looks like the page (≤ 1 % pixels differ). */
export function assertReplayMatches(result) {
  const { name, rec, rep, comparison } = result;
  const tag = `${name}-${RECORDER}`;
  const ratioText = `${(comparison.ratio * 100).toFixed(3)} % of pixels differ (${comparison.diffPixels}/${comparison.totalPixels}, limit ${MAX_DIFF_RATIO * 100} %)`;
  const ok = !comparison.sizeMismatch && comparison.ratio <= MAX_DIFF_RATIO;
  let written = [];
  if (!ok || ALWAYS_WRITE) {
    written = writeArtifacts(tag, comparison, {
      'events.json': result.events,
      'report.json': {
        ratio: comparison.ratio,
        maskRects: result.maskRects,
        replayWarnings: rep.warnings,
        recordScroll: rec.scroll,
        replayScroll: rep.scroll,
        recordScrolledElements: rec.scrolledElements,
        replayScrolledElements: rep.scrolledElements,
      },
    });
  }
  const where = written.length ? `\nartifacts: ${written.join(', ')}` : '';

  assert.deepEqual(rec.pageErrors, [], `errors thrown in the recorded page:\n${rec.pageErrors.join('\n')}`);
  assert.deepEqual(rep.pageErrors, [], `errors thrown in the replay page:\n${rep.pageErrors.join('\n')}`);
  assert.deepEqual(rep.warnings, [], `the Replayer warned while replaying:\n${rep.warnings.join('\n')}`);
  const meta = result.events.find((e) => e.type === EventType.Meta);
  assert.equal(rep.width, meta.data.width, 'replay iframe width = Meta width');
  assert.equal(rep.height, meta.data.height, 'replay iframe height = Meta height');
  assert.deepEqual(
    rep.scroll,
    rec.scroll,
    `replay viewport scroll ${JSON.stringify(rep.scroll)} != recorded page scroll ${JSON.stringify(rec.scroll)}`,
  );
  assert.deepEqual(
    rep.scrolledElements,
    rec.scrolledElements,
    'scrolled elements (scrollTop/scrollLeft) in the replay differ from the recorded page',
  );
  assert.ok(!comparison.sizeMismatch, `screenshot sizes differ: ${comparison.sizeMismatch}${where}`);
  assert.ok(ok, `${name}: replay differs from the page: ${ratioText}${where}`);
  return { ratio: comparison.ratio, ratioText };
}

export { VIEWPORT };
