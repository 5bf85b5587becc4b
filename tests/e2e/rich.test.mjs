// www/rich.html: stylesheets (<style> + <link> with a relative url()), images (src, srcset, PNG),
// inline SVG, a table, a form with initial values, a light-DOM custom element, comments, doctype.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, once, recordAndReplay, assertReplayMatches, RECORDER, VIEWPORT } from './lib/harness.mjs';
import { allNodes, elements, fullSnapshot, textContent, cssTextOf, assertWellFormed, NodeType } from './lib/events.mjs';

const PAGE = '/www/rich.html';

// The initial values of the form on rich.html (value=, textarea text).
const FORM_VALUES = {
  name: 'Margit Kowalczyk',
  email: 'margit.kowalczyk@example.org',
  phone: '+43 660 4417 2093',
  password: 'Hut2Hut-secret!',
  notes: 'Vegetarian meals please; mild fear of exposed ledges.',
};

let harness;
const run = once(async () => {
  harness = await startHarness();
  return recordAndReplay(harness, 'rich', PAGE);
});
after(() => harness?.close());

test('rich: replay matches the page (≤ 1 % pixels differ)', async (t) => {
  const r = await run();
  const { ratioText } = assertReplayMatches(r);
  t.diagnostic(ratioText);
});

test('rich: events are well formed', async () => {
  const { events } = await run();
  assertWellFormed(events, { href: harness.baseUrl + PAGE, ...VIEWPORT });
});

test('rich: doctype, comments, table', async () => {
  const { events } = await run();
  const root = fullSnapshot(events).data.node;
  const doctype = root.childNodes.find((n) => n.type === NodeType.DocumentType);
  assert.ok(doctype, 'no DocumentType node under the Document');
  assert.equal(doctype.name, 'html');
  const nodes = allNodes(events);
  const comments = nodes.filter((x) => x.node.type === NodeType.Comment).map((x) => x.node.textContent);
  assert.ok(comments.some((c) => c.includes('inline SVG: gradient fill + text')), `comments: ${JSON.stringify(comments)}`);
  const cells = elements(nodes, 'td').map(textContent);
  assert.ok(cells.includes('3,215 g'), 'table cell text missing');
});

test('rich: stylesheets are inlined with absolute url()s', async () => {
  const { events } = await run();
  const nodes = allNodes(events);
  // rrweb drops rel/href once the sheet is inlined as _cssText.
  const links = elements(nodes, 'link', (n) => n.attributes.rel === 'stylesheet' || '_cssText' in n.attributes);
  assert.equal(links.length, 1, 'expected one <link rel=stylesheet> (the icon link is not one)');
  const css = links[0].attributes._cssText;
  assert.equal(typeof css, 'string', '<link rel=stylesheet> must carry the sheet as _cssText');
  assert.match(css, /\.topbar\b/, 'link _cssText lacks the .topbar rule');
  for (const img of ['pattern.svg', 'ridge.svg']) {
    const abs = `${harness.baseUrl}/www/img/${img}`;
    assert.ok(
      new RegExp(`url\\(\\s*["']?${abs.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}["']?\\s*\\)`).test(css),
      `link _cssText must reference ${abs} (absolute), got: ${(css.match(new RegExp(`url\\([^)]*${img}[^)]*\\)`)) || ['nothing'])[0]}`,
    );
  }
  assert.doesNotMatch(css, /url\(\s*["']?\.\.\//, 'relative url(../…) left in _cssText');

  const styles = elements(nodes, 'style');
  assert.ok(
    styles.some((n) => cssTextOf(n).includes('fancy-badge:not(:defined)')),
    'inline <style> content missing (as _cssText or text child)',
  );
});

test('rich: image URLs are absolute (src and srcset)', async () => {
  const { events } = await run();
  const imgs = elements(allNodes(events), 'img');
  const base = `${harness.baseUrl}/www/img/`;
  const srcs = imgs.map((n) => n.attributes.src);
  for (const f of ['logo.svg', 'trail.svg', 'avatar.png']) {
    assert.ok(srcs.includes(base + f), `no <img src="${base + f}">; got ${JSON.stringify(srcs)}`);
  }
  const withSrcset = imgs.filter((n) => n.attributes.srcset);
  assert.equal(withSrcset.length, 1, 'expected one <img srcset>');
  const candidates = withSrcset[0].attributes.srcset.split(',').map((c) => c.trim().split(/\s+/));
  assert.deepEqual(candidates, [
    [base + 'trail.svg', '1x'],
    [base + 'trail-2x.svg', '2x'],
  ]);
});

test('rich: inline SVG nodes are flagged isSVG', async () => {
  const { events } = await run();
  const nodes = allNodes(events);
  const svg = elements(nodes, 'svg');
  assert.equal(svg.length, 1);
  assert.equal(svg[0].isSVG, true, '<svg> lacks isSVG: true');
  const gradient = elements(nodes, 'lineargradient');
  assert.equal(gradient.length, 1, '<linearGradient> missing (tagName lowercased)');
  assert.equal(gradient[0].isSVG, true, '<linearGradient> lacks isSVG: true');
  const texts = elements(nodes, 'text', (n) => n.isSVG).map(textContent);
  assert.ok(texts.includes('2,752 m'), `SVG <text> content missing: ${JSON.stringify(texts)}`);
});

test('rich: custom elements are flagged isCustom', async () => {
  const { events } = await run();
  const badges = elements(allNodes(events), 'fancy-badge');
  assert.equal(badges.length, 4);
  for (const b of badges) {
    assert.equal(b.isCustom, true, `<fancy-badge label="${b.attributes.label}"> lacks isCustom: true`);
    assert.equal(textContent(b), b.attributes.label, 'light-DOM children rendered by the element are recorded');
  }
});

test('rich: form state (checked) is recorded', async () => {
  const { events } = await run();
  const inputs = elements(allNodes(events), 'input');
  const byName = (name, value) => inputs.find((n) => n.attributes.name === name && (!value || n.attributes.value === value));
  assert.equal(byName('insurance')?.attributes.checked, true, 'checked checkbox');
  assert.ok(!byName('newsletter')?.attributes.checked, 'unchecked checkbox');
  // Radio values may be masked too (tapedeck masks every value): compare by document order.
  const radios = inputs.filter((n) => n.attributes.type === 'radio');
  assert.deepEqual(
    radios.map((n) => n.attributes.checked === true),
    [false, true],
    'radio "twin" (2nd) is checked, "dorm" (1st) is not',
  );
  // Passwords are masked by rrweb's defaults too.
  const password = byName('password');
  assert.match(String(password?.attributes.value), /^\*+$/, 'password value must be masked with *');
});

test('rich: no input value appears unmasked in the events', { skip: RECORDER !== 'tapedeck' && 'rrweb does not mask inputs by default' }, async () => {
  const { events } = await run();
  const json = JSON.stringify(events);
  for (const [field, value] of Object.entries(FORM_VALUES)) {
    assert.ok(!json.includes(JSON.stringify(value).slice(1, -1)), `the ${field} value "${value}" appears unmasked in the events`);
  }
  const nodes = allNodes(events);
  for (const tag of ['input', 'textarea']) {
    for (const n of elements(nodes, tag, (n) => !['checkbox', 'radio'].includes(n.attributes.type))) {
      if ('value' in n.attributes) assert.match(String(n.attributes.value), /^\*+$/, `<${tag} name=${n.attributes.name}> value is not masked`);
    }
  }
  const select = elements(nodes, 'select')[0];
  assert.notEqual(select.attributes.value, 'hotel', '<select> value is not masked');
});
