// Browser-side DOM normaliser for the e2e tests (classic script, no DOM side effects): turns a
// document into a canonical string so that a page and its rrweb replay can be compared exactly.
// Loaded by tests/e2e/replay.html and injected into recorded pages (lib/recorder.mjs).
// Defines window.__e2e.normalizeDom(doc) -> { body, sheets, adopted, values }.
//
// What the normalisation removes is exactly what a faithful replay is allowed to differ in:
//   - <script> (the Replayer turns it into <noscript>SCRIPT_PLACEHOLDER</noscript>) and <noscript>;
//   - form state (value/checked/selected attributes, <textarea> text): masked by the recorder,
//     set from the snapshot by the Replayer; `autocomplete` (the Replayer sets it on every input);
//   - attributes the Replayer adds or renames: rr_*, rrweb-*, on* (renamed _on*), and the
//     `:hover` class it puts on hovered elements;
//   - spelling: attributes are sorted, src/href made absolute (the recorder absolutifies them),
//     style attributes re-serialized by the browser (the Replayer may apply them property by
//     property), empty class/style attributes dropped;
//   - <style> text, replaced by the sheet's CSSOM rules (CSSOM edits never touch the text, and the
//     Replayer rebuilds the text from `_cssText`).
(function () {
  'use strict';

  var SKIPPED_ELEMENTS = { script: 1, noscript: 1 };
  var FORM_CONTROLS = { input: 1, textarea: 1, select: 1, option: 1 };
  var FORM_STATE_ATTRIBUTES = { value: 1, checked: 1, selected: 1, autocomplete: 1 };
  var URL_ATTRIBUTES = { src: 1, href: 1 };
  var TEXT_CONTROLS =
    'input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]):not([type=reset])' +
    ':not([type=image]):not([type=file]), textarea';

  function escapeText(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function escapeAttr(s) {
    return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  }

  /** The cssText of every rule of a sheet, one per line ('' when it has none or is unreadable). */
  function rulesText(sheet) {
    if (!sheet) return '';
    try {
      return Array.prototype.map
        .call(sheet.cssRules, function (r) {
          return r.cssText;
        })
        .join('\n');
    } catch (e) {
      return '<unreadable: ' + e.name + '>';
    }
  }

  function absolute(doc, value) {
    try {
      return new URL(value, doc.baseURI).href;
    } catch (e) {
      return value;
    }
  }

  function attributes(doc, el) {
    var tag = el.localName;
    var out = [];
    for (var i = 0; i < el.attributes.length; i++) {
      var a = el.attributes[i];
      var name = a.name;
      var value = a.value;
      if (/^(rr_|rrweb-|_?on)/i.test(name)) continue;
      if (FORM_CONTROLS[tag] && FORM_STATE_ATTRIBUTES[name]) continue;
      if (name === 'class') {
        value = value
          .split(/\s+/)
          .filter(function (c) {
            return c && c !== ':hover';
          })
          .join(' ');
        if (!value) continue;
      } else if (name === 'style') {
        value = el.style ? el.style.cssText : value;
        if (!value) continue;
      } else if (URL_ATTRIBUTES[name] && value && !(tag === 'use' && value[0] === '#')) {
        value = absolute(doc, value);
      }
      out.push(name + '="' + escapeAttr(value) + '"');
    }
    out.sort();
    return out.length ? ' ' + out.join(' ') : '';
  }

  function serialize(doc, node, out) {
    switch (node.nodeType) {
      case 1: {
        var tag = node.localName;
        if (SKIPPED_ELEMENTS[tag]) return;
        out.push('<' + tag + attributes(doc, node) + '>');
        if (tag === 'style') {
          out.push(escapeText(rulesText(node.sheet)));
        } else if (tag !== 'textarea') {
          if (node.shadowRoot) {
            out.push('<#shadow-root>');
            serializeChildren(doc, node.shadowRoot, out);
            out.push('</#shadow-root>');
          }
          serializeChildren(doc, node, out);
        }
        out.push('</' + tag + '>');
        return;
      }
      case 3:
        out.push(escapeText(node.data));
        return;
      case 4:
        out.push('<![CDATA[]]>');
        return;
      case 8:
        out.push('<!--' + node.data + '-->');
        return;
      default:
        return;
    }
  }

  function serializeChildren(doc, parent, out) {
    for (var c = parent.firstChild; c; c = c.nextSibling) serialize(doc, c, out);
  }

  /**
   * { body: canonical body markup (null without a body),
   *   sheets: CSSOM rules of every <style>/<link> sheet owned by an element inside <head> or
   *           <body> (the Replayer's own <style> sits directly under <html> and is skipped),
   *   adopted: CSSOM rules of document.adoptedStyleSheets,
   *   values: "tag#id length" of each text input's and textarea's current value }.
   */
  function normalizeDom(doc) {
    var out = [];
    if (doc.body) serialize(doc, doc.body, out);
    var sheets = [];
    for (var i = 0; i < doc.styleSheets.length; i++) {
      var owner = doc.styleSheets[i].ownerNode;
      if (!owner || !owner.parentNode || owner.parentNode === doc.documentElement) continue;
      sheets.push(rulesText(doc.styleSheets[i]));
    }
    var adopted = Array.prototype.map.call(doc.adoptedStyleSheets || [], rulesText);
    // Masking keeps a value's length (one * per character): lengths are comparable, values not.
    var values = Array.prototype.map.call(doc.querySelectorAll(TEXT_CONTROLS), function (el, i) {
      return el.localName + (el.id ? '#' + el.id : ':' + i) + ' ' + el.value.length;
    });
    return { body: doc.body ? out.join('') : null, sheets: sheets, adopted: adopted, values: values };
  }

  window.__e2e = window.__e2e || {};
  window.__e2e.normalizeDom = normalizeDom;
})();
