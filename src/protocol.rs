//! The rrweb wire model: event and node numbers, and the writers for whole events.
//!
//! Numbers are explicit and fixed by rrweb 2.x (`@rrweb/types`); never reorder or reuse them.

use crate::json::JsonWriter;

/// `EventType` in `@rrweb/types`.
pub mod event_type {
    pub const DOM_CONTENT_LOADED: u64 = 0;
    pub const LOAD: u64 = 1;
    pub const FULL_SNAPSHOT: u64 = 2;
    pub const INCREMENTAL_SNAPSHOT: u64 = 3;
    pub const META: u64 = 4;
    pub const CUSTOM: u64 = 5;
    pub const PLUGIN: u64 = 6;
}

/// `NodeType` in `@rrweb/types`.
pub mod node_type {
    pub const DOCUMENT: u64 = 0;
    pub const DOCUMENT_TYPE: u64 = 1;
    pub const ELEMENT: u64 = 2;
    pub const TEXT: u64 = 3;
    pub const CDATA: u64 = 4;
    pub const COMMENT: u64 = 5;
}

/// `IncrementalSource` in `@rrweb/types`.
pub mod incremental_source {
    pub const MUTATION: u64 = 0;
    pub const MOUSE_MOVE: u64 = 1;
    pub const MOUSE_INTERACTION: u64 = 2;
    pub const SCROLL: u64 = 3;
    pub const VIEWPORT_RESIZE: u64 = 4;
    pub const INPUT: u64 = 5;
    pub const TOUCH_MOVE: u64 = 6;
    pub const MEDIA_INTERACTION: u64 = 7;
    pub const STYLE_SHEET_RULE: u64 = 8;
    pub const CANVAS_MUTATION: u64 = 9;
    pub const FONT: u64 = 10;
    /// Retired by rrweb (console logs moved to a plugin); reserved, never emitted.
    pub const LOG: u64 = 11;
    pub const DRAG: u64 = 12;
    pub const STYLE_DECLARATION: u64 = 13;
    pub const SELECTION: u64 = 14;
    pub const ADOPTED_STYLE_SHEET: u64 = 15;
    pub const CUSTOM_ELEMENT: u64 = 16;
}

/// Opens an IncrementalSnapshot event `{"type":3,"data":{"source":S` ; the caller adds the
/// data members, then calls [`end_incremental`].
pub fn begin_incremental(w: &mut JsonWriter, source: u64) {
    begin_event(w, event_type::INCREMENTAL_SNAPSHOT);
    w.begin_object().member_uint("source", source);
}

pub fn end_incremental(w: &mut JsonWriter, timestamp: Timestamp) {
    w.end_object();
    end_event(w, timestamp);
}

/// Milliseconds since the Unix epoch, as `Date.now()` gives them.
pub type Timestamp = u64;

/// Opens `{"type":T,"data":` ; the caller writes the data, then calls [`end_event`].
pub fn begin_event(w: &mut JsonWriter, event_type: u64) {
    w.begin_object().member_uint("type", event_type).key("data");
}

pub fn end_event(w: &mut JsonWriter, timestamp: Timestamp) {
    w.member_uint("timestamp", timestamp).end_object();
}

/// `{"type":4,"data":{"href","width","height"}}`, sent before every full snapshot.
pub fn meta_event(href: &str, width: u32, height: u32, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(96 + href.len());
    begin_event(&mut w, event_type::META);
    w.begin_object()
        .member_str("href", href)
        .member_uint("width", width.into())
        .member_uint("height", height.into())
        .end_object();
    end_event(&mut w, timestamp);
    w.into_string()
}

/// `{"type":5,"data":{"tag","payload"}}`; `payload_json` is already-serialized JSON.
pub fn custom_event(tag: &str, payload_json: &str, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(48 + tag.len() + payload_json.len());
    begin_event(&mut w, event_type::CUSTOM);
    w.begin_object()
        .member_str("tag", tag)
        .key("payload")
        .raw(payload_json)
        .end_object();
    end_event(&mut w, timestamp);
    w.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_golden() {
        assert_eq!(
            meta_event(
                "http://127.0.0.1:8000/a?b=\"c\"",
                1024,
                768,
                1_700_000_000_123
            ),
            r#"{"type":4,"data":{"href":"http://127.0.0.1:8000/a?b=\"c\"","width":1024,"height":768},"timestamp":1700000000123}"#
        );
    }

    #[test]
    fn custom_golden() {
        assert_eq!(
            custom_event("checkout", r#"{"step":2,"ok":true}"#, 5),
            r#"{"type":5,"data":{"tag":"checkout","payload":{"step":2,"ok":true}},"timestamp":5}"#
        );
    }
}
