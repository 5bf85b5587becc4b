// The collector end to end: record www/rich.html (served by the collector itself) while the
// mouse moves and the page scrolls, deliver the events to POST /ingest as the SDK would (gzip
// and plain batches, one split, one out of order, one retried), then open www/viewer.html, pick
// the session and check that rrweb-player replays the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startCollector } from './lib/collector.mjs';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { openPage, loadRecorder, startRecorder, waitForQuiet, stopRecorder, takeEvents, RECORDER } from './lib/recorder.mjs';
import { REPO_ROOT, ARTIFACTS_DIR } from './lib/paths.mjs';

const SESSION = 's-e2e-viewer';
const WINDOW = 'w-e2e-1';

let collector;
let browser;

before(async () => {
  collector = await startCollector({ args: ['--static', REPO_ROOT] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close().catch(() => {});
  await collector?.close();
});

async function ingest(envelope, { gzip }) {
  const json = JSON.stringify(envelope);
  const res = await fetch(`${collector.url}/ingest?v=1&encoding=${gzip ? 'gzip' : 'none'}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    body: gzip ? zlib.gzipSync(json) : json,
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

test('a recorded session is stored, listed and replayed by the viewer', async (t) => {
  // ---- record ----
  const page = await newPage(browser);
  await openPage(page, `${collector.url}/www/rich.html`);
  await loadRecorder(page);
  await startRecorder(page);
  for (let i = 0; i < 12; i++) {
    await page.mouse.move(100 + i * 40, 120 + i * 25);
    // Spread over more than a second, so the player's clock has a second to show.
    await page.waitForTimeout(110);
  }
  await page.mouse.wheel(0, 400);
  await page.waitForTimeout(200);
  await waitForQuiet(page);
  await stopRecorder(page);
  const events = await takeEvents(page);
  await page.context().close();
  assert.ok(events.length >= 4, `only ${events.length} events recorded`);
  t.diagnostic(`${RECORDER}: ${events.length} events`);

  // ---- deliver, as the SDK would ----
  const batches = [];
  const perBatch = Math.ceil(events.length / 4);
  for (let seq = 0; seq < events.length; seq += perBatch) {
    batches.push({ seq, events: events.slice(seq, seq + perBatch) });
  }
  const envelope = (b) => ({ v: 1, sessionId: SESSION, windowId: WINDOW, seq: b.seq, sentAt: Date.now(), events: b.events });
  // The last batch arrives first; the first is split in halves (as after a 413).
  const order = [batches.length - 1, ...batches.keys()].filter((i, k, all) => all.indexOf(i) === k);
  let stored = 0;
  for (const i of order) {
    const b = batches[i];
    if (i === 0 && b.events.length > 1) {
      const half = Math.ceil(b.events.length / 2);
      stored += (await ingest(envelope({ seq: 0, events: b.events.slice(0, half) }), { gzip: true })).stored;
      stored += (await ingest(envelope({ seq: half, events: b.events.slice(half) }), { gzip: false })).stored;
    } else {
      stored += (await ingest(envelope(b), { gzip: i % 2 === 0 })).stored;
    }
  }
  // A retry of the first batch stores nothing.
  assert.deepEqual(await ingest(envelope(batches[0]), { gzip: true }), { stored: 0, duplicates: batches[0].events.length });
  assert.equal(stored, events.length);

  const stored_events = await (await fetch(`${collector.url}/api/sessions/${SESSION}/events`)).json();
  assert.deepEqual(stored_events, events, 'events come back complete and in recording order');

  // ---- view ----
  const viewer = await newPage(browser);
  const errors = [];
  viewer.on('pageerror', (err) => errors.push(String(err)));
  const res = await viewer.goto(`${collector.url}/www/viewer.html`, { waitUntil: 'load' });
  assert.equal(res.status(), 200);
  const row = viewer.locator(`button.session[data-id="${SESSION}"]`);
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /1 page · [\d,]+ events · [\d.]+ KB/, text);
  assert.match(text, new RegExp(`${events.length.toLocaleString('en-US')} events`), text);
  await row.click();
  // The click sets location.hash; the list is redrawn on 'hashchange', a task later.
  await viewer.waitForFunction(
    (id) => document.querySelector(`button.session[data-id="${id}"]`)?.getAttribute('aria-current') === 'true',
    SESSION,
    { timeout: 5_000 },
  );

  // rrweb-player builds the replay in an iframe inside .rr-player.
  const frame = viewer.frameLocator('.rr-player iframe');
  await frame.locator('h1').waitFor({ timeout: 10_000 });
  assert.equal(await frame.locator('h1').innerText(), 'Dolomites Hut-to-Hut, 6 days');
  const box = await viewer.locator('.rr-player').boundingBox();
  assert.ok(box.width > 500 && box.width <= 1024 && box.height <= 768, `player box ${JSON.stringify(box)}`);
  // It plays: the controller's clock moves.
  const clock = viewer.locator('.rr-timeline__time').first();
  await viewer.waitForFunction(() => {
    const times = document.querySelectorAll('.rr-timeline__time');
    return times.length > 0 && times[0].textContent.trim() !== '00:00';
  }, null, { timeout: 10_000 });
  t.diagnostic(`player clock: ${await clock.innerText().catch(() => '?')}`);
  assert.deepEqual(errors, []);
  if (process.env.E2E_ARTIFACTS === '1') {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await viewer.screenshot({ path: path.join(ARTIFACTS_DIR, 'viewer.png') });
  }
  await viewer.context().close();
});
