// Every JS helper the recorder imports, in one module: wasm-bindgen emits one snippet file
// per module, and a page (or the test runner) then fetches one file, not one per Rust module.
// Each section is used only by the Rust module named in its heading.

// ---- DOM reads through the prototypes (a page cannot shadow them), the snapshot walk's first phase, task scheduling
const get = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const N = Node.prototype, E = Element.prototype;
const firstChild = get(N, 'firstChild'), nextSibling = get(N, 'nextSibling');
const nodeType = get(N, 'nodeType'), nodeValue = get(N, 'nodeValue');
const tagName = get(E, 'tagName'), attributes = get(E, 'attributes');
const shadowRoot = get(E, 'shadowRoot'), namespaceURI = get(E, 'namespaceURI');
const scrollLeft = get(E, 'scrollLeft'), scrollTop = get(E, 'scrollTop');
const hasAttributes = E.hasAttributes, getAttributeNames = E.getAttributeNames, getAttribute = E.getAttribute;
const parentNode = get(N, 'parentNode'), lastChild = get(N, 'lastChild');
const previousSibling = get(N, 'previousSibling'), isConnected = get(N, 'isConnected');
const host = get(ShadowRoot.prototype, 'host');
export function first_child(n) { return firstChild.call(n); }
export function next_sibling(n) { return nextSibling.call(n); }
export function node_type(n) { return nodeType.call(n); }
export function node_value(n) { return nodeValue.call(n); }
export function tag_name(e) { return tagName.call(e); }
export function shadow_root(e) { return shadowRoot.call(e); }
export function namespace_uri(e) { return namespaceURI.call(e); }
export function scroll_left(e) { return scrollLeft.call(e); }
export function scroll_top(e) { return scrollTop.call(e); }
// Whether either scroll offset is not zero: most elements are not scrolled, and this asks once.
export function is_scrolled(e) { return scrollLeft.call(e) !== 0 || scrollTop.call(e) !== 0; }
export function parent_node(n) { return parentNode.call(n); }
export function last_child(n) { return lastChild.call(n); }
export function previous_sibling(n) { return previousSibling.call(n); }
export function is_connected(n) { return isConnected.call(n); }
export function shadow_host(r) { return host.call(r); }
const attrName = get(Attr.prototype, 'name'), attrValue = get(Attr.prototype, 'value');
const mapLength = get(NamedNodeMap.prototype, 'length'), mapItem = NamedNodeMap.prototype.item;
// Fields of the strings handed to the recorder are separated by NUL; a NUL (or the escape
// character 1) in a field is escaped as 1 '0' (1 '1'), see `unescape_field` in serialize.rs.
const escapeField = (v) => (v.indexOf('\0') === -1 && v.indexOf('\x01') === -1
  ? v : v.replace(/[\0\x01]/g, (c) => (c === '\0' ? '\x010' : '\x011')));
// Runs `cb` in a new task soon, letting the page handle input and render first.
export function next_task(cb) {
  const s = globalThis.scheduler;
  if (s && typeof s.postTask === 'function') { s.postTask(cb, { priority: 'user-visible' }); return; }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { channel.port1.close(); cb(); };
  channel.port2.postMessage(null);
}

// Gzip in the browser (delivery of a small batch): the wasm module then never makes miniz's
// compressor, whose ~300 KB of state would stay in its memory for good. `bytes` is a view of
// wasm memory: the Blob copies it before this returns. Null when CompressionStream is missing
// (the caller compresses with miniz); the Promise settles with a Uint8Array, or rejects.
export function gzip_native(bytes) {
  const C = globalThis.CompressionStream;
  if (typeof C !== 'function') return null;
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new C('gzip'));
    return new Response(stream).arrayBuffer().then((b) => new Uint8Array(b));
  } catch (e) { return null; }
}
export function has_compression_stream() { return typeof globalThis.CompressionStream === 'function'; }

