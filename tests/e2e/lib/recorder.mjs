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

const INIT_SCRIPTS = ['tests/e2e/lib/settle.js', 'tests/e2e/lib/normalize.js'].map((f) => path.join(REPO_ROOT, f));

/**
 * Navigate to url, wait for load, fonts and images, optionally scroll there (see recordPage).
 * Returns { pageErrors, consoleErrors (live arrays: they keep filling), loadMs }.
 */
export async function openPage(page, url, { scrollTo } = {}) {
  const pageErrors = [];
  const consoleErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  for (const file of INIT_SCRIPTS) await page.addInitScript({ path: file });

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
  return { pageErrors, consoleErrors, loadMs: Date.now() - t0 };
}

/** Load the recorder the way users do: a classic <script src>. Does not start recording. */
export async function loadRecorder(page) {
  assertRecorderBuilt();
  await page.addScriptTag({ url: '/' + RECORDER_SCRIPT });
}

/**
 * Call record() with an emit that stores every event as JSON (serialized at emit time: what a
 * transport would send, immune to later mutation) and wait for `ready`. The handle is
 * window.__e2eHandle = { stop, takeFullSnapshot, addCustomEvent, ready } for either recorder.
 */
export async function startRecorder(page, recordOptions = {}) {
  await page.evaluate(
    async ({ recorder, recordOptions }) => {
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
}

/** How many events the recorder has emitted so far. */
export function eventCount(page) {
  return page.evaluate(() => window.__e2eEvents.length);
}

/**
 * Resolve once the recorder has emitted nothing new for quietMs (checked every 25 ms).
 * Returns the event count then; throws after timeoutMs.
 */
export async function waitForQuiet(page, { quietMs = 300, timeoutMs = 15_000 } = {}) {
  return page.evaluate(
    ({ quietMs, timeoutMs }) =>
      new Promise((resolve, reject) => {
        const events = window.__e2eEvents;
        const start = performance.now();
        let count = events.length;
        let since = start;
        const timer = setInterval(() => {
          const now = performance.now();
          if (events.length !== count) {
            count = events.length;
            since = now;
          } else if (now - since >= quietMs) {
            clearInterval(timer);
            resolve(count);
          }
          if (now - start > timeoutMs) {
            clearInterval(timer);
            reject(new Error(`the recorder was still emitting after ${timeoutMs} ms (${count} events)`));
          }
        }, 25);
      }),
    { quietMs, timeoutMs },
  );
}

/** Every event emitted so far, parsed. */
export async function takeEvents(page) {
  const json = await page.evaluate(() => window.__e2eEvents);
  return json.map((s) => JSON.parse(s));
}

/** Stop the recorder; returns the number of events emitted up to (and by) stop(). */
export function stopRecorder(page) {
  return page.evaluate(() => {
    window.__e2eHandle.stop();
    return window.__e2eEvents.length;
  });
}

/**
 * What the page shows right now: { scroll, viewport, maskRects, scrolledElements, screenshot }.
 * (Lets two frames render first.)
 */
export async function capturePage(page) {
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
  return { ...state, screenshot };
}

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
  const t0 = Date.now();
  const { pageErrors, consoleErrors } = await openPage(page, url, { scrollTo });
  const t1 = Date.now();
  await loadRecorder(page);
  await startRecorder(page, recordOptions);
  const t2 = Date.now();

  await page.waitForTimeout(settleMs);
  const state = await capturePage(page);
  await stopRecorder(page);
  const events = await takeEvents(page);
  return {
    events,
    ...state,
    pageErrors,
    consoleErrors,
    recorder: RECORDER,
    timings: { loadMs: t1 - t0, readyMs: t2 - t1, totalMs: Date.now() - t0 },
  };
}
