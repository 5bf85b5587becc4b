// Replays events with rrweb's Replayer on tests/e2e/replay.html and screenshots the result.
import { VIEWPORT } from './browser.mjs';

/**
 * Open the replay page on `baseUrl`, replay `events`, seek to the end, wait until the rebuilt
 * DOM (images, stylesheets, fonts, same-origin iframes) has loaded, and screenshot the replay
 * iframe (its size comes from the Meta event).
 *
 * Returns { screenshot (PNG Buffer), warnings (Replayer warnings), width, height,
 *           scroll: {x, y} of the replay iframe, maskRects, pageErrors }.
 */
export async function replay(page, baseUrl, events, { timeout = 5000, stableTries = 6 } = {}) {
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  const meta = events.find((e) => e.type === 4);
  if (meta) {
    // The page must be at least as large as the recorded viewport, or the iframe gets clipped.
    const vp = page.viewportSize();
    if (!vp || vp.width < meta.data.width || vp.height < meta.data.height) {
      await page.setViewportSize({
        width: Math.max(meta.data.width, VIEWPORT.width),
        height: Math.max(meta.data.height, VIEWPORT.height),
      });
    }
  }
  await page.goto(`${baseUrl}/tests/e2e/replay.html`, { waitUntil: 'load' });
  const result = await page.evaluate(
    ({ events, timeout }) => window.replayEvents(events, { timeout }),
    { events, timeout },
  );
  const clip = {
    x: result.rect.x,
    y: result.rect.y,
    width: result.width || result.rect.width,
    height: result.height || result.rect.height,
  };
  // Screenshot until two consecutive shots agree (late image decodes, style recalcs).
  let screenshot = await page.screenshot({ type: 'png', clip, caret: 'initial' });
  for (let i = 0; i < stableTries; i++) {
    await page.waitForTimeout(60);
    const next = await page.screenshot({ type: 'png', clip, caret: 'initial' });
    const same = next.equals(screenshot);
    screenshot = next;
    if (same) break;
  }
  return { ...result, screenshot, pageErrors };
}