// The snapshot's first phase: the document's nodes in pre-order (open shadow roots' children
// after their host's light children; nothing under textarea and iframe elements), each
// given its id (base + index) in `ids`, with the index of its last descendant and a flag for
// shadow-root children. Plain JS: no wasm crossings per node. It runs in steps of a time
// budget (`collect_step`); the structure must be the page's at one instant, so a change to
// the children of a node already listed starts the listing over (after `COLLECT_RESTARTS`,
// the rest is listed in one go).
const COLLECT_RESTARTS = 2;
const COLLECT_NODES_PER_CLOCK_CHECK = 512;
export function collect_start(root, ids, base) {
  const c = { root, ids, base, restarts: 0, changed: false, watch: null };
  c.watch = new MutationObserver((records) => { if (!c.changed) c.changed = touches(c, records); });
  c.watch.observe(root, { childList: true, subtree: true });
  collect_reset(c);
  return c;
}
// Whether a childList change hit a node already listed (or an entered shadow root: only
// those are observed besides the root's subtree).
function touches(c, records) {
  for (const r of records) {
    if (r.type === 'childList' && (c.ids.has(r.target) || nodeType.call(r.target) === 11)) return true;
  }
  return false;
}
function collect_reset(c) {
  c.nodes = [c.root]; c.end = [0]; c.flags = [0];
  c.ids.set(c.root, c.base);
  c.stack = [[0, firstChild.call(c.root), 0]];
}
// Forgets listed nodes first..=last (a skipped subtree: blocked, or a textarea's text) in one
// call, not one crossing per node.
export function forget_range(nodes, ids, first, last) {
  for (let i = first; i <= last; i++) ids.delete(nodes[i]);
}
// Lists nodes until done (true) or until Date.now() passes `deadline` (false).
export function collect_step(c, deadline) {
  if (c.changed || (c.watch && touches(c, c.watch.takeRecords()))) {
    c.changed = false;
    for (const n of c.nodes) c.ids.delete(n);
    collect_reset(c);
    if (++c.restarts > COLLECT_RESTARTS) deadline = Infinity;
  }
  const { nodes, end, flags, stack, ids, base } = c;
  let count = 0;
  while (stack.length) {
    if (++count === COLLECT_NODES_PER_CLOCK_CHECK) {
      count = 0;
      if (Date.now() >= deadline) return false;
    }
    const top = stack[stack.length - 1];
    const child = top[1];
    if (child === null) {
      if (top[2] === 0) {
        top[2] = 1;
        const n = nodes[top[0]];
        const sr = nodeType.call(n) === 1 ? shadowRoot.call(n) : null;
        if (sr) c.watch.observe(sr, { childList: true, subtree: true });
        top[1] = sr ? firstChild.call(sr) : null;
        continue;
      }
      end[top[0]] = nodes.length - 1;
      stack.pop();
      continue;
    }
    top[1] = nextSibling.call(child);
    const i = nodes.length;
    nodes.push(child); end.push(i); flags.push(top[2]);
    ids.set(child, base + i);
    if (nodeType.call(child) !== 1) continue;
    const t = tagName.call(child);
    if (t === 'TEXTAREA' || t === 'IFRAME' || t === 'textarea' || t === 'iframe') continue;
    stack.push([i, firstChild.call(child), 0]);
  }
  c.watch.disconnect();
  c.watch = null;
  return true;
}
// Stops a listing left unfinished (its observer would keep the listed nodes alive).
export function collect_cancel(c) { if (c.watch) { c.watch.disconnect(); c.watch = null; } }
// The finished listing (after `collect_step` returned true).
export function collect_nodes(c) { return c.nodes; }
export function collect_end(c) { return Int32Array.from(c.end); }
export function collect_flags(c) { return Uint8Array.from(c.flags); }

