// Records a page with the recorder under test and returns its events plus a screenshot of
// exactly what the recorder saw.
//
// The recorder is chosen by ONE switch: env E2E_RECORDER.
//   tapedeck (default)  the SDK's classic script pkg/dist/tapedeck.js (global `tapedeck`)
//   rrweb               rrweb 2.2.2's own record(): the baseline the SDK must match
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths.mjs';

export const RECORDER = (process.env.E2E_RECORDER || 'tapedeck').trim().toLowerCase();

const SCRIPTS = {
  tapedeck: 'pkg/dist/tapedeck.js',
  rrweb: 'node_modules/rrweb/dist/rrweb.umd.cjs',
};

if (!(RECORDER in SCRIPTS)) {
  throw new Error(`E2E_RECORDER=${RECORDER}: expected one of ${Object.keys(SCRIPTS).join(', ')}`);
}

export const RECORDER_SCRIPT = SCRIPTS[RECORDER];

/** Throws a helpful error when the recorder's browser build is missing. */
export function assertRecorderBuilt() {
  const file = path.join(REPO_ROOT, RECORDER_SCRIPT);
  if (!fs.existsSync(file)) {
    throw new Error(
      `${RECORDER_SCRIPT} does not exist: build the SDK first` +
        (RECORDER === 'tapedeck' ? ' (or run with E2E_RECORDER=rrweb for the rrweb baseline)' : ' (npm install)'),
    );
  }
}

const SETTLE_SCRIPT = path.join(REPO_ROOT, 'tests/e2e/lib/settle.js');

/**
 * Navigate to url, wait for load, fonts and images, optionally scroll, start the recorder and
 * collect what it emits.
 *
 * options:
 *   scrollTo     number (window y) | {x, y} | {selector, margin}: scroll there before recording
 *   settleMs     how long to keep recording after `ready` (same-origin iframe documents may be
 *                attached asynchronously), default 300
 *   recordOptions extra options passed to record() (besides emit)
 *
 * Returns { events, screenshot (PNG Buffer, viewport), maskRects, scroll: {x, y}, scrolledElements,
 *           viewport: {width, height}, pageErrors, consoleErrors, recorder, timings }.
 */
export async function recordPage(page, url, { scrollTo, settleMs = 300, recordOptions = {} } = {}) {
  assertRecorderBuilt();
  const pageErrors = [];
  const consoleErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  await page.addInitScript({ path: SETTLE_SCRIPT });

  const t0 = Date.now();
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || !response.ok()) {
    throw new Error(`GET ${url} -> ${response ? response.status() : 'no response'}`);
  }
  const loaded = await page.evaluate(() => window.__e2e.settle(document, { timeout: 5000 }));
  if (loaded.timedOut) throw new Error(`${url}: resources did not finish loading within 5 s`);

  if (scrollTo !== undefined && scrollTo !== null) {
    await page.evaluate(async (target) => {
      let x = 0;
      let y = 0;
      if (typeof target === 'number') y = target;
      else if (target.selector) {
        const el = document.querySelector(target.selector);
        if (!el) throw new Error(`scrollTo: no element matches ${target.selector}`);
        y = Math.round(el.getBoundingClientRect().top + window.scrollY - (target.margin || 0));
      } else {
        x = target.x || 0;
        y = target.y || 0;
      }
      window.scrollTo(x, y);
      await window.__e2e.frames(2);
    }, scrollTo);
  }
  const t1 = Date.now();

  // Load the recorder the way users do: a classic <script src>.
  await page.addScriptTag({ url: '/' + RECORDER_SCRIPT });

  await page.evaluate(
    async ({ recorder, recordOptions }) => {
      // Serialize at emit time: what a transport would send, immune to later mutation.
      const out = (window.__e2eEvents = []);
      const emit = (event) => out.push(JSON.stringify(event));
      let handle;
      if (recorder === 'rrweb') {
        const stop = window.rrweb.record({ ...recordOptions, emit });
        handle = {
          stop,
          takeFullSnapshot: (isCheckout) => window.rrweb.record.takeFullSnapshot(isCheckout),
          addCustomEvent: (tag, payload) => window.rrweb.record.addCustomEvent(tag, payload),
          ready: Promise.resolve(),
        };
      } else {
        if (typeof window.tapedeck !== 'object' || typeof window.tapedeck.record !== 'function') {
          throw new Error('pkg/dist/tapedeck.js loaded but defines no global tapedeck.record()');
        }
        handle = window.tapedeck.record({ ...recordOptions, emit });
        for (const k of ['stop', 'takeFullSnapshot', 'addCustomEvent']) {
          if (typeof handle?.[k] !== 'function') throw new Error(`tapedeck.record() handle has no ${k}()`);
        }
        if (typeof handle.ready?.then !== 'function') throw new Error('tapedeck.record() handle has no ready promise');
      }
      window.__e2eHandle = handle;
      await Promise.race([
        handle.ready,
        new Promise((_, reject) => setTimeout(() => reject(new Error('recorder `ready` did not resolve within 10 s')), 10_000)),
      ]);
      if (!out.length) throw new Error('recorder emitted nothing by the time `ready` resolved');
    },
    { recorder: RECORDER, recordOptions },
  );
  const t2 = Date.now();

  await page.waitForTimeout(settleMs);
  const state = await page.evaluate(async () => {
    await window.__e2e.frames(2);
    return {
      scroll: { x: window.scrollX, y: window.scrollY },
      viewport: { width: window.innerWidth, height: window.innerHeight },
      maskRects: window.__e2e.maskRects(document),
      scrolledElements: window.__e2e.scrolledElements(document),
    };
  });
  // caret: 'initial': the default ('hide') injects a style into inputs, which the recorder would see.
  const screenshot = await page.screenshot({ type: 'png', caret: 'initial' });

  const json = await page.evaluate(() => {
    window.__e2eHandle.stop();
    return window.__e2eEvents;
  });
  const events = json.map((s) => JSON.parse(s));
  return {
    events,
    screenshot,
    ...state,
    pageErrors,
    consoleErrors,
    recorder: RECORDER,
    timings: { loadMs: t1 - t0, readyMs: t2 - t1, totalMs: Date.now() - t0 },
  };
}
