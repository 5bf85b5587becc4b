// stop() leaves the page exactly as it was: every event listener the recorder added (on window,
// the document tree, shadow roots, iframes) is removed, every prototype method or accessor it
// patched is the original again, and nothing is emitted any more, whatever the page does.
//
// On www/rich.html with a same-origin iframe added before recording: capture listeners (CDP
// DOMDebugger.getEventListeners) and prototype identities, record while interacting (mouse,
// typing, select, checkbox, scroll, resize, CSSOM, a shadow root and an iframe added
// mid-recording: whatever a recorder attaches lazily), stop, compare.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, once, RECORDER } from './lib/harness.mjs';
import { newPage, VIEWPORT } from './lib/browser.mjs';
import { openPage, loadRecorder, startRecorder, stopRecorder, eventCount } from './lib/recorder.mjs';

const PAGE = '/www/rich.html';

// [constructor, properties]: what a recorder patches to see CSSOM edits and programmatic form
// changes (none of which MutationObserver reports), plus things no recorder should touch.
const PATCHABLE = [
  ['CSSStyleSheet', ['insertRule', 'deleteRule', 'replace', 'replaceSync', 'addRule', 'removeRule']],
  ['CSSGroupingRule', ['insertRule', 'deleteRule']],
  ['CSSMediaRule', ['insertRule', 'deleteRule']],
  ['CSSSupportsRule', ['insertRule', 'deleteRule']],
  ['CSSConditionRule', ['insertRule', 'deleteRule']],
  ['CSSStyleDeclaration', ['setProperty', 'removeProperty']],
  ['HTMLInputElement', ['value', 'checked']],
  ['HTMLTextAreaElement', ['value']],
  ['HTMLSelectElement', ['value', 'selectedIndex']],
  ['HTMLOptionElement', ['selected']],
  ['Document', ['adoptedStyleSheets']],
  ['ShadowRoot', ['adoptedStyleSheets']],
  ['Element', ['attachShadow']],
  ['HTMLCanvasElement', ['getContext']],
  ['EventTarget', ['addEventListener', 'removeEventListener']],
  ['MutationObserver', ['observe', 'disconnect', 'takeRecords']],
];

// rrweb 2.2.2's own leaks (so that its baseline run stays green; Tapedeck gets no such pass):
// a 'load' listener on every iframe element it snapshots (onceIframeLoaded never removes it),
// and CSSStyleSheet.prototype.addRule/removeRule, replaced by wrappers that stop() never restores.
const RRWEB_LEAKS = {
  listener: /^document: load on iframe#\d+ /,
  proto: ['CSSStyleSheet.prototype.addRule', 'CSSStyleSheet.prototype.removeRule'],
};
const knownListenerLeak = (l) => RECORDER === 'rrweb' && RRWEB_LEAKS.listener.test(l);
const knownProtoLeak = (p) => RECORDER === 'rrweb' && RRWEB_LEAKS.proto.includes(p);

/** In the page: window.__e2eProtos(win) -> { 'Ctor.prototype.prop': [value, get, set] | null, ... }. */
function installProtoSnapshot(patchable) {
  window.__e2eProtos = (win) => {
    const out = { MutationObserver: [win.MutationObserver], 'Document.prototype.createElement': [win.Document.prototype.createElement] };
    for (const [ctor, props] of patchable) {
      const C = win[ctor];
      if (!C) continue;
      for (const p of props) {
        // The descriptor the property resolves to (own or inherited).
        let o = C.prototype;
        let d;
        while (o && !(d = Object.getOwnPropertyDescriptor(o, p))) o = Object.getPrototypeOf(o);
        out[`${ctor}.prototype.${p}`] = d ? [d.value, d.get, d.set] : null;
      }
    }
    return out;
  };
  window.__e2eProtoDiff = (a, b) =>
    Object.keys({ ...a, ...b }).filter((k) => !a[k] || !b[k] || a[k].some((f, i) => f !== b[k][i]));
}

/**
 * Every event listener (as comparable strings) on window, the document and everything below it
 * (shadow roots and iframe documents included: pierce), document.fonts, and each iframe's window.
 */