// An element's tag name and attributes in one crossing: "S TAG\0name\0value\0name\0value",
// S being "1" when the element hosts an open shadow root, else "0" (one crossing fewer per
// element). NUL (and the escape character 1) in names and values are escaped (`escapeField`).
// Values are read by name: `attributes` would make an Attr node per attribute, twice the
// cost. A name that `getAttribute` may not find as it is (upper case: an HTML element looks
// names up lower-cased; a prefix, or a name twice: namespaced attributes) is read from the
// Attr nodes.
const UPPER_OR_PREFIX = /[A-Z:]/;
function tag_and_attributes(e) {
  const head = (shadowRoot.call(e) ? '1' : '0') + tagName.call(e);
  if (!hasAttributes.call(e)) return head;
  const names = getAttributeNames.call(e), n = names.length;
  let out = head;
  for (let i = 0; i < n; i++) {
    const name = names[i];
    if (UPPER_OR_PREFIX.test(name)) return head + attributes_of_nodes(e);
    for (let j = 0; j < i; j++) if (names[j] === name) return head + attributes_of_nodes(e);
    const value = getAttribute.call(e, name);
    if (value === null) return head + attributes_of_nodes(e);
    out += '\0' + escapeField(name) + '\0' + escapeField(value);
  }
  return out;
}
function attributes_of_nodes(e) {
  const map = attributes.call(e), n = mapLength.call(map);
  let out = '';
  for (let i = 0; i < n; i++) {
    const a = mapItem.call(map, i);
    out += '\0' + escapeField(attrName.call(a)) + '\0' + escapeField(attrValue.call(a));
  }
  return out;
}
// The node <-> id mirror's reads and writes (mirror.rs): a number crosses as a plain wasm
// value here, where a `JsValue` would take a second crossing to convert.
export function mirror_get(ids, n) { const id = ids.get(n); return id === undefined ? -1 : id; }
export function mirror_set(ids, n, id) { ids.set(n, id); }
// What describing a node reads first, in one crossing: "E" + `tag_and_attributes` for an
// element, "T" / "C" + the value of a text or comment node, "O" for any other node.
export function read_node(n) {
  const type = nodeType.call(n);
  if (type === 1) return 'E' + tag_and_attributes(n);
  if (type === 3) return 'T' + nodeValue.call(n);
  if (type === 8) return 'C' + nodeValue.call(n);
  return 'O';
}
export function as_shadow_root(n) {
  if (nodeType.call(n) !== 11) return null;
  try { return host.call(n) ? n : null; } catch (_) { return null; }
}

// ---- A FullSnapshot's node tree, parsed chunk by chunk as the walk writes it (emit.rs)
// A chunk continues the JSON where the last one stopped (see walk.rs `Chunk`): wrapped in
// `from` bare containers, the outermost standing for the one that holds the document, and
// closed after `to`, it parses on its own. Its nodes are appended to the containers open
// before it; the outermost `kept` of those stay open, followed by the last child of the
// innermost, and so on, `to` in all (pre-order: an open node is its parent's last child).
// A node's keys after its `childNodes` may come in a later chunk than the node itself.
export function assembly_new() { const root = { childNodes: [] }; return { root, open: [root] }; }
export function assembly_add(a, text, from, kept, to) {
  // The walk inserts a comma before a sibling; the first of a chunk has none in front now.
  const body = text.charCodeAt(0) === 44 ? text.slice(1) : text;
  let level = JSON.parse('{"childNodes":['.repeat(from) + body + ']}'.repeat(to));
  for (let d = 0; d < from; d++) {
    const node = a.open[d], items = level.childNodes, into = node.childNodes, inner = d + 1 < from;
    for (let j = inner ? 1 : 0; j < items.length; j++) into.push(items[j]);
    // Keys written after a node's children (rrweb's order: `id`, `isShadowHost`, ...) land
    // on the wrapper that stands for it: they belong to the node parsed in an earlier chunk.
    for (const k in level) if (k !== 'childNodes') node[k] = level[k];
    level = inner ? items[0] : null;
  }
  const open = a.open;
  open.length = kept;
  while (open.length < to) { const c = open[open.length - 1].childNodes; open.push(c[c.length - 1]); }
}
// An event whose JSON text came in parts (a large mutation, see mutation.rs).
export function parse_parts(parts) { return JSON.parse(parts.length === 1 ? parts[0] : parts.join('')); }
// The event: `shell` is its JSON with `null` for the node.
export function assembly_finish(a, shell) {
  const event = JSON.parse(shell);
  event.data.node = a.root.childNodes[0];
  return event;
}

// An event's text from its parts, as UTF-8 bytes to copy into wasm once at their exact size
// (recorder.rs): the parts are not held in wasm meanwhile, nor a buffer grown by doubling.
export function utf8_joined(parts) { return new TextEncoder().encode(parts.length === 1 ? parts[0] : parts.join('')); }

