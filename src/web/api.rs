//! The exported JS surface: `record(options)` and the `Recorder` handle.

use super::delivery::Delivery;
use super::emit::Emitter;
use super::options::{to_value, FunctionTable};
use super::privacy::PrivacyGuard;
use super::recorder::Session;
use crate::config::{Config, FnRef};
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
  /**
   * Called with every event as a plain object, like rrweb's `record({ emit })`. `endpoint`,
   * `emit` or both must be given.
   */
  emit?: (event: TapedeckEvent, isCheckout?: boolean) => void;
  /** Where batches of events are POSTed (same- or cross-origin); see PROTOCOL.md. */
  endpoint?: string;
  /** Extra request headers (not sent on page unload, where requests must be CORS-simple). */
  headers?: Record<string, string>;
  /** Time between batches in ms (default 3000). */
  flushIntervalMs?: number;
  /** Largest batch, in bytes of event JSON before compression (default 524288). */
  maxBatchBytes?: number;
  /** Largest queue of undelivered events in bytes; past it the oldest are dropped, never silently (default 4194304). */
  maxQueueBytes?: number;
  /** "gzip" (default, done in wasm) or "none". */
  compression?: 'gzip' | 'none';
  /** Leave out ids implied by the events' structure on the wire (protocol v3, about 40 % fewer gzip bytes for a snapshot); false sends protocol v1, every event in full, for a collector that does not speak v3 (default true). */
  impliedIds?: boolean;
  /** Told about delivery problems: a batch rejected or too large, data dropped. */
  onError?: (error: Error & { kind: 'rejected' | 'too-large' | 'dropped'; status?: number }) => void;
  /** Fraction of sessions recorded, decided once per session (default 1). */
  sampleRate?: number;
  /** Nothing is sent until the session has lasted this long, in ms (default 0). */
  minimumDurationMs?: number;
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
  /**
   * What is masked by default: "balanced" (default: every form value; e-mail addresses and
   * card numbers in text), "strict" (also all text; images, media, canvas, iframes blocked) or
   * "relaxed" (form values recorded except passwords, e-mail, telephone and payment fields).
   */
  privacy?: 'strict' | 'balanced' | 'relaxed';
  /** Text inside elements with this class is masked (default "rr-mask"). */
  maskTextClass?: string;
  /** Text inside elements matching this selector is masked. */
  maskTextSelector?: string;
  /** Text inside elements matching this selector is recorded (nearest marker wins). */
  unmaskTextSelector?: string;
  /** Elements with this class become empty placeholders of their size (default "rr-block"). */
  blockClass?: string;
  /** Elements matching this selector become empty placeholders of their size. */
  blockSelector?: string;
  /** Inputs with this class (or inside one) produce no input events (default "rr-ignore"). */
  ignoreClass?: string;
  /** Per input type (and "textarea", "select"): true masks, false records. Never unmasks passwords. */
  maskInputOptions?: Partial<Record<
    'checkbox' | 'color' | 'date' | 'datetime-local' | 'email' | 'hidden' | 'month' | 'number' |
    'password' | 'radio' | 'range' | 'search' | 'select' | 'tel' | 'text' | 'textarea' | 'time' |
    'url' | 'week', boolean>>;
  /** Replaces the default masking of input values ("*" per character). */
  maskInputFn?: (text: string, element: HTMLElement) => string;
  /** Replaces the default masking of page text (each non-space character becomes "*"). */
  maskTextFn?: (text: string, element: HTMLElement | null) => string;
  /** Record nothing when the browser sends Do Not Track or Global Privacy Control (default false). */
  respectDoNotTrack?: boolean;
  /** Take a new full snapshot after this many ms since the last one. */
  checkoutEveryNms?: number;
  /** Take a new full snapshot after this many incremental events. */
  checkoutEveryNth?: number;
}

/** A running recording. */
export interface RecorderHandle {
  /** False once stopped, or when nothing is recorded by choice (see `reason`). */
  readonly recording: boolean;
  /** Why nothing is recorded: "do-not-track" (`respectDoNotTrack`) or "sampled-out" (`sampleRate`). */
  readonly reason?: string;
  /**
   * Stops recording and releases everything it holds; what was recorded is flushed. The
   * Promise settles when it is delivered or stored. Calling it twice is harmless.
   */
  stop(): Promise<void>;
  /**
   * Emits what is still held (DOM changes during a mutation storm, buffered pointer moves) at
   * once; settles once everything recorded so far is delivered to the endpoint or stored.
   */
  flush(): Promise<void>;
  /** Emits a new Meta + FullSnapshot pair (a "checkout"). */
  takeFullSnapshot(): void;
  /** Records `{type: 5, data: {tag, payload}}`; payload must be JSON-serializable. */
  addCustomEvent(tag: string, payload?: unknown): void;
}
"#;

