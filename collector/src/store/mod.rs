//! Where batches go. `Store` is what the HTTP layer needs; `SqliteStore` is the reference
//! implementation, and another backend implements the same three calls.
//!
//! The methods block (they run on tokio's blocking pool, never on the async workers).

mod sqlite;

pub use sqlite::SqliteStore;

use serde::Serialize;

use crate::envelope::Batch;

pub trait Store: Send + Sync + 'static {
    /// Store every event of the batch that is not stored yet, all or nothing: an event is
    /// identified by `(sessionId, windowId, seq + index)`, and a known one is left as it is.
    fn insert(&self, batch: &Batch<'_>) -> Result<Inserted, StoreError>;

    /// Every session, newest (by first event) first.
    fn sessions(&self) -> Result<Vec<SessionSummary>, StoreError>;

    /// The session's events as one JSON array, in replay order (by window, windows ordered by the
    /// timestamp of their first event, then by `seq`); `None` if the session has no events.
    fn events_json(&self, session_id: &str) -> Result<Option<String>, StoreError>;
}

/// What one batch added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Inserted {
    /// Events stored now.
    pub stored: u64,
    /// Events of the batch that were already stored.
    pub duplicates: u64,
}

/// One row of `GET /api/sessions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionSummary {
    pub id: String,
    /// First and last event timestamps (ms since the epoch).
    pub start: i64,
    pub end: i64,
    /// `end - start`, ms.
    pub duration: i64,
    /// Meta events with distinct `href`.
    pub pages: u64,
    pub events: u64,
    /// Stored JSON bytes of the events.
    pub bytes: u64,
}

#[derive(Debug)]
pub enum StoreError {
    /// The backend is overloaded or locked: the client should retry later.
    Busy,
    /// Anything else (the message is logged, not sent to the client).
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Busy => f.write_str("storage is busy"),
            StoreError::Failed(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for StoreError {}
