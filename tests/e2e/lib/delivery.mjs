// Helpers for the delivery end-to-end tests (delivery.test.mjs): open www/delivery.html (which
// records itself, sending to an endpoint) with every emitted event collected in Node, and
// compare what the collector stored with what the page emitted.
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT } from './paths.mjs';

const INIT_SCRIPTS = ['tests/e2e/lib/settle.js', 'tests/e2e/lib/normalize.js'].map((f) => path.join(REPO_ROOT, f));

/**
 * Open www/delivery.html in a new page of `context`, recording to `endpoint`, and wait for the
 * recorder's `ready`. Every event the page emits is appended (as JSON text, in emit order) to
 * `sink`, which survives reloads of the page: pass the same array to follow one tab.
 *
 * Options: flush (flushIntervalMs, default 200), header (a value for X-Tapedeck-Test: requests
 * are then preflighted), compression, big (extra rows on the page before recording starts).
 * Returns { page, sink, pageErrors, url }.
 */
export async function openRecordedPage(context, pagesUrl, endpoint, { flush = 200, header, compression, big, sink = [] } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err && err.stack ? err.stack : err)));
  await page.exposeFunction('__e2eEmit', (json) => {
    sink.push(json);
  });
  for (const file of INIT_SCRIPTS) await page.addInitScript({ path: file });
  const query = new URLSearchParams({ endpoint, flush: String(flush) });
  if (header) query.set('header', header);
  if (compression) query.set('compression', compression);
  if (big) query.set('big', String(big));
  const url = `${pagesUrl}/www/delivery.html?${query}`;
  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || !response.ok()) throw new Error(`GET ${url} -> ${response ? response.status() : 'no response'}`);
  await waitReady(page);
  return { page, sink, pageErrors, url };
}

/** Wait for `recorder.ready` (after a load or reload). */
export async function waitReady(page) {
  await page.evaluate(() =>
    Promise.race([
      window.recorder.ready,
      new Promise((_, reject) => setTimeout(() => reject(new Error('recorder `ready` did not resolve within 10 s')), 10_000)),
    ]),
  );
  const recording = await page.evaluate(() => window.recorder.recording);
  assert.equal(recording, true, 'the recorder records');
}

/** The tab's { session, window } ids, as the recorder keeps them in sessionStorage. */
export async function deliveryIds(page) {
  const ids = await page.evaluate(() => window.deliveryIds());
  assert.ok(ids.session && ids.window, `no session/window ids in sessionStorage: ${JSON.stringify(ids)}`);
  return ids;
}

/** Some activity: click the Observer field, type `text`, append a log entry `entry`. */
export async function act(page, text, entry = text) {
  await page.click('#name');
  await page.keyboard.type(text, { delay: 15 });
  await page.evaluate((e) => window.addEntry(e), entry);
}

/** onError reports the page received. */
export function reportedErrors(page) {
  return page.evaluate(() => window.__errors);
}

/** Canonical JSON (keys sorted), to compare events whatever the key order. */
export function canonical(value) {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const parse = (e) => (typeof e === 'string' ? JSON.parse(e) : e);

function brief(event) {
  const s = JSON.stringify(event);
  return s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

/**
 * How `stored` differs from `expected` (arrays of events), in words; null when equal:
 * counts, events missing and extra (as multisets), stored more than once, and the first index
 * where the sequences part.
 */
export function describeMismatch(stored, expected) {
  const s = stored.map(canonical);
  const e = expected.map(canonical);
  if (s.length === e.length && s.every((x, i) => x === e[i])) return null;
  const counts = new Map();
  for (const x of e) counts.set(x, (counts.get(x) || 0) + 1);
  const extra = [];
  const duplicated = [];
  const seen = new Map();
  s.forEach((x, i) => {
    seen.set(x, (seen.get(x) || 0) + 1);
    const want = counts.get(x) || 0;
    if (want === 0) extra.push(i);
    else if (seen.get(x) > want) duplicated.push(i);
  });
  const missing = [];
  const used = new Map();
  e.forEach((x, i) => {
    used.set(x, (used.get(x) || 0) + 1);
    if (used.get(x) > (seen.get(x) || 0)) missing.push(i);
  });
  let first = 0;
  while (first < s.length && first < e.length && s[first] === e[first]) first++;
  const lines = [
    `the collector holds ${s.length} events, the page emitted ${e.length}`,
    `missing (indexes in the page's order): ${missing.length ? missing.slice(0, 20).join(', ') + (missing.length > 20 ? ', …' : '') : 'none'}`,
    `extra (stored, never emitted): ${extra.length ? extra.slice(0, 20).join(', ') : 'none'}`,
    `stored more than once: ${duplicated.length ? duplicated.slice(0, 20).join(', ') : 'none'}`,
    `first difference at index ${first}:`,
    `  stored:  ${first < stored.length ? brief(stored[first]) : '(end)'}`,
    `  emitted: ${first < expected.length ? brief(parse(expected[first])) : '(end)'}`,
  ];
  return lines.join('\n');
}

/**
 * Poll the collector until session `sessionId` holds exactly the events of `expected` (an array
 * of events or JSON texts, or a function returning one: a live sink is read again at each poll),
 * in order. Resolves with the stored events; rejects after timeoutMs with what differs.
 */
export async function waitForStored(collector, sessionId, expected, { timeoutMs = 15_000, intervalMs = 100, what = '' } = {}) {
  const read = () => (typeof expected === 'function' ? expected() : expected).map(parse);
  const deadline = Date.now() + timeoutMs;
  let stored = [];
  let want = [];
  let readError = null;
  for (;;) {
    want = read();
    try {
      stored = (await collector.events(sessionId)) ?? [];
      readError = null;
    } catch (err) {
      stored = []; // e.g. the collector is restarting
      readError = err;
    }
    if (describeMismatch(stored, want) === null) return stored;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  assert.fail(
    `session ${sessionId}${what ? ` (${what})` : ''}: after ${timeoutMs} ms the collector does not hold exactly the page's events:\n` +
      describeMismatch(stored, want) +
      (readError ? `\nthe last read failed: ${readError.message}${readError.cause ? ` (${readError.cause.message})` : ''}` : ''),
  );
}

/** Assert, with one read (no polling), that the collector holds exactly `expected`. */
export async function assertStoredNow(collector, sessionId, expected, what = '') {
  const stored = (await collector.events(sessionId)) ?? [];
  const mismatch = describeMismatch(stored, expected.map(parse));
  assert.equal(mismatch, null, `session ${sessionId}${what ? ` (${what})` : ''}: ${mismatch}`);
  return stored;
}

/** Poll `fn` until it returns a truthy value; throws `message` after timeoutMs. */
export async function until(fn, message, { timeoutMs = 10_000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${typeof message === 'function' ? message() : message}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
