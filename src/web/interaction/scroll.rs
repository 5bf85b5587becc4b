//! Scrolls of the window and of any element, and viewport resizes.

use super::throttler::Throttler;
use super::{event_node, is_element, DOCUMENT_NODE};
use crate::interaction::events::{
    scroll_event, viewport_resize_event, ViewportTracker, VIEWPORT_RESIZE_MS,
};
use crate::protocol::Timestamp;
use crate::web::dom;
use crate::web::listener::Listener;
use crate::web::recorder::{viewport_size, Session};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use web_sys::{Document, EventTarget, Node, Window};

/// One throttle per scrolled node (the document stands for the window).
pub type Scrolls = Throttler<Node>;

pub fn scrolls(session: Weak<Session>, wait_ms: u32) -> Rc<Scrolls> {
    Throttler::new(wait_ms, move |node: &Node, now| {
        if let Some(session) = session.upgrade() {
            record(&session, node, now);
        }
    })
}

/// Scroll events do not bubble, but a capturing listener on the document (or shadow root)
/// sees every element's scroll before it reaches the element.
pub fn listen(scrolls: &Rc<Scrolls>, target: &EventTarget) -> Listener {
    let scrolls = Rc::clone(scrolls);
    Listener::new(target, "scroll", move |event| {
        if let Some(node) = event_node(&event) {
            scrolls.call(node);
        }
    })
}

fn record(session: &Session, node: &Node, now: Timestamp) {
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
    session.emit_incremental(&scroll_event(id, x, y, now), now);
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

/// ViewportResize on the page's window, throttled like rrweb (200 ms) and sent only when the
/// size (computed as for the Meta event) changed. Iframe windows are not watched: the replay
/// reads ViewportResize as the size of the whole recording.
pub fn watch_viewport(session: Weak<Session>, window: &Window) -> Listener {
    let tracker = RefCell::new(ViewportTracker::default());
    let throttle = Throttler::new(VIEWPORT_RESIZE_MS as u32, move |_: &(), now| {
        let Some(session) = session.upgrade() else {
            return;
        };
        let (width, height) = viewport_size(&session.window, &session.document);
        if tracker.borrow_mut().changed(width, height) {
            session.emit_incremental(&viewport_resize_event(width, height, now), now);
        }
    });
    Listener::new(window, "resize", move |_| throttle.call(()))
}
