//! Clicks, presses, focus and touches: rrweb's MouseInteraction event and its pointer logic.

use crate::json::JsonWriter;
use crate::protocol::{begin_incremental, end_incremental, incremental_source, Timestamp};

/// `MouseInteractions` in `@rrweb/types`.
pub mod interaction {
    pub const MOUSE_UP: u64 = 0;
    pub const MOUSE_DOWN: u64 = 1;
    pub const CLICK: u64 = 2;
    pub const CONTEXT_MENU: u64 = 3;
    pub const DBL_CLICK: u64 = 4;
    pub const FOCUS: u64 = 5;
    pub const BLUR: u64 = 6;
    pub const TOUCH_START: u64 = 7;
    /// Retired by rrweb; reserved, never emitted.
    pub const TOUCH_MOVE_DEPARTED: u64 = 8;
    pub const TOUCH_END: u64 = 9;
    pub const TOUCH_CANCEL: u64 = 10;
}

/// `PointerTypes` in `@rrweb/types`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointerType {
    Mouse = 0,
    Pen = 1,
    Touch = 2,
}

impl PointerType {
    /// A PointerEvent's `pointerType`; other strings (an empty one, vendor values) are none.
    pub fn parse(pointer_type: &str) -> Option<PointerType> {
        match pointer_type {
            "mouse" => Some(PointerType::Mouse),
            "pen" => Some(PointerType::Pen),
            "touch" => Some(PointerType::Touch),
            _ => None,
        }
    }
}

/// The DOM events listened to and the interaction each stands for. Where the browser has
/// PointerEvent, presses come from `pointerdown`/`pointerup` (which also cover touch and
/// pen) and `touchstart`/`touchend` are not listened to, as in rrweb.
pub fn listened_events(pointer_events: bool) -> &'static [(&'static str, u64)] {
    use interaction::*;
    if pointer_events {
        &[
            ("pointerup", MOUSE_UP),
            ("pointerdown", MOUSE_DOWN),
            ("click", CLICK),
            ("contextmenu", CONTEXT_MENU),
            ("dblclick", DBL_CLICK),
            ("focus", FOCUS),
            ("blur", BLUR),
            ("touchcancel", TOUCH_CANCEL),
        ]
    } else {
        &[
            ("mouseup", MOUSE_UP),
            ("mousedown", MOUSE_DOWN),
            ("click", CLICK),
            ("contextmenu", CONTEXT_MENU),
            ("dblclick", DBL_CLICK),
            ("focus", FOCUS),
            ("blur", BLUR),
            ("touchstart", TOUCH_START),
            ("touchend", TOUCH_END),
            ("touchcancel", TOUCH_CANCEL),
        ]
    }
}

/// What kind of event carried the interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventPointer {
    /// A PointerEvent (Chrome also sends click and contextmenu as one), with its type.
    Pointer(Option<PointerType>),
    /// A TouchEvent (`changedTouches` present).
    Touch,
    /// Anything else: focus, blur, a plain MouseEvent.
    Plain,
}

/// rrweb 2.2.2's pointer bookkeeping: remembers the last press's pointer type so that a
/// following plain click can carry it, and drops `pointerType` where the interaction type
/// already says it (a mouse-down by mouse, a touch-start by touch).
#[derive(Debug, Default)]
pub struct PointerTracker {
    current: Option<PointerType>,
}

impl PointerTracker {
    /// The interaction type to record for `kind` and the `pointerType` member, if any.
    pub fn classify(&mut self, kind: u64, pointer: EventPointer) -> (u64, Option<PointerType>) {
        use interaction::*;
        let (mut recorded, mut pointer_type) = (kind, None);
        match pointer {
            EventPointer::Pointer(p) => {
                pointer_type = p;
                if p == Some(PointerType::Touch) {
                    recorded = match kind {
                        MOUSE_DOWN => TOUCH_START,
                        MOUSE_UP => TOUCH_END,
                        other => other,
                    };
                }
            }
            EventPointer::Touch => pointer_type = Some(PointerType::Touch),
            EventPointer::Plain => {}
        }
        match pointer_type {
            Some(p) => {
                self.current = Some(p);
                let is_touch_kind = matches!(
                    recorded,
                    TOUCH_START | TOUCH_MOVE_DEPARTED | TOUCH_END | TOUCH_CANCEL
                );
                let is_mouse_kind = matches!(recorded, MOUSE_UP | MOUSE_DOWN);
                if (is_touch_kind && p == PointerType::Touch)
                    || (is_mouse_kind && p == PointerType::Mouse)
                {
                    pointer_type = None;
                }
            }
            None if kind == CLICK => pointer_type = self.current.take(),
            None => {}
        }
        (recorded, pointer_type)
    }
}

