// Delivery end to end: www/delivery.html records itself and sends to the real collector binary
// (target/collector/tapedeck-collector) through a fault-injecting proxy on another origin. For
// each fault (500s, 429 + Retry-After, slow responses, 413 on large batches, the collector
// killed for 10 s, a reload mid-session, a tab closed right after typing: with the collector
// reachable, unreachable, or while a request hangs) the collector must end up holding every
// event the page emitted, exactly once and in order; and a stored session must replay in
// rrweb's Replayer.
//
// Backoff (src/delivery/retry.rs): the first retry after 0.5–1 s, then doubling with jitter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launchBrowser, newContext, newPage } from './lib/browser.mjs';
import { startCollector } from './lib/collector.mjs';
import { startProxy } from './lib/proxy.mjs';
import { capturePage, assertRecorderBuilt } from './lib/recorder.mjs';
import { replay, openReplay } from './lib/replay.mjs';
import { compareWithReplay, assertReplayMatches } from './lib/harness.mjs';
import { EventType } from './lib/events.mjs';
import { REPO_ROOT } from './lib/paths.mjs';
import {
  openRecordedPage,
  waitReady,
  deliveryIds,
  act,
  reportedErrors,
  waitForStored,
  assertStoredNow,
  until,
} from './lib/delivery.mjs';

/** IncrementalSource.Input */
const INPUT = 5;

let pages;
let collector;
let proxy;
let browser;
let endpoint;

before(async () => {
  assertRecorderBuilt();
  pages = await startServer({ root: REPO_ROOT });
  collector = await startCollector();
  proxy = await startProxy({ upstream: collector.url });
  endpoint = `${proxy.url}/ingest`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await proxy?.close();
  await collector?.close();
  await pages?.close();
});

/** A fresh context (own storage: a new tab, a new session) recording www/delivery.html. */
async function record(t, options = {}) {
  proxy.pass();
  const context = await newContext(browser);
  t.after(() => context.close().catch(() => {}));
  const rec = await openRecordedPage(context, pages.url, endpoint, options);
  const ids = await deliveryIds(rec.page);
  return { ...rec, context, ids };
}

/**
 * The end of every scenario, with the proxy passing again: the collector catches up with
 * everything emitted so far; then edits of every kind (window.editEntries) and one more entry, `await recorder.stop()`, and (without polling)
 * the collector holds exactly what the page emitted, and the page saw no error.
 */
async function finish(rec, what) {
  proxy.pass();
  await waitForStored(collector, rec.ids.session, () => rec.sink, { timeoutMs: 20_000, what });
  // A Mutation with runs of ids in its adds, attributes, texts and removes: what the SDK
  // leaves out (protocol v3) must come back exactly.
  await rec.page.evaluate(() => window.editEntries());
  await rec.page.evaluate(() => window.addEntry('last entry'));
  await rec.page.evaluate(() => window.recorder.stop());
  const emitted = [...rec.sink];
  const stored = await assertStoredNow(collector, rec.ids.session, emitted, `${what}, right after stop() settled`);
  const edits = emitted
    .map((json) => JSON.parse(json))
    .find((e) => e.type === EventType.IncrementalSnapshot && e.data.source === 0 && e.data.removes.length >= 3);
  for (const list of ['attributes', 'texts', 'removes']) {
    assert.ok(edits?.data[list].length >= 3, `${what}: the edits make a Mutation with a run of ${list}`);
  }
  assert.deepEqual(await reportedErrors(rec.page), [], 'onError was not called');
  assert.deepEqual(rec.pageErrors, [], 'no error was thrown in the page');
  return stored;
}

/** POST /ingest entries of the proxy log since `mark` that got `status`. */
function answered(mark, status) {
  return proxy.ingests(mark).filter((e) => e.status === status);
}

