//! Records what the user does: pointer moves and presses, scrolls, resizes, form input, media
//! playback and text selection, as rrweb IncrementalSnapshot events.
//!
//! One set of observers serves the page's document and every root the snapshot finds (open
//! shadow roots, same-origin iframe documents), each root with its own listeners and, for
//! iframe windows, its own prototype patches. Dropping the part removes all of it.

mod input;
mod media;
mod pointer;
mod scroll;
mod selection;
mod throttler;

use super::dom;
use super::listener::Listener;
use super::patch::Patch;
use super::recorder::{Part, Session};
use crate::config::{MEDIA_SAMPLE_MS, SCROLL_SAMPLE_MS};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Event, EventTarget, Node};

const ELEMENT_NODE: u16 = 1;
const DOCUMENT_NODE: u16 = 9;
const DOCUMENT_FRAGMENT_NODE: u16 = 11;

#[wasm_bindgen(inline_js = r#"
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
"#)]
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
    let weak = Rc::downgrade(session);
    let observers = Observers {
        moves: sampling
            .mousemove
            .map(|ms| pointer::Moves::new(weak.clone(), ms, sampling.mousemove_flush)),
        clicks: sampling
            .mouse_interaction
            .then(|| pointer::Clicks::new(weak.clone(), has_pointer_events(&session.window))),
        scrolls: scroll::scrolls(weak.clone(), nonzero_or(sampling.scroll, SCROLL_SAMPLE_MS)),
        inputs: input::Inputs::new(weak.clone(), sampling.input),
        media: media::media(weak.clone(), nonzero_or(sampling.media, MEDIA_SAMPLE_MS)),
        session: weak.clone(),
    };
    let main = observers.watch(session.document.as_ref());
    let resize = scroll::watch_viewport(weak, &session.window);
    Rc::new(Interactions {
        roots: RefCell::new(Vec::new()),
        main,
        _resize: resize,
        observers,
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

/// The part. Fields drop in order: listeners and patches first, then the shared state.
struct Interactions {
    /// Shadow roots and iframe documents, re-found by every full snapshot.
    roots: RefCell<Vec<Watch>>,
    main: Option<Watch>,
    _resize: Listener,
    observers: Observers,
}

/// State shared by every watched root; each observer is off when its sampling says so.
struct Observers {
    moves: Option<Rc<pointer::Moves>>,
    clicks: Option<Rc<pointer::Clicks>>,
    scrolls: Rc<scroll::Scrolls>,
    inputs: Rc<input::Inputs>,
    media: Rc<media::Media>,
    session: Weak<Session>,
}

/// What one root added to the page.
struct Watch {
    root: Node,
    selection: Option<Rc<selection::DocSelection>>,
    _listeners: Vec<Listener>,
    _patches: Vec<Patch>,
}

impl Observers {
    fn watch(&self, root: &Node) -> Option<Watch> {
        let target: &EventTarget = root.as_ref();
        let mut listeners = Vec::new();
        let mut patches = Vec::new();
        let mut selection = None;
        match dom::node_type(root) {
            DOCUMENT_NODE => {
                let document: &Document = root.unchecked_ref();
                if let Some(moves) = &self.moves {
                    listeners.extend(moves.listen(target));
                }
                if let Some(clicks) = &self.clicks {
                    listeners.extend(clicks.listen(target));
                }
                listeners.push(scroll::listen(&self.scrolls, target));
                listeners.extend(self.inputs.listen(target));
                listeners.extend(media::listen(&self.media, target));
                let (doc_selection, listener) =
                    selection::DocSelection::watch(self.session.clone(), document);
                listeners.push(listener);
                selection = Some(doc_selection);
                if let Some(window) = document.default_view() {
                    patches = self.inputs.patch(&window);
                }
            }
            // Pointer, focus and input events are composed and reach the document's listeners
            // with the inner target first in their path; scroll, change, media events and
            // events a script dispatches without `composed` stop at the shadow root.
            DOCUMENT_FRAGMENT_NODE => {
                listeners.push(scroll::listen(&self.scrolls, target));
                listeners.extend(self.inputs.listen(target));
                listeners.extend(media::listen(&self.media, target));
            }
            _ => return None,
        }
        Some(Watch {
            root: root.clone(),
            selection,
            _listeners: listeners,
            _patches: patches,
        })
    }
}

impl Part for Interactions {
    fn before_snapshot(&self, session: &Session) {
        // Buffered positions carry ids of the snapshot being replaced: send them before it.
        if let Some(moves) = &self.observers.moves {
            moves.flush(session);
        }
        // The snapshot hands every live root back through `watch_root`; roots that left the
        // page are released here.
        let stale = std::mem::take(&mut *self.roots.borrow_mut());
        drop(stale);
    }

    fn after_snapshot(&self, _session: &Session) {
        // A snapshot carries no selection: record the current one again, if there is one.
        if let Some(selection) = self.main.as_ref().and_then(|m| m.selection.as_ref()) {
            selection.reset();
            selection.record();
        }
    }

    fn watch_root(&self, _session: &Session, root: &Node) {
        let known = self.main.as_ref().is_some_and(|m| m.root == *root)
            || self.roots.borrow().iter().any(|w| w.root == *root);
        if known {
            return;
        }
        if let Some(watch) = self.observers.watch(root) {
            self.roots.borrow_mut().push(watch);
        }
    }
}

/// The node an event happened on, if it is an element the replay knows: `(node, id)`.
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
