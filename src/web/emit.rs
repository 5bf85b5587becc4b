//! Hands finished events to the page's `emit` callback as plain JS objects.

use super::walk::Chunk;
use js_sys::{Function, JSON};
use std::cell::Cell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    fn assembly_new() -> JsValue;
    #[wasm_bindgen(catch)]
    fn assembly_add(
        assembly: &JsValue,
        text: &str,
        from: u32,
        kept: u32,
        to: u32,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    fn parse_parts(parts: &js_sys::Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    fn assembly_finish(assembly: &JsValue, shell: &str) -> Result<JsValue, JsValue>;
}

/// A FullSnapshot's node tree as JS objects, built from the walk's chunks a slice at a time:
/// the large snapshot is never parsed (nor held as JSON in wasm) in one piece.
pub struct Assembly(JsValue);

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
        self.call(JSON::parse(json), is_checkout);
    }

    /// [`emit`](Self::emit) for an event whose JSON text is in parts (JS strings).
    pub fn emit_parts(&self, parts: &js_sys::Array, is_checkout: bool) {
        self.call(parse_parts(parts), is_checkout);
    }

    pub fn begin_assembly(&self) -> Assembly {
        Assembly(assembly_new())
    }

    /// Parses one chunk of the snapshot into the tree.
    pub fn add_chunk(&self, assembly: &Assembly, chunk: Chunk<'_>) {
        if let Err(error) = assembly_add(&assembly.0, chunk.text, chunk.from, chunk.kept, chunk.to)
        {
            self.report(&error);
        }
    }

    /// Emits the assembled snapshot; `shell` is the event's JSON with `null` for the node.
    /// The same borrow rule as [`emit`](Self::emit).
    pub fn emit_assembled(&self, assembly: Assembly, shell: &str, is_checkout: bool) {
        self.call(assembly_finish(&assembly.0, shell), is_checkout);
    }

    fn call(&self, event: Result<JsValue, JsValue>, is_checkout: bool) {
        let result = event.and_then(|event| {
            self.callback.call2(
                &JsValue::UNDEFINED,
                &event,
                &JsValue::from_bool(is_checkout),
            )
        });
        if let Err(error) = result {
            self.report(&error);
        }
    }

    fn report(&self, error: &JsValue) {
        if !self.reported_failure.replace(true) {
            web_sys::console::error_2(
                &JsValue::from_str(
                    "tapedeck: the emit callback threw; later failures are not logged:",
                ),
                error,
            );
        }
    }
}
