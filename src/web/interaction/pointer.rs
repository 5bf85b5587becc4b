//! Mouse, touch and drag moves (sampled and batched) and clicks, presses, focus, touches.

use super::hub::{Hub, What};
use super::{client_x, client_y, is_touch, pointer_type, target_with_id};
use crate::interaction::moves::{MoveBuffer, Position};
use crate::interaction::pointer::{
    listened_events, mouse_interaction_event, EventPointer, PointerTracker, PointerType,
};
use crate::interaction::throttle::{Ms, Sampler};
use crate::protocol::incremental_source::{DRAG, MOUSE_MOVE, TOUCH_MOVE};
use crate::web::recorder::{now, Session};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Event;

/// Each move event and the source its positions are sent under.
pub const MOVE_EVENTS: [(&str, u64); 3] = [
    ("mousemove", MOUSE_MOVE),
    ("touchmove", TOUCH_MOVE),
    ("drag", DRAG),
];

/// Moves sampled every `sampling.mousemove` ms, sent in batches every `mousemoveCallback` ms.
/// Positions still buffered when recording stops are sent by `stop()` itself (rrweb drops
/// them); no event arrives after `stop()` returns.
pub struct Moves {
    sampler: RefCell<Sampler>,
    buffer: RefCell<MoveBuffer>,
    pub flush_ms: Ms,
}

impl Moves {
    pub fn new(sample_ms: u32, flush_ms: u32) -> Moves {
        Moves {
            sampler: RefCell::new(Sampler::new(sample_ms.into())),
            buffer: RefCell::new(MoveBuffer::default()),
            flush_ms: flush_ms.into(),
        }
    }

    /// Sends whatever is buffered now.
    pub fn flush(&self, session: &Session) {
        let now = now();
        let event = self.buffer.borrow_mut().take_event(now);
        if let Some(event) = event {
            session.emit_incremental(event, now);
        }
    }
}

pub fn on_move(hub: &Rc<Hub>, session: &Session, event: &Event, source: u64) {
    let Some(moves) = &hub.moves else {
        return;
    };
    let now = now();
    if !moves.sampler.borrow_mut().accept(now) {
        return;
    }
    let Some((_, id)) = target_with_id(session, event) else {
        return;
    };
    let (x, y) = (client_x(event), client_y(event));
    if !x.is_finite() || !y.is_finite() {
        return;
    }
    let position = Position {
        x,
        y,
        id,
        time: now,
    };
    let earlier = moves.buffer.borrow_mut().add(source, position, now);
    if let Some(earlier) = earlier {
        session.emit_incremental(earlier, now);
    }
    hub.throttle(JsValue::NULL, What::FlushMoves);
}

/// Presses, clicks, focus and touches (`sampling.mouseInteraction`).
pub struct Clicks {
    tracker: RefCell<PointerTracker>,
    pub events: &'static [(&'static str, u64)],
}

impl Clicks {
    pub fn new(pointer_events: bool) -> Clicks {
        Clicks {
            tracker: RefCell::new(PointerTracker::default()),
            events: listened_events(pointer_events),
        }
    }
}

pub fn on_click(hub: &Hub, session: &Session, event: &Event, kind: u64) {
    let Some(clicks) = &hub.clicks else {
        return;
    };
    let touch = is_touch(event);
    let pointer = match pointer_type(event) {
        Some(name) => EventPointer::Pointer(PointerType::parse(&name)),
        None if touch => EventPointer::Touch,
        None => EventPointer::Plain,
    };
    let (kind, pointer) = clicks.tracker.borrow_mut().classify(kind, pointer);
    let (x, y) = (client_x(event), client_y(event));
    let point = (x.is_finite() && y.is_finite()).then_some((x, y));
    if touch && point.is_none() {
        // A touch event without a changed touch has nowhere to point at.
        return;
    }
    let Some((_, id)) = target_with_id(session, event) else {
        return;
    };
    let now = now();
    let json = mouse_interaction_event(kind, id, point, pointer, now);
    session.emit_incremental(json, now);
}
