//! DOM reads on the walk's hot path, through the prototypes' own getters.
//!
//! A page can shadow properties of a `<form>` (and of `document`) with named elements:
//! `<input name="firstChild">` makes `form.firstChild` that input. web-sys reads properties off
//! the object, so a walk through it would skip or repeat nodes. These read the getters once
//! from `Node.prototype` / `Element.prototype` and call them directly, which no markup can
//! shadow (wasm-bindgen's `final` would look the descriptor up again on every call).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Node, ShadowRoot};

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    pub fn first_child(node: &Node) -> Option<Node>;
    pub fn next_sibling(node: &Node) -> Option<Node>;
    pub fn node_type(node: &Node) -> u16;
    pub fn node_value(node: &Node) -> Option<String>;
    pub fn tag_name(element: &Element) -> String;
    pub fn shadow_root(element: &Element) -> Option<ShadowRoot>;
    pub fn namespace_uri(element: &Element) -> Option<String>;
    pub fn scroll_left(element: &Element) -> f64;
    pub fn scroll_top(element: &Element) -> f64;
    pub fn is_scrolled(element: &Element) -> bool;
    pub fn parent_node(node: &Node) -> Option<Node>;
    pub fn last_child(node: &Node) -> Option<Node>;
    pub fn previous_sibling(node: &Node) -> Option<Node>;
    pub fn is_connected(node: &Node) -> bool;
    pub fn shadow_host(root: &ShadowRoot) -> Element;
    /// A node's kind with its tag and attributes or its text, in one crossing (see glue.js).
    pub fn read_node(node: &Node) -> String;
    pub fn collect_start(root: &Node, ids: &js_sys::WeakMap, base: u32) -> JsValue;
    pub fn collect_step(collect: &JsValue, deadline: f64) -> bool;
    pub fn collect_cancel(collect: &JsValue);
    pub fn collect_nodes(collect: &JsValue) -> js_sys::Array;
    pub fn forget_range(nodes: &js_sys::Array, ids: &js_sys::WeakMap, first: u32, last: u32);
    pub fn collect_end(collect: &JsValue) -> js_sys::Int32Array;
    pub fn collect_flags(collect: &JsValue) -> js_sys::Uint8Array;
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
