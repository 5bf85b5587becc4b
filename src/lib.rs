//! Tapedeck: session recording for the web, emitting rrweb events.
//!
//! Pure modules (config, cssom, interaction, mutation, protocol, privacy, url, json, snapshot)
//! build and test on the host; `web/` is the only place that touches the DOM and JS.

pub mod config;
pub mod cssom;
pub mod delivery;
pub mod interaction;
pub mod json;
pub mod mutation;
pub mod privacy;
pub mod protocol;
pub mod snapshot;
pub mod url;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod web;
