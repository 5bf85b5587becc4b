// www/dynamic.html: a sprint board that changes while it is recorded. The test drives the page
// step by step (window.step(n)) over about three seconds: nodes added, removed, moved (a subtree
// to another container, a removed node re-added, moves within one batch), text, attributes and
// inline styles changed, CSS rules inserted and deleted through the CSSOM (a <style>'s sheet, a
// rule inside @media, rule declarations, constructed sheets in document.adoptedStyleSheets,
// replaceSync), a panel scrolled; meanwhile the mouse moves, clicks a toggle button and types
// into a filter input (masked in the replay: its rect is blanked in both screenshots).
//
// The original is screenshotted at three intermediate moments and at the end; the replay is
// paused at the same offsets from the first event and must look the same (≤ 1 % pixels) and
// have exactly the page's normalised DOM (lib/normalize.js) at each of them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, once, compareWithReplay, assertReplayMatches, RECORDER } from './lib/harness.mjs';
import { newPage } from './lib/browser.mjs';
import { openPage, loadRecorder, startRecorder, capturePage, stopRecorder, takeEvents } from './lib/recorder.mjs';
import { openReplay } from './lib/replay.mjs';
import { pageDom, assertSameDom } from './lib/dom.mjs';
import { EventType, IncrementalSource as Source, MouseInteraction, incrementalEvents as incremental, fullSnapshot, flatten } from './lib/events.mjs';

const PAGE = '/www/dynamic.html';
// Long enough for throttled events (rrweb samples scroll every 100 ms) to be emitted.
const SETTLE_MS = 200;
const FILTER_TEXT = 'api';


let harness;
const run = once(async () => {
  harness = await startHarness();
  const page = await newPage(harness.browser);
  const moments = [];
  let events;
  let opened;
  try {
    opened = await openPage(page, harness.baseUrl + PAGE);
    await loadRecorder(page);
    await startRecorder(page);

    const center = (selector) =>
      page.evaluate((selector) => {
        const r = document.querySelector(selector).getBoundingClientRect();
        return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
      }, selector);
    const click = async (selector) => {
      const { x, y } = await center(selector);
      await page.mouse.move(x, y, { steps: 6 });
      await page.mouse.click(x, y);
    };
    const step = (n) => page.evaluate((n) => window.step(n), n);
    /** Screenshot the page and note the page's clock: the replay is paused at the same moment. */
    const moment = async (name) => {
      await page.waitForTimeout(SETTLE_MS);
      const at = await page.evaluate(() => Date.now());
      const state = await capturePage(page);
      const dom = await pageDom(page);
      moments.push({ name, at, dom, ...state, pageErrors: opened.pageErrors });
      // Whatever happens next carries a later timestamp than `at`.
      await page.waitForTimeout(5);
    };

    await page.mouse.move(40, 700);
    await page.mouse.move(320, 180, { steps: 15 });
    await page.waitForTimeout(150);
    await page.mouse.move(520, 420, { steps: 15 });
    await step(1);
    await moment('step1');

    await click('#compact');
    await page.mouse.move(600, 300, { steps: 12 });
    await page.waitForTimeout(150);
    await step(2);
    await moment('step2');

    await click('#filter');
    await page.keyboard.type(FILTER_TEXT, { delay: 80 });
    await step(3);
    await moment('filtered');

    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await click('#compact');
    await page.mouse.move(300, 600, { steps: 12 });
    await step(4);
    await page.mouse.move(900, 740, { steps: 12 });
    await moment('end');

    await stopRecorder(page);
    events = await takeEvents(page);
  } finally {
    await page.context().close();
  }

  const repPage = await newPage(harness.browser);
  const frames = [];
  try {
    // Apply events to the real DOM in recorded order. With rrweb's default virtual DOM, a seek
    // applies mutations to constructed sheets before it re-creates the sheets adopted after the
    // first DOM mutation, and drops them (rrweb 2.2.2, Replayer#constructedStyleMutations).
    const replayer = await openReplay(repPage, harness.baseUrl, events, { useVirtualDom: false });
    for (const m of moments) {
      // + 1: pause(t) applies the events with timestamp < first + t; `at` itself is included.
      const rep = await replayer.seek(m.at - events[0].timestamp + 1);
      frames.push({ ...compareWithReplay(`dynamic-${m.name}`, m, rep, events), dom: await replayer.dom() });
    }
  } finally {
    await repPage.context().close();
  }
  // The same seek to the end with rrweb's default virtual DOM, as players seek.
  const vdomPage = await newPage(harness.browser);
  let vdom;
  try {
    const replayer = await openReplay(vdomPage, harness.baseUrl, events);
    const rep = await replayer.seek(moments.at(-1).at - events[0].timestamp + 1);
    vdom = { warnings: rep.warnings, pageErrors: rep.pageErrors, dom: await replayer.dom() };
  } finally {
    await vdomPage.context().close();
  }
  return { events, moments, frames, vdom };
});
after(() => harness?.close());

const first = (r) => r.events[0].timestamp;

test('dynamic: the recording covers about three seconds of changes', async (t) => {
  const r = await run();
  const span = r.moments.at(-1).at - first(r);
  t.diagnostic(`${r.events.length} events over ${span} ms; moments at ${r.moments.map((m) => `${m.name} +${m.at - first(r)} ms`).join(', ')}`);
  assert.ok(span >= 2000 && span <= 8000, `recording spans ${span} ms`);
  assert.equal(r.events[0].type, EventType.Meta, 'first event is Meta');
  assert.equal(r.events[1].type, EventType.FullSnapshot, 'then a FullSnapshot');
  assert.equal(r.events.filter((e) => e.type === EventType.FullSnapshot).length, 1, 'no checkout snapshot');
  for (let i = 1; i < r.events.length; i++) {
    assert.ok(r.events[i].timestamp >= r.events[i - 1].timestamp, `event #${i} timestamp goes backwards`);
  }
});