test('500s for a while: retried with backoff, then every event stored exactly once (preflighted requests)', async (t) => {
  // A custom header makes every (non-unload) request preflighted: CORS goes through the proxy.
  const rec = await record(t, { header: 'e2e' });
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'first batch' });
  assert.ok(
    proxy.log.some((e) => e.method === 'OPTIONS' && e.path === '/ingest' && e.status >= 200 && e.status < 300),
    'the preflight went through to the collector',
  );

  const mark = proxy.mark();
  proxy.fault({ type: 'status', status: 500 });
  await act(rec.page, 'during 500s');
  await until(() => answered(mark, 500).length >= 2, 'two requests answered 500');
  proxy.pass();
  await act(rec.page, ' after', 'after the 500s');
  await finish(rec, '500s');

  const failed = answered(mark, 500).map((e) => e.envelope.seq);
  const delivered = answered(mark, 200).map((e) => e.envelope.seq);
  assert.ok(delivered.includes(failed[0]), `the batch at seq ${failed[0]} that got a 500 was sent again and stored`);
  const attempts = proxy.ingests(mark).filter((e) => e.envelope.seq === failed[0]);
  for (let i = 1; i < attempts.length; i++) {
    const gap = attempts[i].start - attempts[i - 1].end;
    assert.ok(gap >= 400, `retry ${i} came ${gap} ms after the 500 (backoff ≥ 500 ms)`);
  }
  t.diagnostic(`${failed.length} answers 500, batch ${failed[0]} sent ${attempts.length} times`);
});

test('429 with Retry-After: the SDK waits as told, then delivers', async (t) => {
  const rec = await record(t);
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'first batch' });

  const mark = proxy.mark();
  proxy.fault({ type: 'status', status: 429, retryAfter: 2, times: 1 });
  await act(rec.page, 'overloaded');
  const [refused] = await until(() => answered(mark, 429).length && answered(mark, 429), 'a 429');
  const next = await until(() => proxy.ingests(refused.id + 1)[0], 'the request after the 429');
  await finish(rec, '429');

  const gap = next.start - refused.end;
  // Backoff alone would retry after 0.5–1 s; Retry-After says 2 s.
  assert.ok(gap >= 1900, `the next request came ${gap} ms after the 429 (Retry-After: 2)`);
  assert.equal(next.envelope.seq, refused.envelope.seq, 'the refused batch is the one sent next');
  t.diagnostic(`next request ${gap} ms after the 429`);
});

test('slow responses (3 s): one request at a time, and flush() settles once the data is stored', async (t) => {
  const rec = await record(t);
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'first batch' });

  const mark = proxy.mark();
  proxy.fault({ type: 'slow', delayMs: 3000, times: 2 });
  await act(rec.page, 'slow one');
  await until(() => proxy.ingests(mark).length >= 1, 'a request');
  // More data while the first request hangs: it has to wait its turn.
  await act(rec.page, ' two', 'slow two');
  const flushMs = await rec.page.evaluate(async () => {
    const t0 = performance.now();
    await window.recorder.flush();
    return performance.now() - t0;
  });
  // Settled means delivered (nothing is waiting for a retry): no polling here.
  await assertStoredNow(collector, rec.ids.session, [...rec.sink], 'when flush() settled');
  assert.ok(flushMs >= 1500, `flush() waited for the slow response (${Math.round(flushMs)} ms)`);
  assert.equal(proxy.stats.maxInFlightIngest, 1, 'one request at a time');
  const seqs = proxy.ingests(mark).map((e) => e.envelope.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `batches sent in order: ${seqs}`);
  await finish(rec, 'slow responses');
  t.diagnostic(`flush() took ${Math.round(flushMs)} ms; ${seqs.length} requests`);
});

test('413 for bodies over 4 KiB: batches are split until they fit', async (t) => {
  // Batches of a second: the noise below lands in one or two large ones even on a slow machine.
  const rec = await record(t, { flush: 1000 });
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'first batch' });

  const mark = proxy.mark();
  const maxBytes = 4096;
  proxy.fault({ type: 'max-body', maxBytes });
  // 40 Mutation events of ~600 barely compressible characters each: ~20 KB gzipped.
  await rec.page.evaluate(() => window.addNoise(40, 600, 7));
  await act(rec.page, 'big');
  await waitForStored(collector, rec.ids.session, () => rec.sink, { timeoutMs: 20_000, what: '413 split' });
  const tooLarge = answered(mark, 413);
  assert.ok(tooLarge.length >= 1, 'some batch was refused with 413');
  const [refused] = tooLarge;
  const half = answered(mark, 200).find((e) => e.envelope.seq === refused.envelope.seq);
  assert.ok(half && half.envelope.count < refused.envelope.count, 'the refused batch was stored in smaller parts');
  await finish(rec, '413');
  t.diagnostic(`${tooLarge.length} answers 413 (largest ${Math.max(...tooLarge.map((e) => e.bytes))} bytes), ${answered(mark, 200).length} stored batches`);
});

