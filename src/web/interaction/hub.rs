//! The one object every listener, timer and setter hook of the part calls into.
//!
//! All of them are the same closure type (`hub.handle(event, what)`, `hub.fire(key)`): each
//! distinct Rust closure handed to JS costs its own glue in the wasm, so the part routes by
//! a small `What` value instead of capturing a different closure per event kind.

use super::{event_node, input, media, pointer, scroll, selection, DOCUMENT_NODE};
use crate::interaction::events::{SelectionTracker, ViewportTracker, VIEWPORT_RESIZE_MS};
use crate::interaction::throttle::{Keyed, Ms, Throttled};
use crate::protocol::Timestamp;
use crate::web::dom;
use crate::web::listener::Listener;
use crate::web::recorder::{now, Session};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use web_sys::{Event, EventTarget, Node};

/// What an event or a throttled run is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// A move event; the incremental source its positions go under.
    Move(u64),
    /// Sending the buffered moves.
    FlushMoves,
    /// A press, click, focus or touch; the rrweb interaction type.
    Click(u64),
    Scroll,
    Resize,
    Input,
    /// A media event; the rrweb media interaction type.
    Media(u64),
    Selection,
}

/// A throttled action: the node it reads (null for window-wide ones) and what it does.
type Key = (JsValue, What);

pub struct Hub {
    pub session: Weak<Session>,
    pub moves: Option<pointer::Moves>,
    pub clicks: Option<pointer::Clicks>,
    pub inputs: input::Inputs,
    scroll_ms: Ms,
    media_ms: Ms,
    throttles: RefCell<Keyed<Key, Timeout>>,
    viewport: RefCell<ViewportTracker>,
    /// Each document's selection state (the page's and every watched iframe's).
    selections: RefCell<Vec<(Node, SelectionTracker)>>,
}

impl Hub {
    pub fn new(
        session: Weak<Session>,
        moves: Option<pointer::Moves>,
        clicks: Option<pointer::Clicks>,
        inputs: input::Inputs,
        scroll_ms: u32,
        media_ms: u32,
    ) -> Rc<Hub> {
        Rc::new(Hub {
            session,
            moves,
            clicks,
            inputs,
            scroll_ms: scroll_ms.into(),
            media_ms: media_ms.into(),
            throttles: RefCell::new(Keyed::default()),
            viewport: RefCell::new(ViewportTracker::default()),
            selections: RefCell::new(Vec::new()),
        })
    }

    /// Listens for `name` on `target` (capture, passive) and routes it as `what`.
    pub fn listen(
        self: &Rc<Self>,
        target: &EventTarget,
        name: &'static str,
        what: What,
    ) -> Listener {
        let hub = Rc::clone(self);
        Listener::new(target, name, move |event| hub.handle(&event, what))
    }

    fn handle(self: &Rc<Self>, event: &Event, what: What) {
        let Some(session) = self.session.upgrade() else {
            return;
        };
        match what {
            What::Move(source) => pointer::on_move(self, &session, event, source),
            What::Click(kind) => pointer::on_click(self, &session, event, kind),
            What::Resize => self.throttle(JsValue::NULL, what),
            _ => {
                let Some(node) = event_node(event) else {
                    return;
                };
                match what {
                    What::Scroll => self.throttle(node.into(), what),
                    What::Media(_) if media::is_media(&node) => self.throttle(node.into(), what),
                    What::Input => self.inputs.record(&session, &node),
                    What::Selection => {
                        // Chrome also fires selectionchange at text controls.
                        let document = if dom::node_type(&node) == DOCUMENT_NODE {
                            Some(node)
                        } else {
                            node.owner_document().map(Node::from)
                        };
                        if let Some(document) = document {
                            self.record_selection(&session, &document);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Runs `what` for `target` through its throttle.
    pub fn throttle(self: &Rc<Self>, target: JsValue, what: What) {
        let wait = match what {
            What::FlushMoves => self.moves.as_ref().map_or(0, |m| m.flush_ms),
            What::Media(_) => self.media_ms,
            What::Resize => VIEWPORT_RESIZE_MS,
            _ => self.scroll_ms,
        };
        let now = now();
        let key = (target, what);
        let (action, stale_timer) = self.throttles.borrow_mut().hit(&key, wait, now);
        drop(stale_timer);
        match action {
            Throttled::Now => self.run(&key, now),
            Throttled::Later(ms) => {
                let hub = Rc::downgrade(self);
                let fired = key.clone();
                let delay = u32::try_from(ms).unwrap_or(u32::MAX);
                let timer = Timeout::new(delay, move || {
                    if let Some(hub) = hub.upgrade() {
                        hub.fire(fired);
                    }
                });
                self.throttles.borrow_mut().set_timer(&key, timer);
            }
            Throttled::Pending => {}
        }
    }

    fn fire(&self, key: Key) {
        let now = now();
        let timer = self.throttles.borrow_mut().timer_fired(&key, now);
        self.run(&key, now);
        drop(timer);
    }

    fn run(&self, (target, what): &Key, now: Timestamp) {
        let Some(session) = self.session.upgrade() else {
            return;
        };
        match *what {
            What::FlushMoves => self.flush_moves(&session),
            What::Scroll => scroll::record(&session, target, now),
            What::Media(kind) => media::record(&session, target, kind, now),
            What::Resize => {
                let (width, height) = scroll::viewport_size(&session);
                if self.viewport.borrow_mut().changed(width, height) {
                    scroll::record_viewport(&session, width, height, now);
                }
            }
            _ => {}
        }
    }

    /// Sends the buffered moves now.
    pub fn flush_moves(&self, session: &Session) {
        if let Some(moves) = &self.moves {
            moves.flush(session);
        }
    }

    /// Records the selection of `document` (a Document node) if its tracker says so.
    pub fn record_selection(&self, session: &Session, document: &Node) {
        let is_collapsed = match selection::is_collapsed(document) {
            Some(collapsed) => collapsed,
            None => return,
        };
        let record = {
            let mut trackers = self.selections.borrow_mut();
            let index = match trackers.iter().position(|(d, _)| d == document) {
                Some(index) => index,
                None => {
                    trackers.push((document.clone(), SelectionTracker::default()));
                    trackers.len() - 1
                }
            };
            trackers[index].1.should_record(is_collapsed)
        };
        if record {
            selection::record(session, document);
        }
    }

    /// Iframe documents are watched afresh after each full snapshot; the state of ones that
    /// left the page must not keep them alive.
    pub fn forget_frame_selections(&self, main: &Node) {
        self.selections.borrow_mut().retain(|(d, _)| d == main);
    }
}
