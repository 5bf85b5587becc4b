// The two ways a site loads Tapedeck, as a user writes them: a classic <script> in <head> with
// record() called at once (before the wasm has loaded, while the page is still parsing), and
// the ES module. The page below streams its body slowly, so recording starts mid-parse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, newPage } from './lib/browser.mjs';
import { REPO_ROOT } from './lib/paths.mjs';
import { mimeType } from './lib/server.mjs';
import { allNodes, fullSnapshot } from './lib/events.mjs';

const PARSE_PAUSE_MS = 700;

const HEAD = `<!doctype html><html><head><title>early</title>
<script src="/dist/tapedeck.js"></script>
<script>
  window.events = [];
  window.recorder = tapedeck.record({ emit: (e) => window.events.push(e) });
  window.recorder.addCustomEvent('queued-before-load', { n: 1 });
  window.readyAt = null;
  window.recorder.ready.then(() => { window.readyAt = document.readyState; });
</script></head><body><p id="first">first paragraph</p>`;
const TAIL = `<p id="late">arrived after the pause</p></body></html>`;

const MODULE_PAGE = `<!doctype html><html><head><title>esm</title></head><body><p id="m">module page</p>
<script type="module">
  import { record, load } from '/dist/tapedeck.mjs';
  const events = [];
  const r = record({ emit: (e) => events.push(e) });
  await r.ready;
  let syncError = null;
  try { record({ emit: () => {}, inlineStylesheet: 'yes' }); } catch (e) { syncError = e.message; }
  window.result = { events, syncError };
</script></body></html>`;

let server;
let base;
let browser;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/early.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.write(HEAD);
      setTimeout(() => res.end(TAIL), PARSE_PAUSE_MS);
      return;
    }
    if (url.pathname === '/module.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(MODULE_PAGE);
      return;
    }
    const file = path.join(REPO_ROOT, 'pkg', url.pathname);
    if (!url.pathname.startsWith('/dist/') || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': mimeType(file), 'Cache-Control': 'no-store' });
    res.end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve) ?? resolve());
});

test('script tag in <head>: calls queue until the wasm loads, the snapshot waits for the parsed page', async () => {
  const page = await newPage(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/early.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => window.readyAt !== null);
  const { events, readyAt } = await page.evaluate(() => ({ events: window.events, readyAt: window.readyAt }));
  assert.deepEqual(errors, []);
  assert.notEqual(readyAt, 'loading', 'recording started only once the document was parsed');
  assert.deepEqual(events.map((e) => e.type), [4, 2, 5], 'Meta, FullSnapshot, then the queued custom event');
  const texts = allNodes(events).map((x) => x.node).filter((n) => n.type === 3).map((n) => n.textContent);
  assert.ok(texts.includes('first paragraph'));
  assert.ok(texts.includes('arrived after the pause'), 'content parsed after record() is in the snapshot');
  assert.deepEqual(events[2].data, { tag: 'queued-before-load', payload: { n: 1 } });
  await page.context().close();
});

test('stop() before recording started (the page still parsing): nothing is ever recorded', async () => {
  const page = await newPage(browser);
  await page.goto(`${base}/early.html`, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.recorder);
  assert.equal(await page.evaluate(() => document.readyState), 'loading');
  await page.evaluate(() => window.recorder.stop());
  await page.waitForLoadState('load');
  await page.waitForTimeout(200);
  assert.deepEqual(await page.evaluate(() => window.events.length), 0);
  await page.context().close();
});

test('ES module: record() after load, and a bad option throws synchronously with a clear message', async () => {
  const page = await newPage(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/module.html`);
  await page.waitForFunction(() => window.result);
  const { events, syncError } = await page.evaluate(() => window.result);
  assert.deepEqual(errors, []);
  assert.deepEqual(events.slice(0, 2).map((e) => e.type), [4, 2]);
  assert.ok(allNodes(events).some((x) => x.node.textContent === 'module page'));
  assert.equal(syncError, 'tapedeck: option `inlineStylesheet` expects true or false, got a string');
  assert.equal(fullSnapshot(events).data.node.id, 1);
  await page.context().close();
});

test('script tag: bad options before load reject `ready` with the message, and nothing throws into the page', async () => {
  const page = await newPage(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/module.html`);
  await page.waitForFunction(() => window.result);
  // Hold the classic script's wasm back so record() surely runs before it has loaded.
  await page.route('**/tapedeck.wasm', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await page.addScriptTag({ url: '/dist/tapedeck.js?fresh' });
  const message = await page.evaluate(async () => {
    const r = tapedeck.record({ emit: () => {}, samplng: 3 });
    try {
      await r.ready;
      return 'resolved';
    } catch (e) {
      return e.message;
    }
  });
  assert.equal(message, 'tapedeck: unknown option `samplng` (did you mean `sampling`?)');
  assert.deepEqual(errors, []);
  await page.context().close();
});