/// `{source: 2, type, id, x?, y?, pointerType?}`; x/y are absent for focus and blur.
pub fn mouse_interaction_event(
    kind: u64,
    id: u32,
    point: Option<(f64, f64)>,
    pointer_type: Option<PointerType>,
    timestamp: Timestamp,
) -> String {
    let mut w = JsonWriter::with_capacity(112);
    begin_incremental(&mut w, incremental_source::MOUSE_INTERACTION);
    w.member_uint("type", kind).member_uint("id", id.into());
    if let Some((x, y)) = point {
        w.key("x").number(x).key("y").number(y);
    }
    if let Some(p) = pointer_type {
        w.member_uint("pointerType", p as u64);
    }
    end_incremental(&mut w, timestamp);
    w.into_string()
}

#[cfg(test)]
mod tests {
    use super::interaction::*;
    use super::*;
    use EventPointer::{Plain, Pointer, Touch};

    const MOUSE: EventPointer = Pointer(Some(PointerType::Mouse));
    const PEN: EventPointer = Pointer(Some(PointerType::Pen));
    const FINGER: EventPointer = Pointer(Some(PointerType::Touch));

    #[test]
    fn golden_mouse_interaction_events() {
        assert_eq!(
            mouse_interaction_event(CLICK, 12, Some((10.0, 20.5)), Some(PointerType::Mouse), 77),
            r#"{"type":3,"data":{"source":2,"type":2,"id":12,"x":10,"y":20.5,"pointerType":0},"timestamp":77}"#
        );
        assert_eq!(
            mouse_interaction_event(FOCUS, 3, None, None, 78),
            r#"{"type":3,"data":{"source":2,"type":5,"id":3},"timestamp":78}"#
        );
        assert_eq!(
            mouse_interaction_event(TOUCH_START, 4, Some((1.0, 2.0)), None, 79),
            r#"{"type":3,"data":{"source":2,"type":7,"id":4,"x":1,"y":2},"timestamp":79}"#
        );
    }

    #[test]
    fn mouse_presses_omit_the_obvious_pointer_type_and_clicks_keep_it() {
        let mut t = PointerTracker::default();
        assert_eq!(t.classify(MOUSE_DOWN, MOUSE), (MOUSE_DOWN, None));
        assert_eq!(t.classify(MOUSE_UP, MOUSE), (MOUSE_UP, None));
        // Chrome's click is a PointerEvent.
        assert_eq!(t.classify(CLICK, MOUSE), (CLICK, Some(PointerType::Mouse)));
        assert_eq!(t.classify(DBL_CLICK, Plain), (DBL_CLICK, None));
    }

    #[test]
    fn touch_pointers_become_touch_start_and_end() {
        let mut t = PointerTracker::default();
        assert_eq!(t.classify(MOUSE_DOWN, FINGER), (TOUCH_START, None));
        assert_eq!(t.classify(MOUSE_UP, FINGER), (TOUCH_END, None));
        // A plain MouseEvent click after a touch press inherits the press's pointer, once.
        assert_eq!(t.classify(CLICK, Plain), (CLICK, Some(PointerType::Touch)));
        assert_eq!(t.classify(CLICK, Plain), (CLICK, None));
    }

    #[test]
    fn pens_and_legacy_touch_events() {
        let mut t = PointerTracker::default();
        assert_eq!(
            t.classify(MOUSE_DOWN, PEN),
            (MOUSE_DOWN, Some(PointerType::Pen))
        );
        assert_eq!(t.classify(TOUCH_START, Touch), (TOUCH_START, None));
        assert_eq!(t.classify(TOUCH_CANCEL, Touch), (TOUCH_CANCEL, None));
        // An unknown pointerType is no pointer at all.
        assert_eq!(t.classify(MOUSE_DOWN, Pointer(None)), (MOUSE_DOWN, None));
        assert_eq!(
            t.classify(CLICK, Plain),
            (CLICK, Some(PointerType::Touch)),
            "the touch-cancel was the last pointer seen"
        );
    }

    #[test]
    fn listened_events_follow_pointer_event_support() {
        let with: Vec<&str> = listened_events(true).iter().map(|e| e.0).collect();
        assert!(with.contains(&"pointerdown") && !with.contains(&"touchstart"));
        let without: Vec<&str> = listened_events(false).iter().map(|e| e.0).collect();
        assert!(without.contains(&"mousedown") && without.contains(&"touchend"));
        assert_eq!(PointerType::parse("pen"), Some(PointerType::Pen));
        assert_eq!(PointerType::parse(""), None);
    }
}
