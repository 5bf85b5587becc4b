//! Delivery to an endpoint: batching, gzip, retries and a queue that survives reloads.
//! Pure logic; `web/delivery` does the sending, the timers and the storage.

pub mod batch;
pub mod body;
pub mod gzip;
pub mod queue;
pub mod retry;
pub mod session;