async function listeners(page, cdp) {
  const group = 'e2e-listeners';
  const frames = await page.evaluate(() => document.querySelectorAll('iframe').length);
  const targets = ['window', 'document', 'document.fonts', 'window.visualViewport'];
  for (let i = 0; i < frames; i++) targets.push(`document.querySelectorAll('iframe')[${i}].contentWindow`);
  const out = [];
  try {
    for (const expression of targets) {
      const { result } = await cdp.send('Runtime.evaluate', { expression, objectGroup: group });
      if (!result.objectId) continue;
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId, depth: -1, pierce: true });
      for (const l of listeners) {
        let on = '';
        if (l.backendNodeId) {
          const { node } = await cdp.send('DOM.describeNode', { backendNodeId: l.backendNodeId });
          on = ` on ${node.nodeName.toLowerCase()}#${l.backendNodeId}`;
        }
        out.push(
          `${expression}: ${l.type}${on} capture=${l.useCapture} passive=${l.passive} ` +
            `once=${l.once} at script ${l.scriptId}:${l.lineNumber}:${l.columnNumber}`,
        );
      }
    }
  } finally {
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: group });
  }
  return out.sort();
}

const center = (page, selector) =>
  page.evaluate((selector) => {
    const el = document.querySelector(selector);
    el.scrollIntoView({ block: 'center' });
    const r = el.getBoundingClientRect();
    return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) };
  }, selector);

