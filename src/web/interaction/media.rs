//! Play, pause, seek, volume and rate changes of audio and video elements.

use super::throttler::Throttler;
use super::{event_node, is_element, upper_tag};
use crate::interaction::events::{media, media_event, MediaState};
use crate::web::listener::Listener;
use crate::web::recorder::Session;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use web_sys::{EventTarget, HtmlMediaElement, Node};

/// One throttle per media element and event kind (`sampling.media`, default 500 ms). rrweb
/// shares one per kind across all elements, which can drop a second video's event.
pub type Media = Throttler<(Node, u64)>;

pub fn media(session: Weak<Session>, wait_ms: u32) -> Rc<Media> {
    Throttler::new(wait_ms, move |(node, kind): &(Node, u64), now| {
        let Some(session) = session.upgrade() else {
            return;
        };
        let Some(id) = session.id_of(node) else {
            return;
        };
        let element: &HtmlMediaElement = node.unchecked_ref();
        let state = MediaState {
            current_time: element.current_time(),
            volume: element.volume(),
            muted: element.muted(),
            playback_rate: element.playback_rate(),
            looped: element.loop_(),
        };
        session.emit_incremental(&media_event(*kind, id, &state, now), now);
    })
}

/// Media events neither bubble nor cross shadow roots; capture sees them on the way down.
pub fn listen(throttler: &Rc<Media>, target: &EventTarget) -> Vec<Listener> {
    media::EVENTS
        .iter()
        .map(|&(name, kind)| {
            let throttler = Rc::clone(throttler);
            Listener::new(target, name, move |event| {
                let Some(node) = event_node(&event) else {
                    return;
                };
                // By tag, not `instanceof`: an iframe's elements come from another realm.
                if is_element(&node) && matches!(upper_tag(&node).as_str(), "VIDEO" | "AUDIO") {
                    throttler.call((node, kind));
                }
            })
        })
        .collect()
}
