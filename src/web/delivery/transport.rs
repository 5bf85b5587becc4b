//! One HTTP request per batch: `fetch` (with `keepalive` while the page unloads), falling back
//! to `sendBeacon` when a keepalive fetch cannot be made.

use crate::config::Compression;
use js_sys::{Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, Headers, RequestInit, Response, Window};

/// What came back: a status and `Retry-After`, or nothing (network error).
pub struct Reply {
    pub status: Option<u16>,
    pub retry_after: Option<String>,
}

/// The endpoint URL with the protocol's query parameters.
pub fn request_url(endpoint: &str, base: &str, compression: Compression, version: u64) -> String {
    let absolute = crate::url::resolve(base, endpoint);
    let sep = if absolute.contains('?') { "&" } else { "?" };
    let encoding = match compression {
        Compression::Gzip => "gzip",
        Compression::None => "none",
    };
    let mut url = [&absolute, sep, "v="].concat();
    crate::json::push_u64(&mut url, version);
    url.push_str("&encoding=");
    url.push_str(encoding);
    url
}

/// Sends one body. `headers` are added only when `keepalive` is off: an unloading page must
/// send CORS-simple requests (no preflight can complete after it is gone).
pub fn start(
    window: &Window,
    url: &str,
    body: &Uint8Array,
    headers: &[(String, String)],
    keepalive: bool,
) -> Option<Promise> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(body);
    init.set_mode(web_sys::RequestMode::Cors);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    // Not in web-sys's RequestInit: set on the dictionary object directly.
    let _ = js_sys::Reflect::set(&init, &"keepalive".into(), &JsValue::from_bool(keepalive));
    let h = Headers::new().ok()?;
    h.set("Content-Type", "text/plain;charset=UTF-8").ok()?;
    if !keepalive {
        for (name, value) in headers {
            // A header the browser refuses (forbidden name) is skipped, not fatal.
            let _ = h.set(name, value);
        }
    }
    init.set_headers(&h);
    Some(window.fetch_with_str_and_init(url, &init))
}

#[wasm_bindgen]
extern "C" {
    /// A Promise, seen only through `then(on_fulfilled, on_rejected)`.
    type Thenable;
    #[wasm_bindgen(method)]
    fn then(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue);
}

/// Calls `done` once a started request settles. One JS function takes both outcomes (a
/// fetch resolves with a Response, rejects with an error), so no executor is needed for it.
pub fn finish(request: &Promise, done: Box<dyn FnOnce(Reply)>) {
    on_settled(
        request,
        Box::new(move |value: JsValue| {
            done(match value.dyn_into::<Response>() {
                Ok(response) => Reply {
                    status: Some(response.status()),
                    retry_after: response.headers().get("Retry-After").ok().flatten(),
                },
                Err(_) => Reply {
                    status: None,
                    retry_after: None,
                },
            })
        }),
    );
}

/// Calls `done` with a promise's value or its rejection reason, whichever comes: one JS
/// function for both, so no executor is needed. The caller tells them apart by type.
pub fn on_settled(promise: &Promise, done: Box<dyn FnOnce(JsValue)>) {
    let settled = Closure::<dyn FnMut(JsValue)>::once_into_js(done);
    promise.unchecked_ref::<Thenable>().then(&settled, &settled);
}

/// Hands a body to the browser to deliver after the page is gone; true if it was queued.
pub fn beacon(window: &Window, url: &str, body: &Uint8Array) -> bool {
    let parts = js_sys::Array::of1(body);
    let options = BlobPropertyBag::new();
    options.set_type("text/plain;charset=UTF-8");
    let Ok(blob) = Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return false;
    };
    window
        .navigator()
        .send_beacon_with_opt_blob(url, Some(&blob))
        .unwrap_or(false)
}

/// A JS error value for `onError` and rejected promises.
pub fn error(kind: &str, message: &str, status: Option<u16>) -> JsValue {
    let e = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&e, &"kind".into(), &kind.into());
    if let Some(status) = status {
        let _ = js_sys::Reflect::set(&e, &"status".into(), &status.into());
    }
    e.into()
}