/** What a user and the page's scripts do: every kind of thing a recorder watches. */
async function interact(page, round) {
  const click = async (selector) => {
    const { x, y } = await center(page, selector);
    await page.mouse.move(x, y, { steps: 4 });
    await page.mouse.click(x, y);
  };
  await page.mouse.move(50, 50);
  await page.mouse.move(400, 300, { steps: 8 });
  await click('#name');
  await page.keyboard.type(` ${round}`, { delay: 10 });
  await click('#notes');
  await page.keyboard.type(' x', { delay: 10 });
  await click('input[name=newsletter]');
  await click('input[name=room][value=dorm]');
  await page.selectOption('#shipping', { index: round % 2 });
  await page.mouse.wheel(0, 400);
  await page.setViewportSize({ width: VIEWPORT.width - 40 * round, height: VIEWPORT.height });
  await page.evaluate((round) => {
    // Programmatic form changes (no events), DOM mutations, CSSOM.
    document.querySelector('#phone').value = `+43 ${round}`;
    document.querySelector('input[name=insurance]').checked = round % 2 === 0;
    document.querySelector('#shipping').selectedIndex = round % 2;
    const p = document.createElement('p');
    p.textContent = `round ${round}`;
    document.body.append(p);
    document.body.setAttribute('data-round', String(round));
    const sheet = document.styleSheets[document.styleSheets.length - 1];
    sheet.insertRule(`.round-${round} { color: red; }`, sheet.cssRules.length);
    sheet.deleteRule(sheet.cssRules.length - 1);
    sheet.cssRules[0].style.setProperty('--round', String(round));
    const constructed = new CSSStyleSheet();
    constructed.replaceSync(`.r${round} { color: blue; }`);
    constructed.insertRule('.x { color: green; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, constructed];
    // A shadow root and an iframe appearing now: a recorder starts watching them lazily.
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = `<p>shadow ${round}</p><input value="in shadow">`;
    document.body.append(host);
    const frame = document.createElement('iframe');
    frame.srcdoc = `<p>late frame ${round}</p><input>`;
    document.body.append(frame);
    return new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  }, round);
  await page.evaluate(() => {
    const frames = document.querySelectorAll('iframe');
    const doc = frames[frames.length - 1].contentDocument;
    doc.body.append(doc.createElement('hr'));
    doc.querySelector('input').value = 'typed in frame';
  });
  await page.mouse.move(700, 500, { steps: 4 });
}

let harness;
const run = once(async () => {
  harness = await startHarness();
  const page = await newPage(harness.browser);
  try {
    const { pageErrors } = await openPage(page, harness.baseUrl + PAGE);
    // A same-origin iframe that exists when recording starts (its window gets patched too).
    await page.evaluate(() => {
      const frame = document.createElement('iframe');
      frame.srcdoc = '<!doctype html><p>early frame</p><input value="x">';
      document.body.append(frame);
      return new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    });
    await loadRecorder(page);
    await page.evaluate(installProtoSnapshot, PATCHABLE);
    const cdp = await page.context().newCDPSession(page);

    const before = await listeners(page, cdp);
    await page.evaluate(() => {
      window.__e2eBefore = { main: window.__e2eProtos(window), frame: window.__e2eProtos(document.querySelector('iframe').contentWindow) };
    });

    await startRecorder(page);
    await interact(page, 1);
    await page.waitForTimeout(600); // throttled and batched events go out
    const during = await listeners(page, cdp);
    const patchedDuring = await page.evaluate(() => window.__e2eProtoDiff(window.__e2eBefore.main, window.__e2eProtos(window)));
    const emittedWhileRecording = await eventCount(page);

    const atStop = await stopRecorder(page);
    // The shadow root and iframe added while recording have no listeners of their own: any
    // listener on them now is the recorder's.
    const afterStop = await listeners(page, cdp);
    const changed = await page.evaluate(() => ({
      main: window.__e2eProtoDiff(window.__e2eBefore.main, window.__e2eProtos(window)),
      frame: window.__e2eProtoDiff(window.__e2eBefore.frame, window.__e2eProtos(document.querySelector('iframe').contentWindow)),
    }));

    // After stop(): the page keeps doing everything; nothing may come out, not even late timers.
    await interact(page, 2);
    await page.waitForTimeout(700);
    const afterQuiet = await eventCount(page);
    const secondStop = await page.evaluate(() => {
      try {
        window.__e2eHandle.stop();
        return null;
      } catch (e) {
        return String(e);
      }
    });
    const afterSecondStop = await eventCount(page);
    return {
      pageErrors,
      before,
      during,
      patchedDuring,
      emittedWhileRecording,
      atStop,
      afterStop,
      changed,
      afterQuiet,
      secondStop,
      afterSecondStop,
    };
  } finally {
    await page.context().close();
  }
});
after(() => harness?.close());

/** Entries in b missing from a (as multisets). */
function extra(a, b) {
  const left = [...a];
  return b.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

test('cleanup: while recording, the recorder listens and patches (else the checks below prove nothing)', async (t) => {
  const r = await run();
  const added = extra(r.before, r.during);
  t.diagnostic(`${r.emittedWhileRecording} events; ${added.length} listeners added; patched: ${r.patchedDuring.join(', ') || 'nothing'}`);
  assert.deepEqual(r.pageErrors, [], `errors thrown in the page:\n${r.pageErrors.join('\n')}`);
  assert.ok(r.emittedWhileRecording > 2, 'only the snapshot was emitted while interacting');
  assert.ok(added.length > 0, 'the recorder added no event listener at all');
  assert.ok(r.patchedDuring.length > 0, 'the recorder patched no prototype (CSSOM edits would go unrecorded)');
});

test('cleanup: stop() removes every event listener the recorder added', async (t) => {
  const r = await run();
  const left = extra(r.before, r.afterStop);
  const known = left.filter(knownListenerLeak);
  if (known.length) t.diagnostic(`known rrweb leaks, tolerated: ${known.join('; ')}`);
  assert.deepEqual(left.filter((l) => !knownListenerLeak(l)), [], 'listeners left behind after stop()');
  assert.deepEqual(extra(r.afterStop, r.before), [], 'listeners of the page itself went missing');
});

test('cleanup: stop() restores every patched prototype method and accessor (page and iframe windows)', async (t) => {
  const r = await run();
  const known = [...r.changed.main, ...r.changed.frame].filter(knownProtoLeak);
  if (known.length) t.diagnostic(`known rrweb leaks, tolerated: ${known.join(', ')}`);
  assert.deepEqual(r.changed.main.filter((p) => !knownProtoLeak(p)), [], 'not the original after stop() (main window)');
  assert.deepEqual(r.changed.frame.filter((p) => !knownProtoLeak(p)), [], 'not the original after stop() (iframe window)');
});

test('cleanup: after stop() nothing is emitted, whatever the page does', async () => {
  const r = await run();
  assert.equal(r.afterQuiet, r.atStop, `${r.afterQuiet - r.atStop} event(s) emitted after stop()`);
});

test('cleanup: a second stop() is harmless', async () => {
  const r = await run();
  assert.equal(r.secondStop, null, `the second stop() threw: ${r.secondStop}`);
  assert.equal(r.afterSecondStop, r.atStop, 'the second stop() emitted');
});