// ---- Delivery's stored batches (delivery/storage.rs): the lines are joined here, so the
// stored text is never a copy in wasm memory (which keeps its high-water mark). False when
// the storage refuses it (full, or disabled).
export function storage_set_lines(storage, key, lines) {
  try { storage.setItem(key, lines.join('\n')); return true; } catch (_) { return false; }
}

// ---- Prototype patches that chain to what was there and can be undone (RAII in patch.rs)
function install(proto, name, make) {
  const desc = Object.getOwnPropertyDescriptor(proto, name);
  if (!desc) return null;
  const state = { active: true };
  const patched = make(desc, state);
  if (!patched) return null;
  Object.defineProperty(proto, name, patched);
  const installed = patched.value || patched.set;
  return () => {
    state.active = false;
    const now = Object.getOwnPropertyDescriptor(proto, name);
    if (now && (now.value === installed || now.set === installed)) Object.defineProperty(proto, name, desc);
  };
}
export function patch_method(proto, name, hook) {
  return install(proto, name, (desc, state) => {
    const original = desc.value;
    if (typeof original !== 'function') return null;
    const wrapper = function (...args) {
      const result = original.apply(this, args);
      if (state.active) { try { hook(this, args, result); } catch (_) {} }
      return result;
    };
    return { ...desc, value: wrapper };
  });
}
export function patch_setter(proto, name, hook) {
  return install(proto, name, (desc, state) => {
    const original = desc.set;
    if (typeof original !== 'function') return null;
    const set = function (value) {
      original.call(this, value);
      if (state.active) { try { hook(this, value); } catch (_) {} }
    };
    return { ...desc, set };
  });
}

// ---- MutationRecord coalescing (mutation.rs)
// Folds MutationRecords into one pending batch, in JS: a storm of records (thousands per
// frame) costs the recorder a few crossings per changed node, not several per record.
export function group_records(records, acc) {
  if (!acc) acc = { removed: [], added: [], addedSet: new Set(), texts: [], textSet: new Set(), attrs: new Map(), count: 0 };
  for (const r of records) {
    acc.count++;
    const t = r.target;
    if (r.type === 'childList') {
      for (const n of r.removedNodes) acc.removed.push(t, n);
      for (const n of r.addedNodes) if (!acc.addedSet.has(n)) { acc.addedSet.add(n); acc.added.push(n); }
    } else if (r.type === 'characterData') {
      if (!acc.textSet.has(t)) { acc.textSet.add(t); acc.texts.push(t); }
    } else if (r.type === 'attributes') {
      // [name, value before, ...]: an element rarely has more than a few names changed, so
      // a flat list is cheaper than a map per element.
      let names = acc.attrs.get(t);
      if (!names) acc.attrs.set(t, names = []);
      const name = r.attributeName;
      let seen = false;
      for (let i = 0; i < names.length; i += 2) if (names[i] === name) { seen = true; break; }
      // The first record of a name holds its value before the batch.
      if (!seen) names.push(name, r.oldValue);
    }
  }
  return acc;
}
export function record_count(acc) { return acc ? acc.count : 0; }
const ownerDocument = get(N, 'ownerDocument');
const utf8 = new TextEncoder();
// The attribute changes of a batch that the replay needs, in one string: for every element
// the replay has from before the batch (an id below `fresh`), still in the page and not
// blocked, as UTF-8 text: "id\0flags\0tagName\0count\0" then "name\0" + ("=" + value | "-" removed) + "\0"
// per attribute whose value differs from before the batch, or "id\0s\0" when flags, tag name
// and changes are those of the element listed before (a class set on every row: the
// recorder then decides them once). flags: 1 = not in `top` document, 2 = was a password
// field. `elements` holds the listed elements, in the same order.
export function attribute_changes(acc, ids, fresh, blocked, top) {
  const elements = [];
  let text = '', lastFields = null, lastTag = null, lastFlags = -1;
  for (const [el, names] of acc.attrs) {
    const id = ids.get(el);
    if (id === undefined || id >= fresh || !isConnected.call(el) || blocked.has(el)) continue;
    let count = 0, fields = '', flags = ownerDocument.call(el) === top ? 0 : 1;
    for (let i = 0; i < names.length; i += 2) {
      const name = names[i], old = names[i + 1];
      if (name === 'type' && old === 'password') flags |= 2;
      const now = getAttribute.call(el, name);
      // Changed and changed back within the batch: nothing to replay.
      if (now === old) continue;
      count++;
      fields += escapeField(name) + '\0' + (now === null ? '-' : '=' + escapeField(now)) + '\0';
    }
    if (count === 0 && !(flags & 2)) continue;
    elements.push(el);
    // Tag names never hold NUL (neither the parser nor createElement makes one), and one
    // with the escape character is no valid name: recorded as div either way.
    const tag = tagName.call(el);
    if (fields === lastFields && tag === lastTag && flags === lastFlags) {
      text += id + '\0s\0';
      continue;
    }
    text += id + '\0' + flags + '\0' + tag + '\0' + count + '\0' + fields;
    lastFields = fields; lastTag = tag; lastFlags = flags;
  }
  // As UTF-8 bytes: a long string crosses into wasm through a JS loop per character, which
  // for a call made once per batch never gets optimised; the encoder is native.
  return { elements, bytes: utf8.encode(text) };
}

