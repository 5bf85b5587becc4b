// Generated "realistic" pages for the full-snapshot benchmark: a shop / news / app mix of
// header and nav, article text with inline markup, product cards with images and buttons,
// tables, forms (text, e-mail, checkbox, select, textarea), comment threads, inline SVG icons,
// inline styles and a few scrollable panels. Deterministic (seeded PRNG), no network beyond
// one local image.
//
// Markup has no whitespace between tags, so the DOM holds exactly the nodes counted here
// (elements + text nodes, plus the document, doctype, html, head and body the parser adds).
import fs from 'node:fs';
import path from 'node:path';

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et ' +
  'dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea ' +
  'commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur ' +
  'excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum ' +
  'order shipping account profile settings search basket checkout invoice report dashboard team project'
).split(' ');

function prng(seed) {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

class Builder {
  constructor(seed) {
    this.rand = prng(seed);
    this.nodes = 0;
    this.out = [];
    this.uid = 0;
  }
  int(n) {
    return Math.floor(this.rand() * n);
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  words(min, max) {
    const n = min + this.int(max - min + 1);
    const w = [];
    for (let i = 0; i < n; i++) w.push(this.pick(WORDS));
    w[0] = w[0][0].toUpperCase() + w[0].slice(1);
    return w.join(' ');
  }
  text(s) {
    this.nodes++;
    this.out.push(esc(s));
  }
  open(tag, attrs = {}) {
    this.nodes++;
    let a = '';
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === false) continue;
      a += v === true ? ` ${k}` : ` ${k}="${esc(String(v))}"`;
    }
    this.out.push(`<${tag}${a}>`);
  }
  close(tag) {
    this.out.push(`</${tag}>`);
  }
  /** <tag attrs>text</tag> (text optional), or children via a callback. */
  el(tag, attrs = {}, body) {
    this.open(tag, attrs);
    if (typeof body === 'string') this.text(body);
    else if (typeof body === 'function') body();
    this.close(tag);
  }
  void(tag, attrs = {}) {
    this.open(tag, attrs);
  }
}

const ICON_PATHS = [
  'M12 2l3 7h7l-5.5 4 2 7-6.5-4.5L5.5 20l2-7L2 9h7z',
  'M3 12h18M12 3v18',
  'M4 6h16v12H4zM4 6l8 7 8-7',
  'M12 21s-7-4.5-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 11c0 5.5-7 10-7 10z',
];

function icon(b) {
  b.el('svg', { class: 'icon', viewBox: '0 0 24 24', width: 16, height: 16, 'aria-hidden': 'true' }, () =>
    b.el('path', { d: b.pick(ICON_PATHS), fill: 'none', stroke: 'currentColor' }),
  );
}

function paragraph(b) {
  b.el('p', {}, () => {
    b.text(b.words(6, 18) + ' ');
    b.el('a', { href: `#s${b.int(500)}` }, b.words(1, 3));
    b.text(' ' + b.words(4, 12) + ' ');
    if (b.rand() < 0.5) b.el('strong', {}, b.words(1, 3));
    else b.el('em', {}, b.words(1, 3));
    b.text(b.rand() < 0.05 ? ` write to ${b.pick(WORDS)}.${b.pick(WORDS)}@example.com.` : ` ${b.words(3, 10)}.`);
  });
}

