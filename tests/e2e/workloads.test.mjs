// www/workloads.html: rrweb's DOM-mutation benchmark workloads, each run while recording (after
// `ready`). Once the recorder has gone quiet, the replay (seeked to the end) must have exactly
// the page's DOM after normalisation (lib/normalize.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, RECORDER } from './lib/harness.mjs';
import { newPage } from './lib/browser.mjs';
import { openPage, loadRecorder, startRecorder, eventCount, waitForQuiet, stopRecorder, takeEvents } from './lib/recorder.mjs';
import { openReplay } from './lib/replay.mjs';
import { pageDom, assertSameDom } from './lib/dom.mjs';
import { EventType, IncrementalSource, incrementalEvents } from './lib/events.mjs';

// The recorder is done once it has emitted nothing for this long.
const QUIET_MS = 300;

const WORKLOADS = [
  ['deep-nested', '1,000 deeply nested nodes appended (4 roots × 250 levels)'],
  ['add-1000x10', '1,000 × 10 nested nodes appended'],
  ['add-remove-add', '1,000 × 10 nodes added, all removed, added again'],
  ['nested-chain', '1,000 nodes, each appended into the previous one'],
  ['add-and-move', '10,000 nodes moved to a new container'],
  ['attributes', 'a class added to 10,000 nodes'],
];

let harness;
before(async () => {
  harness = await startHarness();
});
after(() => harness?.close());

async function recordWorkload(name) {
  const page = await newPage(harness.browser);
  try {
    const { pageErrors } = await openPage(page, `${harness.baseUrl}/www/workloads.html?w=${name}`);
    await loadRecorder(page);
    await startRecorder(page);
    const before = await eventCount(page);
    const t0 = Date.now();
    const workloadMs = await page.evaluate(() => window.workload());
    await waitForQuiet(page, { quietMs: QUIET_MS });
    const settleMs = Date.now() - t0 - QUIET_MS;
    const dom = await pageDom(page);
    await stopRecorder(page);
    const events = await takeEvents(page);
    return { events, before, dom, pageErrors, workloadMs, settleMs };
  } finally {
    await page.context().close();
  }
}

async function replayToEnd(events) {
  const page = await newPage(harness.browser);
  try {
    const replayer = await openReplay(page, harness.baseUrl, events);
    const rep = await replayer.seekEnd();
    return { ...rep, dom: await replayer.dom() };
  } finally {
    await page.context().close();
  }
}

for (const [name, title] of WORKLOADS) {
  test(`workload ${name}: ${title}; the replay ends with the page's DOM`, async (t) => {
    const rec = await recordWorkload(name);
    assert.deepEqual(rec.pageErrors, [], `errors thrown in the recorded page:\n${rec.pageErrors.join('\n')}`);
    const mutations = incrementalEvents(rec.events.slice(rec.before), IncrementalSource.Mutation);
    assert.ok(mutations.length > 0, 'no Mutation event after the workload ran');
    assert.equal(rec.events.filter((e) => e.type === EventType.FullSnapshot).length, 1, 'no checkout snapshot');
    const bytes = rec.events.slice(rec.before).reduce((n, e) => n + JSON.stringify(e).length, 0);
    t.diagnostic(
      `workload ${rec.workloadMs.toFixed(0)} ms, events done ~${rec.settleMs} ms after it started; ` +
        `${mutations.length} Mutation event(s), ${(bytes / 1024).toFixed(0)} KiB of incremental events`,
    );

    const rep = await replayToEnd(rec.events);
    assert.deepEqual(rep.pageErrors, [], `errors thrown in the replay page:\n${rep.pageErrors.join('\n')}`);
    assert.deepEqual(rep.warnings.slice(0, 5), [], `the Replayer warned while replaying (${rep.warnings.length} warnings)`);
    assertSameDom(`workload-${name}-${RECORDER}`, rec.dom, rep.dom);
  });
}
