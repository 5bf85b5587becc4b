//! Play, pause, seek, volume and rate changes of audio and video elements.
//!
//! Throttled per element and event kind (`sampling.media`, default 500 ms). rrweb shares one
//! throttle per kind across all elements, which can drop a second video's event.

use super::{is_element, upper_tag};
use crate::interaction::events::{media_event, MediaState};
use crate::protocol::Timestamp;
use crate::web::recorder::Session;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlMediaElement, Node};

/// By tag, not `instanceof`: an iframe's elements come from another realm.
pub fn is_media(node: &Node) -> bool {
    is_element(node) && matches!(upper_tag(node).as_str(), "VIDEO" | "AUDIO")
}

/// Emits the element's playback state as it is now.
pub fn record(session: &Session, target: &JsValue, kind: u64, now: Timestamp) {
    let Some(id) = session.id_of(target.unchecked_ref()) else {
        return;
    };
    let element: &HtmlMediaElement = target.unchecked_ref();
    let state = MediaState {
        current_time: element.current_time(),
        volume: element.volume(),
        muted: element.muted(),
        playback_rate: element.playback_rate(),
        looped: element.loop_(),
    };
    session.emit_incremental(media_event(kind, id, &state, now), now);
}
