//! Text selection in a document, as the ids of each range's boundary containers.

use crate::interaction::events::{selection_event, SelectionRange, SelectionTracker};
use crate::web::listener::Listener;
use crate::web::recorder::{now, Session};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use web_sys::Document;

/// The selection of one document (the page's or an iframe's: each has its own).
pub struct DocSelection {
    session: Weak<Session>,
    document: Document,
    tracker: RefCell<SelectionTracker>,
}

impl DocSelection {
    pub fn watch(session: Weak<Session>, document: &Document) -> (Rc<DocSelection>, Listener) {
        let selection = Rc::new(DocSelection {
            session,
            document: document.clone(),
            tracker: RefCell::new(SelectionTracker::default()),
        });
        let listening = Rc::clone(&selection);
        let listener = Listener::new(document, "selectionchange", move |_| listening.record());
        (selection, listener)
    }

    pub fn reset(&self) {
        self.tracker.borrow_mut().reset();
    }

    pub fn record(&self) {
        let Ok(Some(selection)) = self.document.get_selection() else {
            return;
        };
        if !self
            .tracker
            .borrow_mut()
            .should_record(selection.is_collapsed())
        {
            return;
        }
        let Some(session) = self.session.upgrade() else {
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
        session.emit_incremental(&selection_event(&ranges, now), now);
    }
}
