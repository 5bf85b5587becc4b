//! The exported JS surface: `record(options)` and the `Recorder` handle.

use super::emit::Emitter;
use super::options::{to_value, FunctionTable};
use super::recorder::Session;
use crate::config::Config;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** An rrweb event (see `@rrweb/types` `eventWithTime`). */
export interface TapedeckEvent {
  type: number;
  data: any;
  timestamp: number;
}

/** Options for `record()`. An unknown option or a wrong type is an error naming it. */
export interface RecordOptions {
  /** Called with every event as a plain object, like rrweb's `record({ emit })`. */
  emit: (event: TapedeckEvent, isCheckout?: boolean) => void;
  /** Inline stylesheets as `_cssText` (default true). */
  inlineStylesheet?: boolean;
  /** How often interactions are sampled; names and defaults as rrweb's. */
  sampling?: {
    /** Mouse/touch move sampling in ms (default 50), or false to record no moves. */
    mousemove?: number | boolean;
    /** How often buffered moves are sent, in ms (default 500). */
    mousemoveCallback?: number;
    /** false records no clicks, focus, touches (default true). */
    mouseInteraction?: boolean;
    /** Scroll throttle in ms (default 100); the final position is always recorded. */
    scroll?: number;
    /** Media interaction throttle in ms (default 500). */
    media?: number;
    /** "all" records every input event (default), "last" only the value on change. */
    input?: 'all' | 'last';
  };
  /** Take a new full snapshot after this many ms since the last one. */
  checkoutEveryNms?: number;
  /** Take a new full snapshot after this many incremental events. */
  checkoutEveryNth?: number;
}

/** A running recording. */
export interface RecorderHandle {
  /** Stops recording and releases everything it holds. Calling it twice is harmless. */
  stop(): void;
  /** Emits a new Meta + FullSnapshot pair (a "checkout"). */
  takeFullSnapshot(): void;
  /** Records `{type: 5, data: {tag, payload}}`; payload must be JSON-serializable. */
  addCustomEvent(tag: string, payload?: unknown): void;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "RecordOptions")]
    pub type RecordOptions;
}

/// Starts recording the page this module runs in.
#[wasm_bindgen]
pub fn record(options: RecordOptions) -> Result<Recorder, JsError> {
    let mut functions = FunctionTable::default();
    let value = to_value(&options, &mut functions);
    let config = Config::parse(&value).map_err(|e| JsError::new(&e.to_string()))?;
    let emit = functions
        .get(config.emit)
        .cloned()
        .ok_or_else(|| JsError::new("tapedeck: option `emit` expects a function"))?;
    let window =
        web_sys::window().ok_or_else(|| JsError::new("tapedeck: record() needs a window"))?;
    let document = window
        .document()
        .ok_or_else(|| JsError::new("tapedeck: record() needs a document"))?;
    let session = Rc::new(Session::new(window, document, config, Emitter::new(emit)));
    session.start();
    Ok(Recorder {
        session: Some(session),
    })
}

/// The handle `record()` returns.
#[wasm_bindgen]
pub struct Recorder {
    session: Option<Rc<Session>>,
}

#[wasm_bindgen]
impl Recorder {
    /// Stops recording. Dropping the session releases every listener, observer and timer.
    pub fn stop(&mut self) {
        self.session = None;
    }

    #[wasm_bindgen(js_name = takeFullSnapshot)]
    pub fn take_full_snapshot(&self) {
        if let Some(session) = &self.session {
            session.full_snapshot(true);
        }
    }

    #[wasm_bindgen(js_name = addCustomEvent)]
    pub fn add_custom_event(&self, tag: &str, payload: JsValue) -> Result<(), JsError> {
        let Some(session) = &self.session else {
            return Ok(());
        };
        let payload = if payload.is_undefined() {
            JsValue::NULL
        } else {
            payload
        };
        let json = js_sys::JSON::stringify(&payload)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                JsError::new(
                    "tapedeck: addCustomEvent(tag, payload) expects a JSON-serializable payload",
                )
            })?;
        session.custom_event(tag, &json);
        Ok(())
    }
}
