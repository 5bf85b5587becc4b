// www/shadow-iframe.html: open shadow roots (nested, with <style> and slots), a same-origin
// iframe (frame.html) and a cross-origin iframe (served by a second server = another origin).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, once, recordAndReplay, assertReplayMatches, VIEWPORT } from './lib/harness.mjs';
import {
  allNodes,
  elements,
  flatten,
  textContent,
  cssTextOf,
  attachedDocuments,
  assertWellFormed,
  NodeType,
} from './lib/events.mjs';

let harness;
let pagePath;
const run = once(async () => {
  harness = await startHarness();
  pagePath = `/www/shadow-iframe.html?xorigin=${encodeURIComponent(harness.xoriginUrl)}`;
  return recordAndReplay(harness, 'shadow-iframe', pagePath);
});
after(() => harness?.close());

/** The serialized subtree's direct children flagged isShadow (= children of the shadow root). */
const shadowChildren = (host) => (host.childNodes || []).filter((c) => c.isShadow);

test('shadow-iframe: replay matches the page (≤ 1 % pixels differ)', async (t) => {
  const r = await run();
  const { ratioText } = assertReplayMatches(r);
  t.diagnostic(ratioText);
  assert.ok(r.rep.documents >= 2, 'the replay has no document inside the same-origin iframe');
});

test('shadow-iframe: events are well formed', async () => {
  const { events } = await run();
  assertWellFormed(events, { href: harness.baseUrl + pagePath, ...VIEWPORT });
});

test('shadow-iframe: open shadow roots are recorded (isShadowHost / isShadow)', async () => {
  const { events } = await run();
  const nodes = allNodes(events);
  const cards = elements(nodes, 'member-card');
  assert.equal(cards.length, 3);
  for (const card of cards) {
    const name = card.attributes.name;
    assert.equal(card.isShadowHost, true, `<member-card name="${name}"> lacks isShadowHost: true`);
    assert.equal(card.isCustom, true, `<member-card name="${name}"> lacks isCustom: true`);
    const inside = shadowChildren(card);
    assert.ok(inside.length > 0, `<member-card name="${name}"> has no isShadow children`);
    const shadowTree = inside.flatMap((c) => flatten(c)).map((x) => x.node);
    const style = shadowTree.find((n) => n.type === NodeType.Element && n.tagName === 'style');
    assert.ok(style && cssTextOf(style).includes(':host'), 'shadow root <style> (with :host rules) missing');
    const nameEl = shadowTree.find((n) => n.type === NodeType.Element && n.attributes?.class === 'name');
    assert.equal(nameEl && textContent(nameEl), name, 'shadow content (.name) missing');
    assert.ok(shadowTree.some((n) => n.tagName === 'slot'), '<slot> in the shadow root missing');
    // Light DOM children (slotted) are ordinary children, not isShadow.
    const light = card.childNodes.filter((c) => !c.isShadow && c.type === NodeType.Element);
    assert.ok(light.some((c) => c.attributes.slot === 'role'), 'slotted light-DOM child missing');
    // Nested shadow host inside the shadow root.
    const pill = shadowTree.find((n) => n.tagName === 'status-pill');
    assert.ok(pill, 'nested <status-pill> missing');
    assert.equal(pill.isShadowHost, true, 'nested <status-pill> lacks isShadowHost: true');
    assert.equal(textContent({ childNodes: shadowChildren(pill) }).trim().endsWith(card.attributes.status), true);
  }
});

test('shadow-iframe: the same-origin iframe document is attached (Mutation add with rootId)', async () => {
  const { events } = await run();
  const iframes = elements(allNodes(events), 'iframe', (n) => n.attributes.class === 'usage');
  assert.equal(iframes.length, 1, 'same-origin <iframe class=usage> missing');
  const iframe = iframes[0];
  const attached = attachedDocuments(events, iframe.id);
  assert.equal(
    attached.length,
    1,
    'expected exactly one Mutation event adding a Document node with parentId = the iframe id ' +
      '(rrweb\'s Replayer only builds iframe documents delivered that way)',
  );
  const doc = attached[0].doc;
  const inside = flatten(doc).slice(1).map((x) => x.node);
  assert.ok(inside.length > 10, 'iframe document is empty');
  for (const n of inside) assert.equal(n.rootId, doc.id, `node ${n.id} inside the iframe lacks rootId = ${doc.id}`);
  assert.ok(inside.some((n) => n.type === NodeType.DocumentType), 'iframe doctype missing');
  const html = inside.find((n) => n.tagName === 'html');
  assert.ok(html, 'iframe <html> missing');
  assert.match(textContent(html), /Events ingested/);
  const img = inside.find((n) => n.tagName === 'img');
  assert.equal(img?.attributes.src, `${harness.baseUrl}/www/img/logo.svg`, 'iframe <img src> must be absolute');
  const style = inside.find((n) => n.tagName === 'style');
  assert.ok(style && cssTextOf(style).includes('.bars'), 'iframe <style> missing');
});

test('shadow-iframe: the cross-origin iframe keeps its URL as rr_src only', async () => {
  const { events } = await run();
  const iframes = elements(allNodes(events), 'iframe', (n) => n.attributes.id === 'partner');
  assert.equal(iframes.length, 1);
  const { attributes } = iframes[0];
  assert.equal(attributes.rr_src, `${harness.xoriginUrl}/www/xorigin.html`);
  assert.ok(!('src' in attributes), 'a cross-origin iframe must not keep src (the replay would load it)');
  assert.equal(attachedDocuments(events, iframes[0].id).length, 0, 'no document can be recorded for a cross-origin iframe');
});
