//! DOM reads on the walk's hot path, through the prototypes' own getters.
//!
//! A page can shadow properties of a `<form>` (and of `document`) with named elements:
//! `<input name="firstChild">` makes `form.firstChild` that input. web-sys reads properties off
//! the object, so a walk through it would skip or repeat nodes. These read the getters once
//! from `Node.prototype` / `Element.prototype` and call them directly, which no markup can
//! shadow (wasm-bindgen's `final` would look the descriptor up again on every call).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, NamedNodeMap, Node, ShadowRoot};

#[wasm_bindgen(inline_js = r#"
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
"#)]
extern "C" {
    pub fn first_child(node: &Node) -> Option<Node>;
    pub fn next_sibling(node: &Node) -> Option<Node>;
    pub fn node_type(node: &Node) -> u16;
    pub fn node_value(node: &Node) -> Option<String>;
    pub fn tag_name(element: &Element) -> String;
    #[wasm_bindgen(js_name = attributes_of)]
    pub fn attributes(element: &Element) -> NamedNodeMap;
    pub fn has_attributes(element: &Element) -> bool;
    pub fn shadow_root(element: &Element) -> Option<ShadowRoot>;
    pub fn namespace_uri(element: &Element) -> Option<String>;
    pub fn scroll_left(element: &Element) -> f64;
    pub fn scroll_top(element: &Element) -> f64;
    pub fn parent_node(node: &Node) -> Option<Node>;
    pub fn last_child(node: &Node) -> Option<Node>;
    pub fn previous_sibling(node: &Node) -> Option<Node>;
    pub fn is_connected(node: &Node) -> bool;
    pub fn shadow_host(root: &ShadowRoot) -> Element;
    pub fn tag_and_attributes(element: &Element) -> Option<String>;
    pub fn collect(root: &Node, ids: &js_sys::WeakMap, base: u32) -> js_sys::Object;
    pub fn next_task(callback: JsValue);
    /// The node as a ShadowRoot, by its brand rather than `instanceof`, which is false for
    /// nodes of another window (an iframe's document).
    pub fn as_shadow_root(node: &Node) -> Option<ShadowRoot>;
}

// `instanceof` (what `dyn_ref` checks) is false for a node from another window, so nodes that
// may come from an iframe's document are classified by `nodeType`.

/// The node as an element.
pub fn as_element(node: &Node) -> Option<&Element> {
    (node_type(node) == Node::ELEMENT_NODE).then(|| node.unchecked_ref())
}

/// The node as a document.
pub fn as_document(node: &Node) -> Option<&web_sys::Document> {
    (node_type(node) == Node::DOCUMENT_NODE).then(|| node.unchecked_ref())
}
