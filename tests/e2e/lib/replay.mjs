// Replays events with rrweb's Replayer on tests/e2e/replay.html and screenshots the result.
import { VIEWPORT } from './browser.mjs';

/** Screenshot the replay iframe until two consecutive shots agree (late decodes, style recalcs). */
async function screenshotReplay(page, result, stableTries) {
  const clip = {
    x: result.rect.x,
    y: result.rect.y,
    width: result.width || result.rect.width,
    height: result.height || result.rect.height,
  };
  let screenshot = await page.screenshot({ type: 'png', clip, caret: 'initial' });
  for (let i = 0; i < stableTries; i++) {
    await page.waitForTimeout(60);
    const next = await page.screenshot({ type: 'png', clip, caret: 'initial' });
    const same = next.equals(screenshot);
    screenshot = next;
    if (same) break;
  }
  return screenshot;
}

/**
 * Open the replay page on `baseUrl` and create a Replayer for `events` (nothing applied yet).
 * Options: timeout (ms to wait for the rebuilt DOM's resources), stableTries (screenshots until
 * two agree), useVirtualDom (rrweb's default true: a seek applies mutations to a virtual DOM and
 * diffs it in at the end; false applies every event to the real DOM in recorded order).
 * Returns { meta: {startTime, endTime, totalTime}, pageErrors, seek(offset), seekEnd(), dom() }:
 *   seek(offset)  pause at `offset` ms after the first event (events with timestamp <
 *                 first + offset are applied), wait for the rebuilt DOM to load, screenshot the
 *                 replay iframe; resolves with { screenshot, warnings (of this seek), width, height,
 *                 scroll, maskRects, scrolledElements, documents, pageErrors }
 *   seekEnd()     seek past the last event
 *   dom()         the replay's normalised DOM (lib/normalize.js) as of the last seek
 */
export async function openReplay(page, baseUrl, events, { timeout = 5000, stableTries = 6, useVirtualDom = true } = {}) {
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  const metaEvent = events.find((e) => e.type === 4);
  if (metaEvent) {
    // The page must be at least as large as the recorded viewport, or the iframe gets clipped.
    const vp = page.viewportSize();
    if (!vp || vp.width < metaEvent.data.width || vp.height < metaEvent.data.height) {
      await page.setViewportSize({
        width: Math.max(metaEvent.data.width, VIEWPORT.width),
        height: Math.max(metaEvent.data.height, VIEWPORT.height),
      });
    }
  }
  await page.goto(`${baseUrl}/tests/e2e/replay.html`, { waitUntil: 'load' });
  const meta = await page.evaluate(
    ({ events, useVirtualDom }) => window.startReplay(events, { useVirtualDom }),
    { events, useVirtualDom },
  );
  const seek = async (offset) => {
    const result = await page.evaluate(({ offset, timeout }) => window.seekReplay(offset, { timeout }), { offset, timeout });
    const screenshot = await screenshotReplay(page, result, stableTries);
    return { ...result, screenshot, pageErrors };
  };
  return {
    meta,
    pageErrors,
    seek,
    seekEnd: () => seek(meta.totalTime + 1),
    dom: () => page.evaluate(() => window.replayDom()),
  };
}

/**
 * Open the replay page on `baseUrl`, replay `events`, seek to the end, wait until the rebuilt
 * DOM (images, stylesheets, fonts, same-origin iframes) has loaded, and screenshot the replay
 * iframe (its size comes from the Meta event).
 *
 * Returns { screenshot (PNG Buffer), warnings (Replayer warnings), width, height,
 *           scroll: {x, y} of the replay iframe, maskRects, pageErrors }.
 */
export async function replay(page, baseUrl, events, options = {}) {
  const r = await openReplay(page, baseUrl, events, options);
  return r.seekEnd();
}