test('the collector down for 10 s (killed), then up again on the same data', async (t) => {
  const rec = await record(t);
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'before the outage' });

  const mark = proxy.mark();
  await collector.kill();
  const down = Date.now();
  // Data comes in during the outage, from 3 s on: the first failure is then ~3 s in, and the
  // backoff's 4th retry (7.5–15 s after it) comes after the collector is back.
  await new Promise((r) => setTimeout(r, 3000));
  for (let i = 0; i < 5; i++) {
    await act(rec.page, `${i}`, `while down ${i}`);
    await new Promise((r) => setTimeout(r, 800));
  }
  await new Promise((r) => setTimeout(r, Math.max(0, down + 10_000 - Date.now())));
  proxy.setUpstream(await collector.restart());
  const up = Date.now();
  await finish(rec, 'after the outage');

  const failures = proxy.ingests(mark).filter((e) => e.action === 'reset');
  assert.ok(failures.length >= 2, `${failures.length} attempts failed while the collector was down`);
  assert.ok(failures.length <= 6, `${failures.length} attempts in 7 s: backoff, not a request storm`);
  const starts = failures.map((e) => e.start);
  const gaps = starts.slice(1).map((s, i) => s - starts[i]);
  // Retry k waits at least 500·2^(k-1) ms (equal jitter: half of the doubling delay is fixed).
  // Lower bounds only: a loaded machine makes gaps longer, never shorter.
  for (const [i, gap] of gaps.entries()) {
    const min = 500 * 2 ** i;
    assert.ok(gap >= min - 50, `attempt ${i + 2} came ${gap} ms after the previous one (backoff ≥ ${min} ms): gaps ${gaps.join(', ')} ms`);
  }
  const recovered = proxy.ingests(mark).find((e) => e.status === 200);
  t.diagnostic(`${failures.length} failed attempts (gaps ${gaps.join(', ')} ms); first delivery ${recovered.start - up} ms after the restart`);
});

/** Set by the reload test for the replay test: the session's page state and stored events. */
let replayable = null;

test('a reload mid-session: one session and window, both pages stored in order, each event once', async (t) => {
  const rec = await record(t);
  // Type and reload at once: the first page's last events are still pending.
  await act(rec.page, 'first page', 'first page entry');
  await rec.page.reload({ waitUntil: 'load' });
  await waitReady(rec.page);
  const after = await deliveryIds(rec.page);
  assert.deepEqual(after, rec.ids, 'the reloaded page continues the session and the window');
  await act(rec.page, 'second page', 'second page entry');
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'both pages' });
  const stored = await finish(rec, 'reload');
  // Stopped: the page keeps showing its final state, which the replay must show too.
  const state = await capturePage(rec.page);

  const types = stored.map((e) => e.type);
  const metas = types.flatMap((type, i) => (type === EventType.Meta ? [i] : []));
  assert.equal(metas.length, 2, 'two pages: two Meta events');
  for (const i of metas) assert.equal(types[i + 1], EventType.FullSnapshot, `the Meta at ${i} is followed by a FullSnapshot`);
  assert.equal(metas[0], 0, 'the session starts with a Meta event');
  const entries = stored.map((e) => JSON.stringify(e));
  const first = entries.findIndex((s) => s.includes('first page entry'));
  assert.ok(first > 0 && first < metas[1], 'the first page entry is recorded before the reload');
  assert.ok(entries.slice(metas[1]).some((s) => s.includes('second page entry')), 'the second page entry after it');
  const sessions = await collector.sessions();
  const listed = sessions.find((s) => s.id === rec.ids.session);
  assert.equal(listed?.events, stored.length, 'GET /api/sessions counts the same events');
  replayable = { state: { ...state, pageErrors: rec.pageErrors }, events: stored };
  t.diagnostic(`${stored.length} events, Meta events at ${metas.join(', ')}`);
});

