//! The only layer that touches the DOM and JS: it turns page state into the plain values the
//! pure modules take, and their output into events for the page.

mod api;
mod delivery;
mod dom;
mod emit;
mod interaction;
mod listener;
mod mirror;
mod mutation;
mod options;
mod patch;
mod privacy;
mod recorder;
mod serialize;
mod stylesheet;
mod stylesheets;
mod walk;

pub use api::{record, RecordOptions, Recorder};
