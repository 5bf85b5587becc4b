//! Records what the user does: pointer moves and presses, scrolls, resizes, form input, media
//! playback and text selection, as rrweb IncrementalSnapshot events.
//!
//! One [`hub::Hub`] serves the page's document and every root the snapshot finds (open
//! shadow roots, same-origin iframe documents), each root with its own listeners and, for
//! iframe windows, its own prototype patches. Dropping the part removes all of it.

mod hub;
mod input;
mod media;
mod pointer;
mod scroll;
mod selection;

use super::dom;
use super::listener::Listener;
use super::patch::Patch;
use super::recorder::{Part, Session};
use crate::config::{MEDIA_SAMPLE_MS, SCROLL_SAMPLE_MS};
use crate::interaction::events::media::EVENTS as MEDIA_EVENTS;
use hub::{Hub, What};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Event, EventTarget, Node};

const ELEMENT_NODE: u16 = 1;
const DOCUMENT_NODE: u16 = 9;
const DOCUMENT_FRAGMENT_NODE: u16 = 11;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    /// The event's innermost target: `composedPath()[0]`, so a target inside an open shadow
    /// root is itself and not its host. `None` if it is not a node.
    fn event_node(event: &Event) -> Option<Node>;
    /// Client coordinates of a mouse event, or of a touch event's first changed touch; NaN
    /// when the event has none (focus, blur).
    fn client_x(event: &Event) -> f64;
    fn client_y(event: &Event) -> f64;
    /// A PointerEvent's `pointerType`; `None` for other events.
    fn pointer_type(event: &Event) -> Option<String>;
    /// A TouchEvent (it has `changedTouches`).
    fn is_touch(event: &Event) -> bool;
    fn has_pointer_events(window: &JsValue) -> bool;
    /// `window[name].prototype`, looked up in that window so an iframe's own classes are used.
    fn prototype_of(window: &JsValue, name: &str) -> Option<js_sys::Object>;
}

/// Starts recording interactions on the page's document and window.
pub fn start(session: &Rc<Session>) -> Rc<dyn Part> {
    let sampling = session.sampling();
    let hub = Hub::new(
        Rc::downgrade(session),
        sampling
            .mousemove
            .map(|ms| pointer::Moves::new(ms, sampling.mousemove_flush)),
        sampling
            .mouse_interaction
            .then(|| pointer::Clicks::new(has_pointer_events(&session.window))),
        input::Inputs::new(sampling.input),
        nonzero_or(sampling.scroll, SCROLL_SAMPLE_MS),
        nonzero_or(sampling.media, MEDIA_SAMPLE_MS),
    );
    let main = watch(&hub, session.document.as_ref());
    // Only the page's window: the replay reads ViewportResize as the size of the recording.
    let resize = hub.listen(&session.window, "resize", What::Resize);
    Rc::new(Interactions {
        roots: RefCell::new(Vec::new()),
        main,
        _resize: resize,
        hub,
        started: Cell::new(false),
    })
}

/// rrweb reads `sampling.scroll || 100`: zero means the default, not "no throttle".
fn nonzero_or(ms: u32, default: u32) -> u32 {
    if ms == 0 {
        default
    } else {
        ms
    }
}

/// The part. Fields drop in order: listeners and patches first, then the hub and its timers.
struct Interactions {
    /// Shadow roots and iframe documents, re-found by every full snapshot.
    roots: RefCell<Vec<Watch>>,
    main: Option<Watch>,
    _resize: Listener,
    hub: Rc<Hub>,
    /// Set after the first full snapshot.
    started: Cell<bool>,
}

/// What one root added to the page.
struct Watch {
    root: Node,
    _listeners: Vec<Listener>,
    _patches: Vec<Patch>,
}

fn watch(hub: &Rc<Hub>, root: &Node) -> Option<Watch> {
    let target: &EventTarget = root.as_ref();
    let listen = |name, what| hub.listen(target, name, what);
    let mut listeners = vec![listen("scroll", What::Scroll)];
    for name in hub.inputs.events {
        listeners.push(listen(name, What::Input));
    }
    for (name, kind) in MEDIA_EVENTS {
        listeners.push(listen(name, What::Media(kind)));
    }
    let mut patches = Vec::new();
    match dom::node_type(root) {
        DOCUMENT_NODE => {
            if hub.moves.is_some() {
                for (name, source) in pointer::MOVE_EVENTS {
                    listeners.push(listen(name, What::Move(source)));
                }
            }
            if let Some(clicks) = &hub.clicks {
                for &(name, kind) in clicks.events {
                    listeners.push(listen(name, What::Click(kind)));
                }
            }
            listeners.push(listen("selectionchange", What::Selection));
            if let Some(window) = root.unchecked_ref::<Document>().default_view() {
                patches = input::patch(hub, &window);
            }
        }
        // Pointer, focus and input events are composed and reach the document's listeners
        // with the inner target first in their path; scroll, change, media events and events
        // a script dispatches without `composed` stop at the shadow root, so it gets its own.
        DOCUMENT_FRAGMENT_NODE => {}
        _ => return None,
    }
    Some(Watch {
        root: root.clone(),
        _listeners: listeners,
        _patches: patches,
    })
}

impl Part for Interactions {
    fn before_snapshot(&self, session: &Session) {
        // Buffered positions carry ids of the snapshot being replaced: send them before it.
        self.hub.flush_moves(session);
        self.hub.forget_frame_selections(session.document.as_ref());
        // The snapshot hands every live root back through `watch_root`; roots that left the
        // page are released here.
        let stale = std::mem::take(&mut *self.roots.borrow_mut());
        drop(stale);
    }

    fn flush(&self, session: &Session) {
        self.hub.flush_moves(session);
    }

    fn after_snapshot(&self, session: &Session) {
        // The selection the page starts with, once, as rrweb does. Not after every checkout:
        // with `checkoutEveryNth: 1` that event would itself trigger the next checkout.
        if !self.started.replace(true) {
            self.hub
                .record_selection(session, session.document.as_ref());
        }
    }

    fn watch_root(&self, _session: &Session, root: &Node) {
        let known = self.main.as_ref().is_some_and(|m| m.root == *root)
            || self.roots.borrow().iter().any(|w| w.root == *root);
        if known {
            return;
        }
        if let Some(watch) = watch(&self.hub, root) {
            self.roots.borrow_mut().push(watch);
        }
    }
}

/// The node an event happened on, if the replay knows it: `(node, id)`.
fn target_with_id(session: &Session, event: &Event) -> Option<(Node, u32)> {
    let node = event_node(event)?;
    let id = session.id_of(&node)?;
    Some((node, id))
}

fn is_element(node: &Node) -> bool {
    dom::node_type(node) == ELEMENT_NODE
}

/// An element's tag name in upper case (XHTML documents report it in lower case).
fn upper_tag(node: &Node) -> String {
    dom::tag_name(node.unchecked_ref()).to_ascii_uppercase()
}
