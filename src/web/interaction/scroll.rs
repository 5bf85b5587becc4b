//! Scroll offsets of the window and of any element, and the viewport size.

use super::{is_element, DOCUMENT_NODE};
use crate::interaction::events::{scroll_event, viewport_resize_event};
use crate::protocol::Timestamp;
use crate::web::dom;
use crate::web::recorder::{self, Session};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Node};

/// Emits the scroll position of `target` (the document stands for its window), read now: the
/// throttle's trailing run therefore records the final position.
pub fn record(session: &Session, target: &JsValue, now: Timestamp) {
    let node: &Node = target.unchecked_ref();
    let Some(id) = session.id_of(node) else {
        return;
    };
    let (x, y) = if dom::node_type(node) == DOCUMENT_NODE {
        window_scroll(node.unchecked_ref())
    } else if is_element(node) {
        let element = node.unchecked_ref();
        (dom::scroll_left(element), dom::scroll_top(element))
    } else {
        return;
    };
    session.emit_incremental(scroll_event(id, x, y, now), now);
}

/// The window's scroll offsets as rrweb reads them: from `scrollingElement`, else the window.
fn window_scroll(document: &Document) -> (f64, f64) {
    if let Some(root) = document.scrolling_element() {
        return (dom::scroll_left(&root), dom::scroll_top(&root));
    }
    match document.default_view() {
        Some(window) => (
            window.scroll_x().unwrap_or(0.0),
            window.scroll_y().unwrap_or(0.0),
        ),
        None => (0.0, 0.0),
    }
}

/// The page's viewport, computed as for the Meta event.
pub fn viewport_size(session: &Session) -> (u32, u32) {
    recorder::viewport_size(&session.window, &session.document)
}

pub fn record_viewport(session: &Session, width: u32, height: u32, now: Timestamp) {
    session.emit_incremental(viewport_resize_event(width, height, now), now);
}
