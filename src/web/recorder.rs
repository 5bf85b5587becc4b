//! One recording: its config, mirror and emitter. Two recorders share nothing.

use super::emit::Emitter;
use super::listener::Listener;
use super::mirror::Mirror;
use super::walk::{Walk, WalkOptions};
use crate::config::Config;
use crate::privacy::InputPolicy;
use crate::protocol::{custom_event, meta_event, Timestamp};
use crate::snapshot::NodeEncoder;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use web_sys::{Document, Window};

/// Nodes visited per walk step. The snapshot runs to completion for now; the step size is
/// where splitting the walk across tasks will hook in.
const WALK_STEP_NODES: usize = 4096;

pub struct Session {
    window: Window,
    document: Document,
    emitter: Emitter,
    state: RefCell<State>,
    /// Waits for DOMContentLoaded when `record()` ran while the document was still parsing.
    deferred_start: RefCell<Option<Listener>>,
    /// Events asked for before the first snapshot, sent right after it: a replay starts at a
    /// Meta + FullSnapshot pair, so nothing may precede them.
    early_events: RefCell<Option<Vec<String>>>,
}

struct State {
    config: Config,
    mirror: Mirror,
    inputs: InputPolicy,
}

pub fn now() -> Timestamp {
    js_sys::Date::now() as Timestamp
}

impl Session {
    pub fn new(window: Window, document: Document, config: Config, emitter: Emitter) -> Self {
        let state = State {
            config,
            mirror: Mirror::default(),
            inputs: InputPolicy,
        };
        Session {
            window,
            document,
            emitter,
            state: RefCell::new(state),
            deferred_start: RefCell::new(None),
            early_events: RefCell::new(None),
        }
    }

    /// Takes the first full snapshot now, or once the document has been parsed: a snapshot of
    /// a half-parsed page would miss everything after the script tag.
    pub fn start(self: &Rc<Self>) {
        if self.document.ready_state() != "loading" {
            self.full_snapshot(false);
            return;
        }
        *self.early_events.borrow_mut() = Some(Vec::new());
        let weak: Weak<Session> = Rc::downgrade(self);
        let listener = Listener::new(&self.document, "DOMContentLoaded", move |_| {
            if let Some(session) = weak.upgrade() {
                let listener = session.deferred_start.borrow_mut().take();
                let early = session.early_events.borrow_mut().take().unwrap_or_default();
                session.full_snapshot(false);
                for event in &early {
                    session.emitter.emit(event, false);
                }
                drop(listener);
            }
        });
        *self.deferred_start.borrow_mut() = Some(listener);
    }

    fn started(&self) -> bool {
        self.early_events.borrow().is_none()
    }

    /// Emits a Meta event, then a FullSnapshot, then one Mutation per same-origin iframe
    /// document. Events are produced under the state borrow and emitted after it is released,
    /// because `emit` may call back into the recorder.
    pub fn full_snapshot(&self, is_checkout: bool) {
        if is_checkout && !self.started() {
            // The first snapshot is still to come.
            return;
        }
        let events = self.snapshot_events();
        for event in &events {
            self.emitter.emit(event, is_checkout);
        }
    }

    fn snapshot_events(&self) -> Vec<String> {
        let Ok(mut state) = self.state.try_borrow_mut() else {
            return Vec::new();
        };
        let state = &mut *state;
        state.mirror.reset();
        let timestamp = now();
        let href = self.document.url().unwrap_or_default();
        let (width, height) = viewport_size(&self.window, &self.document);
        let mut events = vec![meta_event(&href, width, height, timestamp)];

        let options = WalkOptions {
            inline_stylesheet: state.config.snapshot.inline_stylesheet,
            inputs: &state.inputs,
            custom_elements: Some(self.window.custom_elements()),
        };
        let mut walk = Walk::new(
            NodeEncoder::full_snapshot(),
            &self.document,
            false,
            &mut state.mirror,
            &options,
        );
        while !walk.step(WALK_STEP_NODES) {}
        let (enc, mut frames) = walk.finish();
        let top = self.window.scroll_y().unwrap_or(0.0).round() as i64;
        let left = self.window.scroll_x().unwrap_or(0.0).round() as i64;
        events.push(enc.finish_full_snapshot(top, left, timestamp));

        // Iframe documents, including iframes nested inside them, each as its own attach event.
        let mut index = 0;
        while index < frames.len() {
            let frame = &frames[index];
            let enc = NodeEncoder::attach_subtree(frame.iframe_id);
            let mut walk = Walk::new(enc, &frame.document, true, &mut state.mirror, &options);
            while !walk.step(WALK_STEP_NODES) {}
            let (enc, nested) = walk.finish();
            events.push(enc.finish_attach_subtree(timestamp));
            frames.extend(nested);
            index += 1;
        }
        events
    }

    pub fn custom_event(&self, tag: &str, payload_json: &str) {
        self.emitter
            .emit(&custom_event(tag, payload_json, now()), false);
    }
}

fn viewport_size(window: &Window, document: &Document) -> (u32, u32) {
    let read = |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
        v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32
    };
    let mut width = read(window.inner_width());
    let mut height = read(window.inner_height());
    if let Some(root) = document.document_element() {
        if width == 0 {
            width = root.client_width() as u32;
        }
        if height == 0 {
            height = root.client_height() as u32;
        }
    }
    (width, height)
}
