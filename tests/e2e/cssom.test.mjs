// www/cssom.html: boxes styled only through the CSSOM after recording starts (insertRule,
// a nested rule in @media, setProperty on a rule, sheets adopted by the document and by a
// shadow root). Without StyleSheetRule / StyleDeclaration / AdoptedStyleSheet events the replay
// shows grey boxes and the screenshots differ.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, once, recordAndReplay, assertReplayMatches, VIEWPORT, RECORDER } from './lib/harness.mjs';
import { assertWellFormed, EventType } from './lib/events.mjs';

const PAGE = '/www/cssom.html';
const Source = { StyleSheetRule: 8, StyleDeclaration: 13, AdoptedStyleSheet: 15 };

let harness;
const run = once(async () => {
  harness = await startHarness();
  return recordAndReplay(harness, 'cssom', PAGE);
});
after(() => harness?.close());

const incremental = (events, source) =>
  events.filter((e) => e.type === EventType.IncrementalSnapshot && e.data.source === source).map((e) => e.data);

test('cssom: replay matches the page (≤ 1 % pixels differ)', async (t) => {
  const r = await run();
  const { ratioText } = assertReplayMatches(r);
  t.diagnostic(ratioText);
});

test('cssom: events are well formed', async () => {
  const { events } = await run();
  assertWellFormed(events, { href: harness.baseUrl + PAGE, ...VIEWPORT });
});

test('cssom: rule, declaration and adoption events are recorded', async () => {
  const { events } = await run();
  const rules = incremental(events, Source.StyleSheetRule);
  assert.ok(rules.some((d) => d.adds?.[0]?.rule.startsWith('.inserted')), 'insertRule on <style> missing');
  assert.ok(rules.some((d) => d.removes?.[0]?.index === 1), 'deleteRule missing');
  assert.ok(
    rules.some((d) => Array.isArray(d.adds?.[0]?.index) && d.adds[0].index.join() === '0,1'),
    'nested insertRule in @media (index [0, 1]) missing',
  );
  // rrweb watches a shadow root's adoptedStyleSheets only from a task after it found the root,
  // so the page's adoption there and the replace() that follows race with it.
  if (RECORDER === 'tapedeck') {
    assert.ok(rules.some((d) => typeof d.replace === 'string' && d.styleId), 'replace() on a constructed sheet missing');
  }
  const declarations = incremental(events, Source.StyleDeclaration);
  assert.ok(
    declarations.some((d) => d.set?.property === 'background' && d.set.priority === 'important'),
    'setProperty on a rule missing',
  );
  const adopted = incremental(events, Source.AdoptedStyleSheet);
  assert.ok(adopted.some((d) => d.id === 1 && d.styles?.length === 1), 'adoption by the document missing');
  if (RECORDER === 'tapedeck') {
    assert.equal(adopted.length, 2, 'one adoption by the document, one by the shadow root');
    assert.ok(adopted.every((d) => d.styles?.length === 1 && d.styleIds.length === 1));
  }
});
