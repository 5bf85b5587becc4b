// www/long.html: a ~5-screen page scrolled down before recording, with a sticky header and a
// scrollable panel (#build-log) whose own scroll offset is set by the page on load.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, once, recordAndReplay, assertReplayMatches, VIEWPORT } from './lib/harness.mjs';
import { allNodes, elements, fullSnapshot, assertWellFormed } from './lib/events.mjs';

const PAGE = '/www/long.html';
const PANEL_SCROLL_TOP = 380; // set by long.html

let harness;
const run = once(async () => {
  harness = await startHarness();
  // Put "v4.9" (which holds the scrolled panel) just below the 56 px sticky header.
  return recordAndReplay(harness, 'long', PAGE, { scrollTo: { selector: '#v4-9', margin: 72 } });
});
after(() => harness?.close());

test('long: replay matches the scrolled page (≤ 1 % pixels differ)', async (t) => {
  const r = await run();
  assert.ok(r.rec.scroll.y > VIEWPORT.height, `page was not scrolled far enough (${r.rec.scroll.y})`);
  const { ratioText } = assertReplayMatches(r);
  t.diagnostic(ratioText);
});

test('long: events are well formed', async () => {
  const { events } = await run();
  assertWellFormed(events, { href: harness.baseUrl + PAGE, ...VIEWPORT });
});

test('long: the window scroll offset is recorded as initialOffset', async () => {
  const { events, rec } = await run();
  const { initialOffset } = fullSnapshot(events).data;
  assert.ok(initialOffset.top > 0, `initialOffset.top = ${initialOffset.top}`);
  assert.deepEqual(initialOffset, { left: rec.scroll.x, top: rec.scroll.y });
});

test('long: the scrolled panel carries rr_scrollTop', async () => {
  const { events } = await run();
  const panel = elements(allNodes(events), 'div', (n) => n.attributes.id === 'build-log');
  assert.equal(panel.length, 1);
  assert.equal(panel[0].attributes.rr_scrollTop, PANEL_SCROLL_TOP);
  assert.ok(!('rr_scrollLeft' in panel[0].attributes) || panel[0].attributes.rr_scrollLeft === 0);
});
