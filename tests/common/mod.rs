//! What every browser test file shares: the page helpers and a `Sink` that records with
//! `record()` and collects each emitted event. Files add their own `impl Sink` methods.
#![allow(dead_code)] // each test file uses a different part

use serde_json::Value;
use tapedeck::web::{record, RecordOptions, Recorder};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Runs `code` as the body of a function and returns its result.
pub fn js(code: &str) -> JsValue {
    js_sys::Function::new_no_args(code)
        .call0(&JsValue::NULL)
        .unwrap()
}

pub async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// Puts `html` into the fixture container (scripts in it do not run) and scrolls to the top.
/// The runner's own output elements elsewhere in the body must stay: it reads test results
/// from them.
pub fn fixture(html: &str) {
    let doc = document();
    let container = doc.get_element_by_id("fixture").unwrap_or_else(|| {
        let div = doc.create_element("div").unwrap();
        div.set_id("fixture");
        doc.body().unwrap().append_child(&div).unwrap();
        div
    });
    container.set_inner_html(html);
    web_sys::window().unwrap().scroll_to_with_x_and_y(0.0, 0.0);
}

/// A recorder whose `emit` pushes every event into `events`.
pub struct Sink {
    pub events: js_sys::Array,
    pub recorder: Recorder,
}

impl Sink {
    /// Records with default options (only `emit`).
    pub fn start() -> Sink {
        Self::try_with(&[]).unwrap_or_else(|e| panic!("record() failed: {e}"))
    }

    /// Records with `options` added to `emit`; `Err` carries record()'s error message.
    pub fn try_with(options: &[(&str, JsValue)]) -> Result<Sink, String> {
        let object = js_sys::Object::new();
        for (k, v) in options {
            js_sys::Reflect::set(&object, &(*k).into(), v).unwrap();
        }
        Self::try_with_object(object.into())
    }

    /// Records with options given as JSON (`emit` is added).
    pub fn with(options: Value) -> Sink {
        let object = js_sys::JSON::parse(&options.to_string()).unwrap();
        Self::try_with_object(object).unwrap_or_else(|e| panic!("record() failed: {e}"))
    }

    fn try_with_object(options: JsValue) -> Result<Sink, String> {
        let events = js_sys::Array::new();
        let push = js_sys::Function::new_with_args("e", "this.push(e)").bind0(&events);
        js_sys::Reflect::set(&options, &"emit".into(), &push).unwrap();
        match record(options.unchecked_into::<RecordOptions>()) {
            Ok(recorder) => Ok(Sink { events, recorder }),
            Err(e) => Err(JsValue::from(e)
                .unchecked_into::<js_sys::Error>()
                .message()
                .into()),
        }
    }

    /// Everything emitted so far, as one JSON array.
    pub fn json(&self) -> String {
        js_sys::JSON::stringify(&self.events)
            .unwrap()
            .as_string()
            .unwrap()
    }

    pub fn events(&self) -> Vec<Value> {
        serde_json::from_str(&self.json()).unwrap()
    }

    /// Every incremental event of `source`, whole (with its timestamp).
    pub fn of(&self, source: u64) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|e| e["type"] == 3 && e["data"]["source"] == source)
            .collect()
    }

    /// The `data` of every incremental event of `source`, in order.
    pub fn data(&self, source: u64) -> Vec<Value> {
        self.of(source)
            .into_iter()
            .map(|e| e["data"].clone())
            .collect()
    }
}

impl Sink {
    /// `recorder.flush()`: everything observed so far is emitted when it returns.
    pub async fn flush(&self) {
        wasm_bindgen_futures::JsFuture::from(self.recorder.flush())
            .await
            .unwrap();
    }
}