// ---- Event reads for the interaction listeners (interaction/)
const point = (e) => (e.changedTouches ? e.changedTouches[0] : e);
export function event_node(e) {
  let t = e.target;
  try { const p = e.composedPath(); if (p.length) t = p[0]; } catch (_) {}
  return t && typeof t.nodeType === 'number' ? t : null;
}
export function client_x(e) { const p = point(e); return p && typeof p.clientX === 'number' ? p.clientX : NaN; }
export function client_y(e) { const p = point(e); return p && typeof p.clientY === 'number' ? p.clientY : NaN; }
export function pointer_type(e) { return 'pointerType' in e ? String(e.pointerType) : undefined; }
export function is_touch(e) { return !!e.changedTouches; }
export function has_pointer_events(w) { return !!w.PointerEvent; }
export function prototype_of(w, name) { const c = w[name]; return (c && c.prototype) || null; }

// ---- CSSOM rule lookups (stylesheets/rules.rs)
export function rule_path(rule) {
  const path = [];
  for (let depth = 0; rule && depth < 256; depth++) {
    const parent = rule.parentRule;
    const owner = parent || rule.parentStyleSheet;
    const list = owner && owner.cssRules;
    if (!list) return null;
    let i = 0;
    while (i < list.length && list[i] !== rule) i++;
    if (i === list.length) return null;
    path.unshift(i);
    if (!parent) return path;
    rule = parent;
  }
  return null;
}
export function css_text_at(owner, i) {
  const rule = owner.cssRules[i];
  return rule ? rule.cssText : undefined;
}
export function when_resolved(promise, hook, sheet, text) {
  try {
    promise.then(() => { try { hook(sheet, text); } catch (_) {} }, () => {});
  } catch (_) {}
}

// ---- Privacy scope lookups (privacy.rs)
const closest = E.closest, getRootNode = N.getRootNode, contains = N.contains;
const near = (el, selector) => { try { return closest.call(el, selector); } catch (_) { return null; } };
// The privacy rules around an element found outside the walk, from its nearest marked
// ancestors, crossing shadow roots (to the host) and iframe documents (to the iframe), in one
// crossing: bit 1 blocked, 2 ignored, 4 text masked, 8 text unmasked.
export function privacy_scope(el, block, ignore, mask, unmask) {
  let bits = 0, textDecided = false;
  for (let cur = el, depth = 0; cur && depth < 256; depth++) {
    if (!(bits & 1) && near(cur, block)) bits |= 1;
    if (!(bits & 2) && near(cur, ignore)) bits |= 2;
    if (!textDecided) {
      const m = near(cur, mask), u = near(cur, unmask);
      // The nearer of a mask and an unmask marker wins.
      if (m && u && m !== u && contains.call(m, u)) bits |= 8;
      else if (m) bits |= 4;
      else if (u) bits |= 8;
      textDecided = (bits & 12) !== 0;
    }
    const root = getRootNode.call(cur), type = nodeType.call(root);
    if (type === 11) {
      let h = null;
      try { h = host.call(root); } catch (_) {}
      if (h) { cur = h; continue; }
      break;
    }
    if (type !== 9) break;
    let frame = null;
    try { const w = root.defaultView; frame = w && w.frameElement; } catch (_) {}
    cur = frame;
  }
  return bits;
}
