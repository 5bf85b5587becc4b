//! Text selection in a document, as the ids of each range's boundary containers.

use crate::interaction::events::{selection_event, SelectionRange};
use crate::web::recorder::{now, Session};
use wasm_bindgen::JsCast;
use web_sys::{Document, Node, Selection};

/// `document` must be a Document node (the caller checks its node type: `instanceof` would
/// reject an iframe's, which comes from another realm).
fn selection_of(document: &Node) -> Option<Selection> {
    document
        .unchecked_ref::<Document>()
        .get_selection()
        .ok()
        .flatten()
}

/// Whether the document's selection is a caret (or empty); `None` if it has no selection.
pub fn is_collapsed(document: &Node) -> Option<bool> {
    selection_of(document).map(|s| s.is_collapsed())
}

/// Emits every range of the document's selection whose containers the replay knows.
pub fn record(session: &Session, document: &Node) {
    let Some(selection) = selection_of(document) else {
        return;
    };
    let mut ranges = Vec::new();
    for index in 0..selection.range_count() {
        let Ok(range) = selection.get_range_at(index) else {
            continue;
        };
        let (Ok(start), Ok(end)) = (range.start_container(), range.end_container()) else {
            continue;
        };
        // A range into nodes the replay does not have cannot be shown: skip it.
        let (Some(start), Some(end)) = (session.id_of(&start), session.id_of(&end)) else {
            continue;
        };
        ranges.push(SelectionRange {
            start,
            start_offset: range.start_offset().unwrap_or(0),
            end,
            end_offset: range.end_offset().unwrap_or(0),
        });
    }
    let now = now();
    session.emit_incremental(selection_event(&ranges, now), now);
}
