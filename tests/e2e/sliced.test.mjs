// www/sliced.html: a page of ~40k nodes whose full snapshot takes many tasks, changed in every
// task while the snapshot is being taken (window.churn: nodes added, removed and moved both
// where the snapshot has already listed and described nodes and where it has not yet, text and
// attributes changed). The changes made meanwhile are recorded against the snapshot and follow
// it: the replay must end with exactly the page's DOM.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, once, RECORDER } from './lib/harness.mjs';
import { newPage } from './lib/browser.mjs';
import { openPage, loadRecorder, waitForQuiet, stopRecorder, takeEvents } from './lib/recorder.mjs';
import { openReplay } from './lib/replay.mjs';
import { pageDom, assertSameDom } from './lib/dom.mjs';
import { EventType, incrementalEvents, IncrementalSource, fullSnapshot, flatten } from './lib/events.mjs';

const PAGE = '/www/sliced.html?n=40000';
const CHURN_MS = 1500;

let harness;
const run = once(async () => {
  harness = await startHarness();
  const page = await newPage(harness.browser);
  let events;
  let dom;
  let ticks;
  try {
    await openPage(page, harness.baseUrl + PAGE);
    await loadRecorder(page);
    // The churn starts first, then the recording, in the same task: every task of the
    // snapshot but the first follows one of the churn's.
    ticks = await page.evaluate(
      async ({ recorder, churnMs }) => {
        const out = (window.__e2eEvents = []);
        const at = {};
        const emit = (event) => {
          if (event.type === 2) at.snapshot = window.churnTicks;
          out.push(JSON.stringify(event));
        };
        const churned = window.churn(churnMs);
        if (recorder === 'rrweb') {
          window.__e2eHandle = { stop: window.rrweb.record({ emit }) };
        } else {
          window.__e2eHandle = window.tapedeck.record({ emit });
          await window.__e2eHandle.ready;
        }
        await churned;
        // More changes after the snapshot, however long it took.
        at.total = await window.churn(churnMs / 5);
        return at;
      },
      { recorder: RECORDER, churnMs: CHURN_MS },
    );
    await waitForQuiet(page, { quietMs: 400, timeoutMs: 20_000 });
    dom = await pageDom(page);
    await stopRecorder(page);
    events = await takeEvents(page);
  } finally {
    await page.context().close();
  }
  const repPage = await newPage(harness.browser);
  let replayed;
  try {
    const replayer = await openReplay(repPage, harness.baseUrl, events, { useVirtualDom: false, timeout: 20_000 });
    const rep = await replayer.seekEnd();
    replayed = { warnings: rep.warnings, pageErrors: rep.pageErrors, dom: await replayer.dom() };
  } finally {
    await repPage.context().close();
  }
  return { events, dom, ticks, replayed };
});
after(() => harness?.close());

test('sliced: the page changed while the snapshot was being taken, and after it', async (t) => {
  const { events, ticks } = await run();
  t.diagnostic(`churn tasks: ${ticks.snapshot} before the FullSnapshot was emitted, ${ticks.total} in all`);
  assert.equal(events[0].type, EventType.Meta);
  assert.equal(events[1].type, EventType.FullSnapshot);
  assert.equal(events.filter((e) => e.type === EventType.FullSnapshot).length, 1, 'one FullSnapshot');
  if (RECORDER === 'tapedeck') {
    // rrweb snapshots in one task; Tapedeck's slices let the page's tasks run in between.
    assert.ok(ticks.snapshot >= 3, `only ${ticks.snapshot} churn tasks ran during the snapshot`);
  }
  const nodes = flatten(fullSnapshot(events).data.node).length;
  assert.ok(nodes > 35_000, `the snapshot has ${nodes} nodes`);
  const mutations = incrementalEvents(events, IncrementalSource.Mutation);
  for (const kind of ['adds', 'removes', 'texts', 'attributes']) {
    assert.ok(mutations.some((e) => e.data[kind]?.length), `a Mutation with ${kind}`);
  }
});

test('sliced: the replay ends with exactly the page\'s DOM', async () => {
  const { dom, replayed } = await run();
  assert.deepEqual(replayed.pageErrors, [], `errors thrown in the replay page:\n${replayed.pageErrors.join('\n')}`);
  assert.deepEqual(replayed.warnings, [], `the Replayer warned while replaying:\n${replayed.warnings.slice(0, 5).join('\n')}`);
  assertSameDom(`sliced-${RECORDER}`, dom, replayed.dom);
});

test('sliced: every id in the snapshot is unique', async () => {
  const { events } = await run();
  const ids = flatten(fullSnapshot(events).data.node).map((x) => x.node.id);
  assert.equal(new Set(ids).size, ids.length);
});
