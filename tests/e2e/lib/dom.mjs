// Exact comparison of a page's DOM with its replay's, after normalisation (lib/normalize.js).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS_DIR } from './paths.mjs';

/** The recorded page's normalised DOM: { body, sheets, adopted, values } (see lib/normalize.js). */
export function pageDom(page) {
  return page.evaluate(() => window.__e2e.normalizeDom(document));
}

/** Where two strings first differ: { index, line, column, a, b } with some context, or null. */
export function firstDifference(a, b, context = 80) {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const before = a.slice(0, i);
  const line = before.split('\n').length;
  const column = i - before.lastIndexOf('\n');
  const from = Math.max(0, i - context);
  const show = (s) => JSON.stringify((from > 0 ? '…' : '') + s.slice(from, i + context) + (s.length > i + context ? '…' : ''));
  return { index: i, line, column, a: show(a), b: show(b), lengths: [a.length, b.length] };
}

/**
 * The elements open at `index` of a normalised body (lib/normalize.js closes every element,
 * void ones too): "body > div#new-app > div (depth 3)", the last levels only.
 */
export function elementPathAt(markup, index, levels = 6) {
  const stack = [];
  const tag = /<(\/?)([a-z][^\s>/]*)([^>]*)>/g;
  const prefix = markup.slice(0, index);
  let m;
  while ((m = tag.exec(prefix))) {
    if (m[1]) stack.pop();
    else stack.push(m[2] + (/ id="([^"]*)"/.exec(m[3])?.[1] ? '#' + / id="([^"]*)"/.exec(m[3])[1] : ''));
  }
  const shown = stack.slice(-levels).join(' > ');
  return `${stack.length > levels ? '… > ' : ''}${shown} (depth ${stack.length})`;
}

/**
 * Assert that the normalised DOMs are equal: body markup, stylesheet rules, adopted sheets, the
 * lengths of text field values. On a
 * mismatch both are written to tests/e2e/artifacts/<name>-{original,replay}-dom.html (+ .json for
 * the sheets) and the message shows where they first differ.
 */
export function assertSameDom(name, original, replayed) {
  assert.ok(original && typeof original.body === 'string', `${name}: the original page has no <body>`);
  assert.ok(replayed && typeof replayed.body === 'string', `${name}: the replay has no <body>`);
  const parts = [
    ['body', original.body, replayed.body],
    ['sheets', JSON.stringify(original.sheets, null, 1), JSON.stringify(replayed.sheets, null, 1)],
    ['adopted', JSON.stringify(original.adopted, null, 1), JSON.stringify(replayed.adopted, null, 1)],
    ['value lengths', JSON.stringify(original.values, null, 1), JSON.stringify(replayed.values, null, 1)],
  ];
  const bad = parts.filter(([, a, b]) => a !== b);
  if (!bad.length) return;
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const written = [];
  for (const [which, dom] of [['original', original], ['replay', replayed]]) {
    const base = path.join(ARTIFACTS_DIR, `${name}-${which}-dom`);
    fs.writeFileSync(base + '.html', dom.body);
    fs.writeFileSync(base + '.json', JSON.stringify({ sheets: dom.sheets, adopted: dom.adopted, values: dom.values }, null, 1));
    written.push(path.relative(process.cwd(), base) + '.{html,json}');
  }
  const report = bad
    .map(([what, a, b]) => {
      const d = firstDifference(a, b);
      const where = what === 'body' ? `, inside ${elementPathAt(a, d.index)}` : '';
      return `${what} differs at index ${d.index} (line ${d.line}, column ${d.column}${where}; lengths ${d.lengths.join(' vs ')}):\n  original: ${d.a}\n  replay:   ${d.b}`;
    })
    .join('\n');
  assert.fail(`${name}: the replayed DOM differs from the page\n${report}\nartifacts: ${written.join(', ')}`);
}
