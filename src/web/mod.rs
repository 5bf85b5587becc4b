//! The only layer that touches the DOM and JS: it turns page state into the plain values the
//! pure modules take, and their output into events for the page.

mod api;
mod dom;
mod emit;
mod interaction;
mod listener;
mod mirror;
mod options;
mod patch;
mod recorder;
mod stylesheet;
mod walk;

pub use api::{record, RecordOptions, Recorder};