test('the stored session replays in rrweb’s Replayer', async () => {
  assert.ok(replayable, 'needs the session stored by the reload test');
  const page = await newPage(browser);
  try {
    const rep = await replay(page, pages.url, replayable.events);
    const result = compareWithReplay('delivery-reload', replayable.state, rep, replayable.events);
    assertReplayMatches(result);
    const text = () => page.evaluate(() => document.querySelector('#root iframe').contentDocument.body.textContent);
    assert.match(await text(), /second page entry/);
    assert.match(await text(), /last entry/);
  } finally {
    await page.context().close();
  }
  // Just before the second page's Meta event, the replay shows the first page. (1 ms before:
  // rrweb's seek starts from the last Meta at or before the time sought.)
  const page2 = await newPage(browser);
  try {
    const { events } = replayable;
    const second = events.findLastIndex((e) => e.type === EventType.Meta);
    const r = await openReplay(page2, pages.url, events);
    const frame = await r.seek(events[second].timestamp - events[0].timestamp - 1);
    assert.deepEqual(frame.pageErrors, []);
    const text = await page2.evaluate(() => document.querySelector('#root iframe').contentDocument.body.textContent);
    assert.match(text, /first page entry/);
    assert.doesNotMatch(text, /second page entry/);
  } finally {
    await page2.context().close();
  }
});

/** Input events on #name, from the stored events. */
function typedInto(stored, what) {
  const inputs = stored.filter((e) => e.type === EventType.IncrementalSnapshot && e.data.source === INPUT);
  assert.ok(inputs.length > 0, `${what}: Input events are stored`);
  return inputs;
}

test('a tab closed right after typing: the pending data goes out on pagehide', async (t) => {
  // Nothing is sent on a timer (60 s): every event goes out while the page closes.
  const rec = await record(t, { flush: 60_000 });
  const mark = proxy.mark();
  await rec.page.click('#name');
  await rec.page.keyboard.type('goodbye', { delay: 10 });
  await rec.page.close({ runBeforeUnload: true });
  const stored = await waitForStored(collector, rec.ids.session, () => rec.sink, { timeoutMs: 10_000, what: 'sent on pagehide' });
  const inputs = typedInto(stored, 'pagehide');
  assert.equal(inputs.at(-1).data.text.length, 'goodbye'.length, 'the last Input event has the whole value (masked)');
  assert.ok(proxy.ingests(mark).length >= 1, 'sent while the page closed');
  const sent = proxy.ingests(mark).map((e) => `seq ${e.envelope.seq} ×${e.envelope.count} → ${e.status ?? e.action}`);
  t.diagnostic(`${stored.length} events; requests on pagehide: ${sent.join('; ')}`);
});

test('a tab closed while the collector is unreachable: resent from localStorage on the next visit', async (t) => {
  const rec = await record(t, { flush: 60_000 });
  const mark = proxy.mark();
  proxy.fault({ type: 'down' });
  await rec.page.click('#name');
  await rec.page.keyboard.type('see you', { delay: 10 });
  await rec.page.close({ runBeforeUnload: true });
  await until(() => proxy.log.some((e) => e.id >= mark && e.action === 'reset'), 'the unload request reached the proxy and was reset');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await collector.events(rec.ids.session), null, 'nothing was stored while the collector was unreachable');

  // The visitor comes back (a new tab of the same browser): the stored batches go out first.
  proxy.pass();
  const next = await openRecordedPage(rec.context, pages.url, endpoint);
  const stored = await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'resent on the next visit' });
  const inputs = typedInto(stored, 'resent');
  assert.equal(inputs.at(-1).data.text.length, 'see you'.length, 'the last Input event has the whole value (masked)');
  const nextIds = await deliveryIds(next.page);
  assert.notEqual(nextIds.session, rec.ids.session, 'the new tab has a session of its own');
  await finish({ ...next, ids: nextIds }, 'the next visit');
  t.diagnostic(`${stored.length} events resent`);
});

