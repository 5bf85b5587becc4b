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
const hasAttributes = E.hasAttributes;
const parentNode = get(N, 'parentNode'), lastChild = get(N, 'lastChild');
const previousSibling = get(N, 'previousSibling'), isConnected = get(N, 'isConnected');
const host = get(ShadowRoot.prototype, 'host');
export function first_child(n) { return firstChild.call(n); }
export function next_sibling(n) { return nextSibling.call(n); }
export function node_type(n) { return nodeType.call(n); }
export function node_value(n) { return nodeValue.call(n); }
export function tag_name(e) { return tagName.call(e); }
export function attributes_of(e) { return attributes.call(e); }
export function has_attributes(e) { return hasAttributes.call(e); }
export function shadow_root(e) { return shadowRoot.call(e); }
export function namespace_uri(e) { return namespaceURI.call(e); }
export function scroll_left(e) { return scrollLeft.call(e); }
export function scroll_top(e) { return scrollTop.call(e); }
export function parent_node(n) { return parentNode.call(n); }
export function last_child(n) { return lastChild.call(n); }
export function previous_sibling(n) { return previousSibling.call(n); }
export function is_connected(n) { return isConnected.call(n); }
export function shadow_host(r) { return host.call(r); }
const attrName = get(Attr.prototype, 'name'), attrValue = get(Attr.prototype, 'value');
const mapLength = get(NamedNodeMap.prototype, 'length'), mapItem = NamedNodeMap.prototype.item;
// Runs `cb` in a new task soon, letting the page handle input and render first.
export function next_task(cb) {
  const s = globalThis.scheduler;
  if (s && typeof s.postTask === 'function') { s.postTask(cb, { priority: 'user-visible' }); return; }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { channel.port1.close(); cb(); };
  channel.port2.postMessage(null);
}

// The snapshot's first phase: the document's nodes in pre-order (open shadow roots' children
// after their host's light children; nothing under textarea and iframe elements), each
// given its id (base + index) in `ids`, with its parent's index, the index of its last
// descendant, and a flag for shadow-root children. Plain JS: no wasm crossings per node.
export function collect(root, ids, base) {
  const nodes = [root], parent = [-1], end = [0], flags = [0];
  ids.set(root, base);
  const stack = [[0, firstChild.call(root), 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const child = top[1];
    if (child === null) {
      if (top[2] === 0) {
        top[2] = 1;
        const n = nodes[top[0]];
        const sr = nodeType.call(n) === 1 ? shadowRoot.call(n) : null;
        top[1] = sr ? firstChild.call(sr) : null;
        continue;
      }
      end[top[0]] = nodes.length - 1;
      stack.pop();
      continue;
    }
    top[1] = nextSibling.call(child);
    const i = nodes.length;
    nodes.push(child); parent.push(top[0]); end.push(i); flags.push(top[2]);
    ids.set(child, base + i);
    if (nodeType.call(child) !== 1) continue;
    const t = tagName.call(child);
    if (t === 'TEXTAREA' || t === 'IFRAME' || t === 'textarea' || t === 'iframe') continue;
    stack.push([i, firstChild.call(child), 0]);
  }
  return { nodes, parent: Int32Array.from(parent), end: Int32Array.from(end), flags: Uint8Array.from(flags) };
}

// An element's tag name and attributes in one crossing: "TAG\0name\0value\0name\0value".
// NUL cannot be told apart from the separator, so an element with one gets null (the slow
// path then reads it attribute by attribute).
export function tag_and_attributes(e) {
  let out = tagName.call(e);
  if (!hasAttributes.call(e)) return out;
  const map = attributes.call(e), n = mapLength.call(map);
  for (let i = 0; i < n; i++) {
    const a = mapItem.call(map, i), name = attrName.call(a), value = attrValue.call(a);
    if (value.indexOf('\0') !== -1) return null;
    out += '\0' + name + '\0' + value;
  }
  return out;
}
export function as_shadow_root(n) {
  if (nodeType.call(n) !== 11) return null;
  try { return host.call(n) ? n : null; } catch (_) { return null; }
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
      let names = acc.attrs.get(t);
      if (!names) acc.attrs.set(t, names = new Map());
      // The first record of a name holds its value before the batch.
      if (!names.has(r.attributeName)) names.set(r.attributeName, r.oldValue);
    }
  }
  return acc;
}
export function record_count(acc) { return acc ? acc.count : 0; }
export function attribute_list(acc) {
  const out = [];
  for (const [el, names] of acc.attrs) { const flat = []; for (const [n, o] of names) flat.push(n, o); out.push(el, flat); }
  return out;
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