const MOMENTS = ['step1', 'step2', 'filtered', 'end'];

for (const [i, name] of MOMENTS.entries()) {
  test(`dynamic: replay paused at "${name}" looks like the page (≤ 1 % pixels differ)`, async (t) => {
    const r = await run();
    const frame = r.frames[i];
    assert.equal(frame.name, `dynamic-${name}`);
    const { ratioText } = assertReplayMatches(frame);
    t.diagnostic(`+${r.moments[i].at - first(r)} ms: ${ratioText}`);
  });

  test(`dynamic: replay paused at "${name}" has the page's DOM (normalised markup, CSSOM rules, value lengths)`, async () => {
    const r = await run();
    assertSameDom(`dynamic-${name}-${RECORDER}`, r.moments[i].dom, r.frames[i].dom);
  });
}

test('dynamic: seeking to the end with the virtual DOM (rrweb\'s default) gives the page\'s DOM too', async () => {
  const r = await run();
  assert.deepEqual(r.vdom.pageErrors, [], `errors thrown in the replay page:\n${r.vdom.pageErrors.join('\n')}`);
  assert.deepEqual(r.vdom.warnings, [], `the Replayer warned while replaying:\n${r.vdom.warnings.join('\n')}`);
  // Not the adopted sheets: rrweb 2.2.2 drops edits to sheets adopted mid-recording on this path.
  const end = r.moments.at(-1).dom;
  assertSameDom(`dynamic-vdom-${RECORDER}`, { ...end, adopted: [] }, { ...r.vdom.dom, adopted: [] });
});

test('dynamic: the page really changed between the moments', async () => {
  const r = await run();
  const bodies = new Set(r.moments.map((m) => m.dom.body));
  assert.equal(bodies.size, MOMENTS.length, 'each moment shows a different DOM');
  assert.deepEqual(
    r.moments.map((m) => m.dom.adopted.length),
    [1, 2, 2, 2],
    'adopted sheets: one before step 2, two after',
  );
});

test('dynamic: mutations, CSSOM changes, scroll, click and input are recorded as incremental events', async () => {
  const { events } = await run();
  const nodes = flatten(fullSnapshot(events).data.node).map((x) => x.node);
  const idOf = (id) => nodes.find((n) => n.attributes?.id === id)?.id;
  const missing = [];
  const need = (ok, what) => ok || missing.push(what);

  const mutations = incremental(events, Source.Mutation);
  need(mutations.some((e) => e.data.adds?.length), 'Mutation with adds');
  need(mutations.some((e) => e.data.removes?.length), 'Mutation with removes');
  need(mutations.some((e) => e.data.texts?.length), 'Mutation with texts');
  need(mutations.some((e) => e.data.attributes?.length), 'Mutation with attributes');
  need(
    incremental(events, Source.Scroll).some((e) => e.data.id === idOf('log')),
    `Scroll of the #log panel (id ${idOf('log')})`,
  );
  need(
    incremental(events, Source.MouseInteraction).some((e) => e.data.type === MouseInteraction.Click && e.data.id === idOf('compact')),
    `MouseInteraction Click on #compact (id ${idOf('compact')})`,
  );
  need(incremental(events, Source.MouseMove).some((e) => e.data.positions?.length), 'MouseMove with positions');
  const inputs = incremental(events, Source.Input).filter((e) => e.data.id === idOf('filter'));
  need(inputs.length > 0, `Input on #filter (id ${idOf('filter')})`);
  const rules = incremental(events, Source.StyleSheetRule);
  need(rules.some((e) => e.data.adds?.length && e.data.id !== undefined), 'StyleSheetRule adds on a <style> (id)');
  need(rules.some((e) => e.data.removes?.length), 'StyleSheetRule removes');
  need(rules.some((e) => e.data.styleId !== undefined), 'StyleSheetRule on a constructed sheet (styleId)');
  need(rules.some((e) => e.data.adds?.some((a) => Array.isArray(a.index))), 'StyleSheetRule inside @media (index path)');
  need(rules.some((e) => typeof e.data.replaceSync === 'string'), 'StyleSheetRule replaceSync');
  need(incremental(events, Source.StyleDeclaration).length > 0, 'StyleDeclaration (rule.style.setProperty/removeProperty)');
  need(incremental(events, Source.AdoptedStyleSheet).length >= 2, 'AdoptedStyleSheet at start and on each adoptedStyleSheets change');
  assert.deepEqual(missing, [], `not recorded: ${missing.join('; ')}`);

  // Typed text: its length arrives, the text itself only where the recorder does not mask.
  const last = inputs.map((e) => e.data.text);
  assert.ok(last.some((t) => t.length === FILTER_TEXT.length), `Input texts ${JSON.stringify(last)}`);
  if (RECORDER === 'tapedeck') {
    for (const t of last) assert.match(t, /^\**$/, 'input text must be masked');
  }
});

test('dynamic: a node added and removed in the same batch is never recorded', async () => {
  const { events } = await run();
  const json = JSON.stringify(events.filter((e) => e.type === EventType.IncrementalSnapshot));
  assert.ok(!json.includes('"toast"'), 'the transient .toast element appears in the events');
  assert.ok(!json.includes('never shown'), 'text set on a node removed in the same batch appears in the events');
});