test('a tab closed while a request is still on its way: that batch goes again on pagehide', async (t) => {
  const rec = await record(t);
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'first batch' });
  const mark = proxy.mark();
  // The next request hangs before it reaches the collector (and never does once the page is gone).
  proxy.fault({ type: 'stall', delayMs: 4000 });
  await act(rec.page, 'held');
  const [held] = await until(() => proxy.ingests(mark).length && proxy.ingests(mark), 'a held request');
  proxy.pass();
  await act(rec.page, ' after', 'after the held request');
  await rec.page.close({ runBeforeUnload: true });
  // No next visit: everything, the held batch included, must arrive from the closing page.
  const stored = await waitForStored(collector, rec.ids.session, () => rec.sink, { timeoutMs: 10_000, what: 'sent on pagehide' });
  const again = proxy.ingests(mark).filter((e) => e.id > held.id && e.envelope?.seq === held.envelope.seq);
  assert.ok(again.some((e) => e.status === 200), `the held batch (seq ${held.envelope.seq}) was sent again and stored`);
  t.diagnostic(`${stored.length} events; the held batch sent again ${again.length} time(s) on pagehide`);
});

// A tab opened with window.open() (or the browser's "Duplicate tab") starts with a copy of its
// opener's sessionStorage. Were the window id taken from it as is, both tabs would number
// their batches from the same `seq` and the collector would keep one tab's batch at each
// (session, window, seq) and drop the other's as duplicates.
test('a tab opened from a recorded tab gets a window of its own (no seq collisions)', async (t) => {
  proxy.pass();
  const context = await newContext(browser);
  t.after(() => context.close().catch(() => {}));
  const sinks = new Map();
  await context.exposeBinding('__e2eEmitFrom', ({ page }, json) => {
    if (!sinks.has(page)) sinks.set(page, []);
    sinks.get(page).push(json);
  });
  await context.addInitScript(() => {
    window.__e2eEmit = (json) => window.__e2eEmitFrom(json);
  });
  const opener = await context.newPage();
  const query = new URLSearchParams({ endpoint, flush: '200' });
  await opener.goto(`${pages.url}/www/delivery.html?${query}`, { waitUntil: 'load' });
  await waitReady(opener);
  await act(opener, 'opener');
  const [popup] = await Promise.all([context.waitForEvent('page'), opener.evaluate(() => window.open(location.href))]);
  await popup.waitForLoadState('load');
  await waitReady(popup);
  await act(popup, 'popup');
  await act(opener, ' again', 'opener again');
  const a = await deliveryIds(opener);
  const b = await deliveryIds(popup);
  assert.equal(b.session, a.session, 'one session (by design: tabs opened from it continue it)');
  // Windows replay one after the other, ordered by their first event: the opener's first.
  const expected = () => [...(sinks.get(opener) ?? []), ...(sinks.get(popup) ?? [])];
  await waitForStored(collector, a.session, expected, { timeoutMs: 3000, what: 'two tabs' });
  assert.notEqual(b.window, a.window, 'the popup has a window id of its own');
});

test('a page whose snapshot is larger than maxQueueBytes (4.5 MB): sent once, sliced, stored exactly', async (t) => {
  // 25,000 rows: a FullSnapshot of about 4.5 MB, over the default 4 MiB queue budget (it once
  // looped: dropped, retaken, dropped), gzipped across tasks and sent with implied ids.
  const rec = await record(t, { big: 25_000 });
  const stored = await waitForStored(collector, rec.ids.session, () => rec.sink, { timeoutMs: 30_000, what: 'the large snapshot' });
  const snapshots = stored.filter((e) => e.type === 2);
  assert.equal(snapshots.length, 1, 'one full snapshot');
  const size = JSON.stringify(snapshots[0]).length;
  assert.ok(size > 4 * 1024 * 1024, `the snapshot is over the 4 MiB budget (${size} bytes)`);
  await act(rec.page, 'after the big one');
  const all = await finish(rec, 'large page');
  t.diagnostic(`snapshot ${(size / 1e6).toFixed(1)} MB; ${all.length} events stored`);
});

test('the check catches a batch lost silently (proxy answers 200 without forwarding)', async (t) => {
  const rec = await record(t);
  await waitForStored(collector, rec.ids.session, () => rec.sink, { what: 'first batch' });
  const mark = proxy.mark();
  proxy.fault({ type: 'drop', times: 1 });
  await act(rec.page, 'lost');
  await until(() => proxy.ingests(mark).some((e) => e.fault === 'drop'), 'a dropped batch');
  await act(rec.page, ' kept', 'kept');
  await assert.rejects(
    waitForStored(collector, rec.ids.session, () => rec.sink, { timeoutMs: 1500 }),
    /missing \(indexes in the page's order\): \d/,
  );
  await rec.page.evaluate(() => window.recorder.stop());
});
