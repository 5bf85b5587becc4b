//! Writers for the one-shot interaction events (scroll, resize, input, media, selection) and
//! the small state each keeps between events.

use crate::json::JsonWriter;
use crate::protocol::{begin_incremental, end_incremental, incremental_source, Timestamp};

/// `{source: 3, id, x, y}`: scroll offsets of an element, or of the window (id = document).
pub fn scroll_event(id: u32, x: f64, y: f64, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(80);
    begin_incremental(&mut w, incremental_source::SCROLL);
    w.member_uint("id", id.into())
        .key("x")
        .number(x)
        .key("y")
        .number(y);
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// rrweb throttles window resizes to one per this many ms.
pub const VIEWPORT_RESIZE_MS: u64 = 200;

/// `{source: 4, width, height}`.
pub fn viewport_resize_event(width: u32, height: u32, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(80);
    begin_incremental(&mut w, incremental_source::VIEWPORT_RESIZE);
    w.member_uint("width", width.into())
        .member_uint("height", height.into());
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// Sends a resize only when the size differs from the last one sent.
#[derive(Debug, Default)]
pub struct ViewportTracker {
    last: Option<(u32, u32)>,
}

impl ViewportTracker {
    pub fn changed(&mut self, width: u32, height: u32) -> bool {
        let changed = self.last != Some((width, height));
        self.last = Some((width, height));
        changed
    }
}

/// `{source: 5, text, isChecked, id}`; `text` must already be what the privacy engine allows.
pub fn input_event(id: u32, text: &str, is_checked: bool, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(80 + text.len());
    begin_incremental(&mut w, incremental_source::INPUT);
    w.member_str("text", text)
        .member_bool("isChecked", is_checked)
        .member_uint("id", id.into());
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// `MediaInteractions` in `@rrweb/types`, with the media event that stands for each.
pub mod media {
    pub const PLAY: u64 = 0;
    pub const PAUSE: u64 = 1;
    pub const SEEKED: u64 = 2;
    pub const VOLUME_CHANGE: u64 = 3;
    pub const RATE_CHANGE: u64 = 4;

    pub const EVENTS: [(&str, u64); 5] = [
        ("play", PLAY),
        ("pause", PAUSE),
        ("seeked", SEEKED),
        ("volumechange", VOLUME_CHANGE),
        ("ratechange", RATE_CHANGE),
    ];
}

/// A media element's playback state as read when the event is recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MediaState {
    pub current_time: f64,
    pub volume: f64,
    pub muted: bool,
    pub playback_rate: f64,
    pub looped: bool,
}

/// `{source: 7, type, id, currentTime, volume, muted, playbackRate, loop}`.
pub fn media_event(kind: u64, id: u32, state: &MediaState, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(160);
    begin_incremental(&mut w, incremental_source::MEDIA_INTERACTION);
    w.member_uint("type", kind)
        .member_uint("id", id.into())
        .key("currentTime")
        .number(state.current_time)
        .key("volume")
        .number(state.volume)
        .member_bool("muted", state.muted)
        .key("playbackRate")
        .number(state.playback_rate)
        .member_bool("loop", state.looped);
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// One selected range, as ids of its boundary containers and offsets in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelectionRange {
    pub start: u32,
    pub start_offset: u32,
    pub end: u32,
    pub end_offset: u32,
}

/// `{source: 14, ranges: [{start, startOffset, end, endOffset}]}`.
pub fn selection_event(ranges: &[SelectionRange], timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(64 + ranges.len() * 64);
    begin_incremental(&mut w, incremental_source::SELECTION);
    w.key("ranges").begin_array();
    for r in ranges {
        w.begin_object()
            .member_uint("start", r.start.into())
            .member_uint("startOffset", r.start_offset.into())
            .member_uint("end", r.end.into())
            .member_uint("endOffset", r.end_offset.into())
            .end_object();
    }
    w.end_array();
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// rrweb's rule for `selectionchange`: a collapsed selection (a caret) is recorded only when
/// it follows a real one, so the replay clears the highlight once and carets stay quiet.
#[derive(Debug)]
pub struct SelectionTracker {
    collapsed: bool,
}

impl Default for SelectionTracker {
    fn default() -> Self {
        SelectionTracker { collapsed: true }
    }
}

impl SelectionTracker {
    pub fn should_record(&mut self, is_collapsed: bool) -> bool {
        if self.collapsed && is_collapsed {
            return false;
        }
        self.collapsed = is_collapsed;
        true
    }

    /// A new full snapshot carries no selection: the next real one must be recorded again.
    pub fn reset(&mut self) {
        self.collapsed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_scroll_and_resize() {
        assert_eq!(
            scroll_event(1, 0.0, 250.5, 10),
            r#"{"type":3,"data":{"source":3,"id":1,"x":0,"y":250.5},"timestamp":10}"#
        );
        assert_eq!(
            viewport_resize_event(1024, 700, 11),
            r#"{"type":3,"data":{"source":4,"width":1024,"height":700},"timestamp":11}"#
        );
    }

    #[test]
    fn golden_input() {
        assert_eq!(
            input_event(9, "*****", false, 12),
            r#"{"type":3,"data":{"source":5,"text":"*****","isChecked":false,"id":9},"timestamp":12}"#
        );
        assert_eq!(
            input_event(10, "a\"b", true, 13),
            r#"{"type":3,"data":{"source":5,"text":"a\"b","isChecked":true,"id":10},"timestamp":13}"#
        );
    }

    #[test]
    fn golden_media() {
        let state = MediaState {
            current_time: 3.25,
            volume: 0.5,
            muted: false,
            playback_rate: 1.0,
            looped: true,
        };
        assert_eq!(
            media_event(media::PAUSE, 5, &state, 14),
            r#"{"type":3,"data":{"source":7,"type":1,"id":5,"currentTime":3.25,"volume":0.5,"muted":false,"playbackRate":1,"loop":true},"timestamp":14}"#
        );
        assert_eq!(media::EVENTS[3], ("volumechange", media::VOLUME_CHANGE));
    }

    #[test]
    fn golden_selection() {
        let range = SelectionRange {
            start: 4,
            start_offset: 1,
            end: 6,
            end_offset: 3,
        };
        assert_eq!(
            selection_event(&[range], 15),
            r#"{"type":3,"data":{"source":14,"ranges":[{"start":4,"startOffset":1,"end":6,"endOffset":3}]},"timestamp":15}"#
        );
        assert_eq!(
            selection_event(&[], 16),
            r#"{"type":3,"data":{"source":14,"ranges":[]},"timestamp":16}"#
        );
    }

    #[test]
    fn carets_are_recorded_only_after_a_selection() {
        let mut t = SelectionTracker::default();
        assert!(!t.should_record(true), "a caret at start is not recorded");
        assert!(t.should_record(false));
        assert!(t.should_record(false), "every change of a real selection");
        assert!(t.should_record(true), "the collapse that clears it");
        assert!(!t.should_record(true));
        t.should_record(false);
        t.reset();
        assert!(!t.should_record(true));
    }

    #[test]
    fn resize_only_when_the_size_changes() {
        let mut t = ViewportTracker::default();
        assert!(t.changed(800, 600));
        assert!(!t.changed(800, 600));
        assert!(t.changed(800, 601));
    }
}