const SECTIONS = {
  article(b) {
    b.el('article', { class: 'post', id: `post-${b.uid++}` }, () => {
      b.el('h2', { class: 'post-title' }, b.words(3, 7));
      b.el('div', { class: 'meta' }, () => {
        icon(b);
        b.el('span', { class: 'author' }, b.words(2, 2));
        b.el('time', { datetime: '2024-05-0' + (1 + b.int(9)) }, `May ${1 + b.int(28)}`);
      });
      const n = 2 + b.int(3);
      for (let i = 0; i < n; i++) paragraph(b);
    });
  },
  cards(b) {
    b.el('div', { class: 'grid' }, () => {
      const n = 4 + b.int(5);
      for (let i = 0; i < n; i++) {
        const id = b.uid++;
        b.el('div', { class: 'card product', 'data-sku': `SKU-${id}`, style: i % 3 === 0 ? `order:${i}` : undefined }, () => {
          b.void('img', { src: 'pixel.svg', alt: b.words(2, 4), width: 120, height: 90, loading: 'lazy' });
          b.el('h3', {}, b.words(2, 4));
          b.el('p', { class: 'desc' }, b.words(8, 20));
          b.el('div', { class: 'row' }, () => {
            b.el('span', { class: 'price' }, `$${(5 + b.int(500)).toFixed(0)}.${10 + b.int(89)}`);
            b.el('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'add' }, 'Add to basket');
          });
        });
      }
    });
  },
  table(b) {
    b.el('table', { class: 'data' }, () => {
      b.el('thead', {}, () =>
        b.el('tr', {}, () => {
          for (const h of ['Order', 'Customer', 'Status', 'Total']) b.el('th', { scope: 'col' }, h);
        }),
      );
      b.el('tbody', {}, () => {
        const n = 5 + b.int(10);
        for (let i = 0; i < n; i++) {
          b.el('tr', { class: i % 2 ? 'odd' : 'even' }, () => {
            b.el('td', {}, () => b.el('a', { href: `#order-${b.uid++}` }, `#${10000 + b.int(90000)}`));
            b.el('td', {}, b.words(2, 2));
            b.el('td', {}, () => b.el('span', { class: `badge badge-${b.pick(['ok', 'warn', 'err'])}` }, b.pick(WORDS)));
            b.el('td', { class: 'num' }, `${b.int(1000)}.${b.int(100)}`);
          });
        }
      });
    });
  },
  form(b) {
    const id = b.uid++;
    b.el('form', { class: 'form', action: '#', autocomplete: 'off' }, () => {
      b.el('fieldset', {}, () => {
        b.el('legend', {}, b.words(2, 4));
        b.el('label', { for: `name-${id}` }, 'Name');
        b.void('input', { id: `name-${id}`, type: 'text', name: 'name', value: b.words(2, 2), placeholder: 'Your name' });
        b.el('label', { for: `mail-${id}` }, 'E-mail');
        b.void('input', { id: `mail-${id}`, type: 'email', name: 'email', value: `${b.pick(WORDS)}@example.com` });
        b.el('label', {}, () => {
          b.void('input', { type: 'checkbox', name: 'news', checked: b.rand() < 0.5 });
          b.text('Send me news');
        });
        b.el('select', { name: 'country' }, () => {
          for (const c of ['France', 'Germany', 'Japan', 'Kenya', 'Peru']) b.el('option', { value: c.slice(0, 2).toLowerCase() }, c);
        });
        b.el('textarea', { name: 'note', rows: 3 }, b.words(5, 15));
        b.el('button', { type: 'submit', class: 'btn' }, 'Save');
      });
    });
  },
  list(b) {
    b.el('ul', { class: 'links' }, () => {
      const n = 5 + b.int(10);
      for (let i = 0; i < n; i++) b.el('li', {}, () => b.el('a', { href: `/${b.pick(WORDS)}/${b.uid++}` }, b.words(1, 4)));
    });
  },
  comments(b) {
    const thread = (depth) => {
      b.el('div', { class: 'comment', style: `margin-left:${depth * 16}px` }, () => {
        b.void('img', { class: 'avatar', src: 'pixel.svg', alt: '', width: 24, height: 24 });
        b.el('div', { class: 'body' }, () => {
          b.el('b', {}, b.words(1, 2));
          b.el('p', {}, b.words(5, 25));
          b.el('div', { class: 'actions' }, () => {
            b.el('button', { type: 'button', class: 'link' }, 'Reply');
            b.el('button', { type: 'button', class: 'link' }, () => {
              icon(b);
              b.text(String(b.int(99)));
            });
          });
        });
        if (depth < 3 && b.rand() < 0.6) thread(depth + 1);
      });
    };
    b.el('section', { class: 'comments' }, () => {
      b.el('h3', {}, 'Comments');
      const n = 2 + b.int(3);
      for (let i = 0; i < n; i++) thread(0);
    });
  },
  panel(b) {
    // A scrollable panel (overflow: auto), scrolled down a little by the page's script.
    b.el('div', { class: 'panel scroller', style: 'max-height:120px;overflow:auto' }, () => {
      const n = 10 + b.int(10);
      for (let i = 0; i < n; i++) b.el('div', { class: 'item' }, b.words(3, 8));
    });
  },
};
const SECTION_WEIGHTS = [
  ['article', 4],
  ['cards', 3],
  ['table', 2],
  ['form', 1],
  ['list', 2],
  ['comments', 2],
  ['panel', 1],
];

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#1f2937;background:#f8fafc}
header{display:flex;gap:16px;align-items:center;padding:8px 16px;background:#0f172a;color:#fff}
header a{color:#cbd5e1;text-decoration:none}nav ul{display:flex;gap:12px;list-style:none;margin:0;padding:0}
main{display:grid;grid-template-columns:1fr 240px;gap:16px;padding:16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:8px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:8px}.card img{display:block;background:#e2e8f0}
.price{font-weight:600}.btn{border:1px solid #94a3b8;border-radius:4px;background:#fff;padding:2px 8px}
.btn-primary{background:#2563eb;color:#fff;border-color:#1d4ed8}
table.data{border-collapse:collapse;width:100%}table.data td,table.data th{border-bottom:1px solid #e2e8f0;padding:2px 6px}
.badge{border-radius:8px;padding:0 6px;font-size:12px}.badge-ok{background:#dcfce7}.badge-warn{background:#fef9c3}.badge-err{background:#fee2e2}
.form fieldset{display:grid;grid-template-columns:120px 1fr;gap:4px;border:1px solid #cbd5e1}
.comment{display:flex;gap:6px;padding:4px 0}.avatar{border-radius:50%}.link{border:0;background:none;color:#2563eb}
.panel{border:1px solid #cbd5e1;background:#fff}.item{padding:2px 6px;border-bottom:1px dotted #e2e8f0}
.icon{vertical-align:middle;color:#64748b}aside{position:sticky;top:0}footer{padding:16px;color:#64748b}
@media (max-width:700px){main{grid-template-columns:1fr}}
`;

const PIXEL_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="#cbd5e1"/></svg>\n';

/** Markup of a page with about `target` DOM nodes. Returns { html, nodes }. */
export function generatePage(target, seed = 1) {
  const b = new Builder(seed);
  // document, doctype, html, head, body; head content is counted as it is written.
  b.nodes = 5;
  const head = new Builder(0);
  head.void('meta', { charset: 'utf-8' });
  head.el('title', {}, `Generated page, ${target} nodes`);
  head.void('meta', { name: 'viewport', content: 'width=device-width' });
  head.el('style', {}, CSS);
  b.nodes += head.nodes;

  b.el('header', {}, () => {
    b.el('a', { href: '/', class: 'logo' }, 'Shopfront');
    b.el('nav', {}, () =>
      b.el('ul', {}, () => {
        for (const w of ['Home', 'Products', 'Orders', 'Reports', 'Help']) b.el('li', {}, () => b.el('a', { href: `#${w}` }, w));
      }),
    );
    b.void('input', { type: 'search', name: 'q', placeholder: 'Search', 'aria-label': 'Search' });
  });
  const total = SECTION_WEIGHTS.reduce((n, [, w]) => n + w, 0);
  const pickSection = () => {
    let r = b.rand() * total;
    for (const [name, w] of SECTION_WEIGHTS) if ((r -= w) < 0) return SECTIONS[name];
    return SECTIONS.article;
  };
  // Reserve room for the aside, footer and closing script (~60 nodes).
  b.open('main', { id: 'main' });
  b.open('div', { class: 'content' });
  while (b.nodes < target - 60) pickSection()(b);
  b.close('div');
  b.el('aside', {}, () => {
    b.el('h3', {}, 'Filters');
    SECTIONS.list(b);
  });
  b.close('main');
  b.el('footer', {}, () => b.el('p', {}, `© 2024 Shopfront. ${b.words(5, 10)}`));
  // Scroll the panels a little, as a user would have: the snapshot records rr_scrollTop.
  b.el('script', {}, "document.querySelectorAll('.scroller').forEach(function(e,i){e.scrollTop=10+i%40})");

  const html = `<!DOCTYPE html><html lang="en"><head>${head.out.join('')}</head><body>${b.out.join('')}</body></html>\n`;
  return { html, nodes: b.nodes };
}

export const PAGE_SIZES = [1_000, 10_000, 50_000, 100_000];

/** Writes snapshot-<n>.html (and pixel.svg) into dir; returns { [n]: { file, nodes } }. */
export function writePages(dir, sizes = PAGE_SIZES) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'pixel.svg'), PIXEL_SVG);
  const out = {};
  for (const n of sizes) {
    const { html, nodes } = generatePage(n, n);
    const file = path.join(dir, `snapshot-${n}.html`);
    fs.writeFileSync(file, html);
    out[n] = { file, nodes, bytes: Buffer.byteLength(html) };
  }
  return out;
}
