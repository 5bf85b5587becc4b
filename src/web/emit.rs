//! Hands finished events to the page's `emit` callback as plain JS objects.

use js_sys::{Function, JSON};
use std::cell::Cell;
use wasm_bindgen::JsValue;

/// Calls `emit(event, isCheckout)` for one event given as JSON text. An exception thrown by the
/// page's callback is caught and logged (once per recorder), never rethrown into the page.
pub struct Emitter {
    callback: Function,
    reported_failure: Cell<bool>,
}

impl Emitter {
    pub fn new(callback: Function) -> Self {
        Emitter {
            callback,
            reported_failure: Cell::new(false),
        }
    }

    /// Never call this while holding a borrow of recorder state: the callback may call back
    /// into the recorder (e.g. `addCustomEvent` from inside `emit`).
    pub fn emit(&self, json: &str, is_checkout: bool) {
        let result = JSON::parse(json).and_then(|event| {
            self.callback.call2(
                &JsValue::UNDEFINED,
                &event,
                &JsValue::from_bool(is_checkout),
            )
        });
        if let Err(error) = result {
            if !self.reported_failure.replace(true) {
                web_sys::console::error_2(
                    &JsValue::from_str(
                        "tapedeck: the emit callback threw; later failures are not logged:",
                    ),
                    &error,
                );
            }
        }
    }
}