/// The wasm heap: talc in place of Rust's default dlmalloc, several KB smaller and no slower on
/// the allocation-heavy snapshot path.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
    let config = Config::parse(&value).map_err(|e| JsError::new(&e.message()))?;
    let function = |f: Option<FnRef>| f.and_then(|f| functions.get(f).cloned());
    let window =
        web_sys::window().ok_or_else(|| JsError::new("tapedeck: record() needs a window"))?;
    let document = window
        .document()
        .ok_or_else(|| JsError::new("tapedeck: record() needs a document"))?;
    PrivacyGuard::validate(&config, &document).map_err(|e| JsError::new(&e))?;
    if config.respect_do_not_track && do_not_track(&window) {
        return Ok(Recorder::idle(DO_NOT_TRACK));
    }
    let delivery = match &config.delivery {
        Some(d) => match Delivery::open(d.clone(), window.clone(), function(config.on_error)) {
            Ok(delivery) => Some(delivery),
            Err(reason) => return Ok(Recorder::idle(reason)),
        },
        None => None,
    };
    let emitter = function(config.emit).map(Emitter::new);
    let privacy = PrivacyGuard::new(
        &config,
        function(config.mask_input_fn),
        function(config.mask_text_fn),
    );
    let session = Rc::new(Session::new(
        window, document, config, emitter, delivery, privacy,
    ));
    session.start();
    Ok(Recorder {
        session: Some(session),
        reason: None,
    })
}

/// Why a recorder records nothing when the visitor asked not to be tracked.
const DO_NOT_TRACK: &str = "do-not-track";

/// Do Not Track (`navigator.doNotTrack`, or the older `window.doNotTrack`) or Global Privacy
/// Control (`navigator.globalPrivacyControl`).
fn do_not_track(window: &web_sys::Window) -> bool {
    let get = |target: &JsValue, name: &str| {
        js_sys::Reflect::get(target, &name.into()).unwrap_or(JsValue::UNDEFINED)
    };
    let navigator = get(window, "navigator");
    let dnt = |v: JsValue| v.as_string().is_some_and(|s| s == "1" || s == "yes");
    dnt(get(&navigator, "doNotTrack"))
        || dnt(get(window, "doNotTrack"))
        || get(&navigator, "globalPrivacyControl") == JsValue::TRUE
}

/// The handle `record()` returns.
#[wasm_bindgen]
pub struct Recorder {
    session: Option<Rc<Session>>,
    /// Set when the recorder records nothing by the page's or the visitor's choice.
    reason: Option<&'static str>,
}

impl Recorder {
    fn idle(reason: &'static str) -> Recorder {
        Recorder {
            session: None,
            reason: Some(reason),
        }
    }
}

#[wasm_bindgen]
impl Recorder {
    /// Settles once the first full snapshot has been emitted (it may take several tasks on a
    /// large page); at once when nothing is recorded.
    #[wasm_bindgen(getter)]
    pub fn snapshotted(&self) -> js_sys::Promise {
        match &self.session {
            Some(session) => session.snapshotted(),
            None => js_sys::Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    /// Emits at once what was observed and still waits (DOM changes held back during a
    /// mutation storm, buffered pointer moves); the Promise settles once everything recorded
    /// so far is delivered to the endpoint, or stored to be sent on a later attempt (at once
    /// when there is no endpoint).
    pub fn flush(&self) -> js_sys::Promise {
        if let Some(session) = &self.session {
            session.flush_parts();
        }
        match self.session.as_ref().and_then(|s| s.delivery().cloned()) {
            Some(delivery) => delivery.flush(),
            None => js_sys::Promise::resolve(&JsValue::UNDEFINED),
        }
    }

    /// False when nothing is being recorded: stopped, or not started because of `reason`.
    #[wasm_bindgen(getter)]
    pub fn recording(&self) -> bool {
        self.session.is_some()
    }

    /// Why nothing is recorded (`"do-not-track"`), if that is the case.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> Option<String> {
        self.reason.map(String::from)
    }

    /// Stops recording: every listener, observer, timer and patch is released, and what was
    /// recorded is flushed. The Promise settles when it is delivered or stored.
    pub fn stop(&mut self) -> js_sys::Promise {
        let flushed = self.flush();
        self.session = None;
        flushed
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
