// Browser-side helpers for the e2e tests (classic script, no modules, no DOM side effects).
// Loaded by tests/e2e/replay.html and injected into recorded pages with page.addInitScript().
// Defines window.__e2e = { settle(doc, opts), maskRects(doc), allDocuments(doc) }.
(function () {
  'use strict';

  // Form controls whose *values* a privacy-first recorder masks (with '*'): the only expected
  // visual difference between a page and its replay, so the tests paint over them.
  var MASKED_CONTROLS =
    'input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=button])' +
    ':not([type=submit]):not([type=reset]):not([type=image]), textarea, select';

  /** doc plus every open shadow root below it (not descending into iframes). */
  function allRoots(doc) {
    var roots = [doc];
    for (var i = 0; i < roots.length; i++) {
      var els = roots[i].querySelectorAll('*');
      for (var j = 0; j < els.length; j++) {
        if (els[j].shadowRoot) roots.push(els[j].shadowRoot);
      }
    }
    return roots;
  }

  /** Same-origin iframes (with their readable document) under doc, including in shadow roots. */
  function childFrames(doc) {
    var out = [];
    allRoots(doc).forEach(function (root) {
      root.querySelectorAll('iframe, frame').forEach(function (el) {
        var d = null;
        try {
          d = el.contentDocument;
        } catch (e) {
          /* cross-origin */
        }
        if (d) out.push({ el: el, doc: d });
      });
    });
    return out;
  }

  /** doc and every same-origin descendant iframe document. */
  function allDocuments(doc) {
    var docs = [doc];
    for (var i = 0; i < docs.length; i++) {
      childFrames(docs[i]).forEach(function (f) {
        docs.push(f.doc);
      });
    }
    return docs;
  }

  function whenLoaded(el, isDone) {
    if (isDone()) return Promise.resolve();
    return new Promise(function (resolve) {
      el.addEventListener('load', resolve, { once: true });
      el.addEventListener('error', resolve, { once: true });
    });
  }

  var URL_RE = /url\(\s*(['"]?)(.*?)\1\s*\)/g;

  function cssUrls(value, out) {
    if (!value || value === 'none') return;
    var m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(value))) {
      if (m[2] && !/^data:/.test(m[2])) out.add(m[2]);
    }
  }

  function preload(url) {
    return new Promise(function (resolve) {
      var img = new Image();
      img.onload = img.onerror = function () {
        resolve();
      };
      img.src = url;
    });
  }

  function frames(n) {
    return new Promise(function (resolve) {
      (function step() {
        if (n-- <= 0) return resolve();
        requestAnimationFrame(step);
      })();
    });
  }

  /**
   * Resolve once doc (and its same-origin iframes and shadow roots) has loaded its images,
   * stylesheets, CSS background images and fonts, then let two frames render.
   * Never rejects; resolves with { timedOut, pending } after opts.timeout ms at the latest.
   */
  function settle(doc, opts) {
    var timeout = (opts && opts.timeout) || 5000;
    var waits = [];
    var urls = new Set();
    allDocuments(doc).forEach(function (d) {
      if (d.fonts && d.fonts.ready) waits.push(d.fonts.ready);
      var win = d.defaultView;
      allRoots(d).forEach(function (root) {
        root.querySelectorAll('img').forEach(function (img) {
          waits.push(
            whenLoaded(img, function () {
              return img.complete;
            }).then(function () {
              return img.decode ? img.decode().catch(function () {}) : null;
            }),
          );
        });
        root.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {
          waits.push(
            whenLoaded(link, function () {
              return !!link.sheet;
            }),
          );
        });
        if (!win) return;
        root.querySelectorAll('*').forEach(function (el) {
          var cs = win.getComputedStyle(el);
          cssUrls(cs.backgroundImage, urls);
          cssUrls(cs.listStyleImage, urls);
          cssUrls(cs.borderImageSource, urls);
        });
      });
    });
    urls.forEach(function (u) {
      waits.push(preload(u));
    });
    var timedOut = false;
    var timer;
    return Promise.race([
      Promise.all(waits),
      new Promise(function (resolve) {
        timer = setTimeout(function () {
          timedOut = true;
          resolve();
        }, timeout);
      }),
    ]).then(function () {
      clearTimeout(timer);
      return frames(2).then(function () {
        return { timedOut: timedOut, resources: waits.length };
      });
    });
  }

  /**
   * Viewport rectangles (CSS px, relative to doc's viewport, rounded outwards, +pad) of the form
   * controls whose values get masked, in doc, its open shadow roots and its same-origin iframes.
   */
  function maskRects(doc, pad) {
    pad = pad === undefined ? 1 : pad;
    var out = [];
    (function walk(d, ox, oy) {
      allRoots(d).forEach(function (root) {
        root.querySelectorAll(MASKED_CONTROLS).forEach(function (el) {
          var r = el.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) return;
          var x = Math.floor(r.left + ox) - pad;
          var y = Math.floor(r.top + oy) - pad;
          out.push({
            x: x,
            y: y,
            width: Math.ceil(r.right + ox) + pad - x,
            height: Math.ceil(r.bottom + oy) + pad - y,
            tag: el.tagName.toLowerCase(),
          });
        });
      });
      childFrames(d).forEach(function (f) {
        var r = f.el.getBoundingClientRect();
        var cs = f.el.ownerDocument.defaultView.getComputedStyle(f.el);
        walk(
          f.doc,
          ox + r.left + f.el.clientLeft + parseFloat(cs.paddingLeft || '0'),
          oy + r.top + f.el.clientTop + parseFloat(cs.paddingTop || '0'),
        );
      });
    })(doc, 0, 0);
    return out;
  }

  /**
   * Element path like "html>body>main:0>div:2" (index among same-tag siblings) or "#id>…",
   * stable across a page and its replay (the Replayer inserts extra <style> elements).
   */
  function elementPath(el) {
    var parts = [];
    for (; el && el.nodeType === 1; el = el.parentElement) {
      if (el.id) {
        parts.unshift('#' + el.id);
        break;
      }
      var i = 0;
      for (var s = el.previousElementSibling; s; s = s.previousElementSibling) {
        if (s.localName === el.localName) i++;
      }
      parts.unshift(el.localName + (el.parentElement ? ':' + i : ''));
    }
    return parts.join('>');
  }

  /** Elements of doc (not the viewport) that are scrolled: [{ path, top, left }]. */
  function scrolledElements(doc) {
    var out = [];
    doc.querySelectorAll('*').forEach(function (el) {
      if (el === doc.documentElement || el === doc.body || el === doc.scrollingElement) return;
      if (el.scrollTop || el.scrollLeft) {
        out.push({ path: elementPath(el), top: Math.round(el.scrollTop), left: Math.round(el.scrollLeft) });
      }
    });
    return out;
  }

  window.__e2e = {
    settle: settle,
    maskRects: maskRects,
    allDocuments: allDocuments,
    frames: frames,
    scrolledElements: scrolledElements,
  };
})();
