//! User interactions as rrweb IncrementalSnapshot events: the sampling and throttling state
//! machines and the event writers. Pure: the web layer reads the DOM, passes plain values and
//! the time in, and emits what comes out.

pub mod events;
pub mod moves;
pub mod pointer;
pub mod throttle;
