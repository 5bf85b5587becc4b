//! Mouse, touch and drag moves (sampled and batched) and clicks, presses, focus, touches.

use super::{client_x, client_y, is_touch, pointer_type, target_with_id};
use crate::interaction::moves::{MoveBuffer, Position};
use crate::interaction::pointer::{
    listened_events, mouse_interaction_event, EventPointer, PointerTracker, PointerType,
};
use crate::interaction::throttle::{Sampler, Throttled};
use crate::protocol::incremental_source::{DRAG, MOUSE_MOVE, TOUCH_MOVE};
use crate::web::listener::Listener;
use crate::web::recorder::{now, Session};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use web_sys::{Event, EventTarget};

/// Each move event and the source its positions are sent under.
const MOVE_EVENTS: [(&str, u64); 3] = [
    ("mousemove", MOUSE_MOVE),
    ("touchmove", TOUCH_MOVE),
    ("drag", DRAG),
];

/// Moves sampled every `sampling.mousemove` ms, sent in batches every `mousemoveCallback` ms.
/// Positions still buffered when recording stops are dropped, as rrweb does: the page's
/// `stop()` means no event after it.
pub struct Moves {
    session: Weak<Session>,
    sampler: RefCell<Sampler>,
    buffer: RefCell<MoveBuffer>,
    timer: RefCell<Option<Timeout>>,
}

impl Moves {
    pub fn new(session: Weak<Session>, sample_ms: u32, flush_ms: u32) -> Rc<Moves> {
        Rc::new(Moves {
            session,
            sampler: RefCell::new(Sampler::new(sample_ms.into())),
            buffer: RefCell::new(MoveBuffer::new(flush_ms.into())),
            timer: RefCell::new(None),
        })
    }

    pub fn listen(self: &Rc<Self>, target: &EventTarget) -> Vec<Listener> {
        MOVE_EVENTS
            .iter()
            .map(|&(name, source)| {
                let moves = Rc::clone(self);
                Listener::new(target, name, move |event| moves.on_move(&event, source))
            })
            .collect()
    }

    fn on_move(self: &Rc<Self>, event: &Event, source: u64) {
        let now = now();
        if !self.sampler.borrow_mut().accept(now) {
            return;
        }
        let Some(session) = self.session.upgrade() else {
            return;
        };
        let Some((_, id)) = target_with_id(&session, event) else {
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
        let (earlier, action) = self.buffer.borrow_mut().add(source, position, now);
        if let Some(earlier) = earlier {
            session.emit_incremental(&earlier, now);
        }
        match action {
            Throttled::Now => {
                let stale = self.timer.borrow_mut().take();
                drop(stale);
                self.flush(&session);
            }
            Throttled::Later(ms) => {
                let weak = Rc::downgrade(self);
                let delay = u32::try_from(ms).unwrap_or(u32::MAX);
                let timer = Timeout::new(delay, move || {
                    if let Some(moves) = weak.upgrade() {
                        moves.timer_fired();
                    }
                });
                *self.timer.borrow_mut() = Some(timer);
            }
            Throttled::Pending => {}
        }
    }

    fn timer_fired(&self) {
        let now = now();
        let timer = self.timer.borrow_mut().take();
        let event = self.buffer.borrow_mut().timer_fired(now);
        if let (Some(session), Some(event)) = (self.session.upgrade(), event) {
            session.emit_incremental(&event, now);
        }
        drop(timer);
    }

    /// Sends whatever is buffered now.
    pub fn flush(&self, session: &Session) {
        let now = now();
        let event = self.buffer.borrow_mut().take_event(now);
        if let Some(event) = event {
            session.emit_incremental(&event, now);
        }
    }
}

/// Presses, clicks, focus and touches (`sampling.mouseInteraction`).
pub struct Clicks {
    session: Weak<Session>,
    tracker: RefCell<PointerTracker>,
    events: &'static [(&'static str, u64)],
}

impl Clicks {
    pub fn new(session: Weak<Session>, pointer_events: bool) -> Rc<Clicks> {
        Rc::new(Clicks {
            session,
            tracker: RefCell::new(PointerTracker::default()),
            events: listened_events(pointer_events),
        })
    }

    pub fn listen(self: &Rc<Self>, target: &EventTarget) -> Vec<Listener> {
        self.events
            .iter()
            .map(|&(name, kind)| {
                let clicks = Rc::clone(self);
                Listener::new(target, name, move |event| clicks.on_event(&event, kind))
            })
            .collect()
    }

    fn on_event(&self, event: &Event, kind: u64) {
        let touch = is_touch(event);
        let pointer = match pointer_type(event) {
            Some(name) => EventPointer::Pointer(PointerType::parse(&name)),
            None if touch => EventPointer::Touch,
            None => EventPointer::Plain,
        };
        let (kind, pointer) = self.tracker.borrow_mut().classify(kind, pointer);
        let (x, y) = (client_x(event), client_y(event));
        let point = (x.is_finite() && y.is_finite()).then_some((x, y));
        if touch && point.is_none() {
            // A touch event without a changed touch has nowhere to point at.
            return;
        }
        let Some(session) = self.session.upgrade() else {
            return;
        };
        let Some((_, id)) = target_with_id(&session, event) else {
            return;
        };
        let now = now();
        let json = mouse_interaction_event(kind, id, point, pointer, now);
        session.emit_incremental(&json, now);
    }
}
