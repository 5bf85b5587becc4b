//! Sending events to an endpoint (PROTOCOL.md): batches are cut by size and on a timer,
//! compressed, kept in localStorage until the collector confirms them, sent one at a time in
//! order, retried with backoff, split on 413, and flushed with keepalive requests when the page
//! is hidden or unloads. Undelivered batches are resent on the next page load.

mod storage;
mod transport;

use super::dom;
use super::listener::Listener;
use super::recorder::{now, Session};
use crate::config::{Compression, DeliveryConfig};
use crate::delivery::batch::Batcher;
use crate::delivery::body::BodyWriter;
use crate::delivery::queue::{BatchKey, Dropped, Pending, Queue};
use crate::delivery::retry::{classify, Backoff, Outcome};
use crate::delivery::session::{new_id, resume, SessionState, WindowState};
use crate::json::{push_u64, JsonWriter};
use gloo_timers::callback::{Interval, Timeout};
use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use storage::Stores;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Window;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    /// A Promise of `bytes` gzipped by the browser, or null without `CompressionStream`.
    fn gzip_native(bytes: &[u8]) -> JsValue;
    fn has_compression_stream() -> bool;
}

/// Browsers refuse keepalive requests once 64 KiB are in flight; unload chunks stay below.
const UNLOAD_BUDGET_BYTES: usize = 60 * 1024;
/// A batch at least this large (a full snapshot of a large page) is compressed across tasks,
/// so no task spends more than about `GZIP_SLICE_MS` on it.
const SLICED_GZIP_BYTES: usize = 256 * 1024;
const GZIP_SLICE_MS: f64 = 8.0;
/// Input compressed between two looks at the clock.
const GZIP_PIECE_BYTES: usize = 32 * 1024;
/// The Custom event tag that records data dropped to respect `maxQueueBytes`.
pub const DROPPED_TAG: &str = "tapedeck/dropped";

pub struct Delivery {
    config: DeliveryConfig,
    window: Window,
    url: String,
    stores: Stores,
    on_error: Option<Function>,
    state: RefCell<State>,
    this: RefCell<Weak<Delivery>>,
    session: RefCell<Weak<Session>>,
    /// Timers and listeners; dropped when recording stops (a send under way still finishes).
    running: RefCell<Vec<Box<dyn std::any::Any>>>,
    /// Whether a small batch may be gzipped by the browser (`CompressionStream`) rather than
    /// by miniz, whose compressor state (about 300 KB) would stay in wasm memory for good.
    /// Set when the recorder opens if the browser has it; cleared when it fails once (or is
    /// gone): miniz does it from then on.
    native_gzip: Cell<bool>,
}

struct State {
    session: SessionState,
    window: WindowState,
    batcher: Batcher,
    queue: Queue,
    backoff: Backoff,
    retry: Option<Timeout>,
    /// `flush()` promises waiting for the queue to be delivered or persisted.
    waiters: Vec<Function>,
    /// The batches (seq, events) last handed to keepalive requests on unload.
    unloaded: Option<Vec<(u64, usize)>>,
    /// The head of the queue being compressed a slice at a time; it counts as in flight.
    encoding: Option<Encoding>,
}

/// A large batch's body in the making (see `SLICED_GZIP_BYTES`).
struct Encoding {
    batch: BatchKey,
    body: BodyWriter,
}

/// What `pump` does once the state is released.
enum Next {
    Idle(Vec<Function>),
    Send(js_sys::Uint8Array),
    Encode,
    /// The head's plain body, to be gzipped by the browser; the head's key.
    GzipNative(Vec<u8>, BatchKey),
    Wait,
}

/// The sessionStorage key marking this tab's window as held by a live recorder.
const LIVE_MARK: &str = "live";

/// Why a recorder sends nothing.
pub const SAMPLED_OUT: &str = "sampled-out";

impl Delivery {
    /// Resumes the tab's session (or starts one) and restores undelivered batches. `Err` with
    /// a reason when this session is not recorded (`sampleRate`).
    pub fn open(
        config: DeliveryConfig,
        window: Window,
        on_error: Option<Function>,
    ) -> Result<Rc<Delivery>, &'static str> {
        let base = window
            .document()
            .and_then(|d| d.url().ok())
            .unwrap_or_default();
        let url = transport::request_url(
            &config.endpoint,
            &base,
            config.compression,
            crate::delivery::batch::protocol_version(config.implied_ids),
        );
        let stores = Stores::new(&window, &url);
        let t = now();
        let random = || {
            [
                (js_sys::Math::random() * 4_294_967_296.0) as u32,
                (js_sys::Math::random() * 4_294_967_296.0) as u32,
            ]
        };
        let session = resume(
            stores
                .tab_get("session")
                .and_then(|s| SessionState::from_storage(&s)),
            t,
        )
        .unwrap_or_else(|| {
            SessionState::new(
                new_id('s', t, random()),
                t,
                js_sys::Math::random() < config.sample_rate,
            )
        });
        stores.tab_set("session", &session.to_storage());
        if !session.sampled {
            return Err(SAMPLED_OUT);
        }
        // sessionStorage survives a reload, and is copied into a tab opened from this one
        // (window.open, "Duplicate tab"). A live recorder marks its window in it and unmarks
        // it on pagehide: a reload finds the mark gone and continues the window; a copy finds
        // it set (the opener is still live) and starts a window of its own, or both tabs would
        // number batches from the same seq and the collector would keep only one of each.
        let stored = stores
            .tab_get("window")
            .and_then(|w| WindowState::from_storage(&w));
        let live = stores.tab_get(LIVE_MARK);
        let window_state = stored
            .filter(|w| live.as_deref() != Some(w.id.as_str()))
            .unwrap_or_else(|| WindowState {
                id: new_id('w', t, random()),
                next_seq: 0,
            });
        stores.tab_set("window", &window_state.to_storage());
        stores.tab_set(LIVE_MARK, &window_state.id);
        let mut queue = Queue::default();
        queue.restore(stores.load_all());
        let delivery = Rc::new(Delivery {
            config,
            window,
            url,
            stores,
            on_error,
            state: RefCell::new(State {
                session,
                window: window_state,
                batcher: Batcher::default(),
                queue,
                backoff: Backoff::default(),
                retry: None,
                waiters: Vec::new(),
                unloaded: None,
                encoding: None,
            }),
            this: RefCell::new(Weak::new()),
            session: RefCell::new(Weak::new()),
            running: RefCell::new(Vec::new()),
            native_gzip: Cell::new(has_compression_stream()),
        });
        *delivery.this.borrow_mut() = Rc::downgrade(&delivery);
        Ok(delivery)
    }

    /// Starts the flush timer and the unload/online listeners for `session`.
    pub fn start(self: &Rc<Self>, session: &Rc<Session>) {
        *self.session.borrow_mut() = Rc::downgrade(session);
        let weak = Rc::downgrade(self);
        let mut running = self.running.borrow_mut();
        running.push(Box::new(Interval::new(self.config.flush_interval_ms, {
            let weak = weak.clone();
            move || {
                if let Some(d) = weak.upgrade() {
                    d.cut();
                    d.pump();
                }
            }
        })));
        let on_hide = {
            let weak = weak.clone();
            move |_| {
                if let Some(d) = weak.upgrade() {
                    d.unload();
                }
            }
        };
        running.push(Box::new(Listener::new(&self.window, "pagehide", {
            let on_hide = on_hide.clone();
            let weak = weak.clone();
            move |e| {
                on_hide(e);
                if let Some(d) = weak.upgrade() {
                    d.stores.tab_remove(LIVE_MARK);
                }
            }
        })));
        // Back from the back/forward cache: live again.
        running.push(Box::new(Listener::new(&self.window, "pageshow", {
            let weak = weak.clone();
            move |_| {
                let Some(d) = weak.upgrade() else { return };
                let id = d.state.try_borrow().map(|s| s.window.id.clone());
                if let Ok(id) = id {
                    d.stores.tab_set(LIVE_MARK, &id);
                }
            }
        })));
        if let Some(document) = self.window.document() {
            let doc = document.clone();
            running.push(Box::new(Listener::new(
                &document,
                "visibilitychange",
                move |e| {
                    if doc.visibility_state() == web_sys::VisibilityState::Hidden {
                        on_hide(e);
                    }
                },
            )));
        }
        running.push(Box::new(Listener::new(&self.window, "online", move |_| {
            if let Some(d) = weak.upgrade() {
                d.retry_now();
            }
        })));
        drop(running);
        // Batches left by an earlier page go out first.
        self.pump();
    }

    /// Recording stopped: no more timers or listeners. A send under way still completes, and
    /// whatever is left stays stored for the next page load.
    pub fn stop(&self) {
        self.running.borrow_mut().clear();
        self.stores.tab_remove(LIVE_MARK);
    }

    /// Whether an event may be pushed now: false when the visitor comes back after the
    /// session expired. A new session has then begun, and the caller takes its full snapshot
    /// before offering the event again.
    pub fn admit(&self, json: &str) -> bool {
        if !is_interaction(json) {
            return true;
        }
        let t = now();
        let Ok(mut s) = self.state.try_borrow_mut() else {
            return true;
        };
        if s.session.expired(t) {
            drop(s);
            self.cut();
            self.rotate(t);
            return false;
        }
        s.session.last_activity = t;
        true
    }

    /// Takes one event (see [`admit`](Self::admit)), by move: a large one is not copied.
    pub fn push(&self, json: String) {
        {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return;
            };
            s.batcher.push(json);
            if s.batcher.bytes() < self.config.max_batch_bytes as usize {
                return;
            }
        }
        // A full batch is cut and sent from a task of its own, off the observer's path.
        let weak = self.this.borrow().clone();
        self.running
            .borrow_mut()
            .push(Box::new(Timeout::new(0, move || {
                if let Some(d) = weak.upgrade() {
                    d.cut();
                    d.pump();
                }
            })));
    }

    /// A new session: new id, its own sampling decision.
    fn rotate(&self, t: u64) {
        let Ok(mut s) = self.state.try_borrow_mut() else {
            return;
        };
        let random = [
            (js_sys::Math::random() * 4_294_967_296.0) as u32,
            (js_sys::Math::random() * 4_294_967_296.0) as u32,
        ];
        s.session = SessionState::new(new_id('s', t, random), t, true);
        self.stores.tab_set("session", &s.session.to_storage());
    }

    /// Cuts waiting events into batches, stores them, and keeps the queue within its budget.
    fn cut(&self) {
        let (dropped, removed) = {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return;
            };
            let s = &mut *s;
            if s.batcher.is_empty() {
                return;
            }
            let batches = s
                .batcher
                .cut(self.config.max_batch_bytes as usize, &mut s.window.next_seq);
            self.stores.tab_set("window", &s.window.to_storage());
            self.stores.tab_set("session", &s.session.to_storage());
            for batch in batches {
                let pending = Pending {
                    session_id: s.session.id.clone(),
                    window_id: s.window.id.clone(),
                    batch,
                    body: None,
                };
                if !self.stores.save(&pending) {
                    // Kept in memory; it is only lost if the page also goes away.
                }
                s.queue.push(pending);
            }
            s.queue.enforce_limit(self.config.max_queue_bytes as usize)
        };
        if dropped.batches > 0 {
            for p in &removed {
                self.stores.remove(p);
            }
            self.report_dropped(dropped);
        }
    }

    /// Never silent: a Custom event says what was dropped, after a fresh full snapshot so the
    /// replay can go on from there; `onError` is told too.
    fn report_dropped(&self, dropped: Dropped) {
        self.report(transport::error(
            "dropped",
            &{
                let mut m = String::from("tapedeck: the queue exceeded maxQueueBytes; dropped ");
                push_u64(&mut m, dropped.events as u64);
                m.push_str(" events (");
                push_u64(&mut m, dropped.bytes as u64);
                m.push_str(" bytes)");
                m
            },
            None,
        ));
        let Some(session) = self.session.borrow().upgrade() else {
            return;
        };
        session.full_snapshot(true);
        let mut payload = JsonWriter::new();
        payload
            .begin_object()
            .member_uint("events", dropped.events as u64)
            .member_uint("bytes", dropped.bytes as u64)
            .member_str("reason", "queue-full")
            .end_object();
        let payload = payload.into_string();
        session.custom_event(DROPPED_TAG, &payload);
    }

    fn report(&self, error: JsValue) {
        if let Some(f) = &self.on_error {
            let _ = f.call1(&JsValue::NULL, &error);
        }
    }

    /// Whether the session is old enough to send (`minimumDurationMs`).
    fn may_send(&self, s: &State) -> bool {
        s.session.age(now()) >= u64::from(self.config.minimum_duration_ms)
    }

    /// Sends the head of the queue if nothing is in flight or waiting to be retried. A large
    /// batch is compressed first, across tasks (`encode_slice`), and sent when done.
    fn pump(&self) {
        let next = {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return;
            };
            let s = &mut *s;
            let busy = s.queue.head_in_flight || s.retry.is_some() || !self.may_send(s);
            let compression = self.config.compression;
            match s.queue.head() {
                None => Next::Idle(std::mem::take(&mut s.waiters)),
                Some(_) if busy => Next::Wait,
                Some(head)
                    if head.body.is_none()
                        && compression == Compression::Gzip
                        && head.bytes() >= SLICED_GZIP_BYTES =>
                {
                    // Compacted and compressed an event (or a piece of one) at a time, from
                    // the next task on: nothing is copied here.
                    s.encoding = Some(Encoding {
                        batch: head.owned_key(),
                        body: head.writer(now(), compression, self.config.implied_ids),
                    });
                    s.queue.head_in_flight = true;
                    Next::Encode
                }
                Some(head)
                    if head.body.is_none()
                        && compression == Compression::Gzip
                        && self.native_gzip.get() =>
                {
                    // Written plain, gzipped by the browser; the head counts as in flight
                    // until its body is back (`gzipped`).
                    let plain = head
                        .writer(now(), Compression::None, self.config.implied_ids)
                        .finish(&head.batch);
                    let key = head.owned_key();
                    s.queue.head_in_flight = true;
                    Next::GzipNative(plain, key)
                }
                Some(head) => {
                    // Copied into JS for the request, not into a second wasm buffer.
                    let body = js_sys::Uint8Array::from(encode(
                        head,
                        compression,
                        self.config.implied_ids,
                    ));
                    s.queue.head_in_flight = true;
                    Next::Send(body)
                }
            }
        };
        let body = match next {
            Next::Idle(waiters) => return resolve_all(waiters),
            Next::Wait => return,
            Next::Encode => return self.encode_later(),
            Next::GzipNative(plain, key) => return self.gzip_in_browser(plain, key),
            Next::Send(body) => body,
        };
        let Some(request) =
            transport::start(&self.window, &self.url, &body, &self.config.headers, false)
        else {
            self.after(Outcome::Retry, None);
            return;
        };
        let this = self.this.borrow().upgrade();
        transport::finish(
            &request,
            Box::new(move |reply| {
                if let Some(d) = this {
                    let outcome = classify(reply.status, reply.retry_after.as_deref(), now());
                    d.after(outcome, reply.status);
                }
            }),
        );
    }

    /// Hands the head's plain body to `CompressionStream`; `gzipped` takes the result.
    fn gzip_in_browser(&self, plain: Vec<u8>, key: BatchKey) {
        // The browser copies the bytes before `gzip_native` returns.
        let promise = gzip_native(&plain).dyn_into::<Promise>().ok();
        drop(plain);
        let Some(promise) = promise else {
            return self.gzipped(&key, None);
        };
        let this = self.this.borrow().upgrade();
        transport::on_settled(
            &promise,
            Box::new(move |value| {
                if let Some(d) = this {
                    d.gzipped(&key, value.dyn_into::<js_sys::Uint8Array>().ok());
                }
            }),
        );
    }

    /// The browser's gzip of the head batch `key` is done (`None`: it failed, and miniz
    /// compresses from now on). Kept as the head's body if the head is still that batch;
    /// then it is sent.
    fn gzipped(&self, key: &BatchKey, body: Option<js_sys::Uint8Array>) {
        {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return;
            };
            match &body {
                None => self.native_gzip.set(false),
                Some(body) => {
                    if let Some(head) = s.queue.head_awaiting(key) {
                        head.body = Some(body.to_vec());
                    }
                }
            }
            s.queue.head_in_flight = false;
        }
        self.pump();
    }

    fn encode_later(&self) {
        let weak = self.this.borrow().clone();
        dom::next_task(Closure::once_into_js(move || {
            if let Some(d) = weak.upgrade() {
                d.encode_slice();
            }
        }));
    }

    /// Compresses the large head batch for about `GZIP_SLICE_MS`; sends it once done.
    fn encode_slice(&self) {
        let deadline = js_sys::Date::now() + GZIP_SLICE_MS;
        let finished = {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return;
            };
            let s = &mut *s;
            let Some(job) = s.encoding.as_mut() else {
                return;
            };
            // The head cannot change meanwhile (in flight: never dropped or split); checked
            // all the same, as the writer is only valid for its own batch.
            let finished = match s.queue.head_awaiting(&job.batch) {
                None => true,
                Some(head) => {
                    let mut done = false;
                    while !done {
                        done = job.body.step(&head.batch, GZIP_PIECE_BYTES);
                        if js_sys::Date::now() >= deadline {
                            break;
                        }
                    }
                    done
                }
            };
            if finished {
                if let Some(job) = s.encoding.take() {
                    if let Some(head) = s.queue.head_awaiting(&job.batch) {
                        head.body = Some(job.body.finish(&head.batch));
                    }
                }
                s.queue.head_in_flight = false;
            }
            finished
        };
        if finished {
            self.pump();
        } else {
            self.encode_later();
        }
    }

    /// Acts on the outcome of sending the head of the queue.
    fn after(&self, outcome: Outcome, status: Option<u16>) {
        let mut report = None;
        let mut waiters = Vec::new();
        {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return;
            };
            let s = &mut *s;
            match outcome {
                Outcome::Delivered => {
                    if let Some(p) = s.queue.pop_head() {
                        self.stores.remove(&p);
                    }
                    s.backoff.reset();
                }
                Outcome::Split => {
                    if s.queue.split_head() {
                        // The first half has the whole batch's storage key: this removes the
                        // whole batch's entry (a half too large to store leaves none behind).
                        if let Some(first) = s.queue.iter().next() {
                            self.stores.remove(first);
                        }
                        for p in s.queue.iter().take(2) {
                            self.stores.save(p);
                        }
                    } else if let Some(p) = s.queue.pop_head() {
                        self.stores.remove(&p);
                        report = Some(transport::error("too-large", "tapedeck: an event was too large for the endpoint (413) and was dropped", status));
                    }
                }
                Outcome::Reject => {
                    if let Some(p) = s.queue.pop_head() {
                        self.stores.remove(&p);
                    }
                    report = Some(transport::error(
                        "rejected",
                        "tapedeck: the endpoint rejected a batch; it was dropped",
                        status,
                    ));
                }
                Outcome::Retry | Outcome::RetryAfter(_) => {
                    s.queue.head_in_flight = false;
                    let delay = match outcome {
                        Outcome::RetryAfter(ms) => ms,
                        _ => s.backoff.next_delay(js_sys::Math::random()),
                    };
                    let weak = self.this.borrow().clone();
                    s.retry = Some(Timeout::new(
                        delay.min(u64::from(u32::MAX)) as u32,
                        move || {
                            if let Some(d) = weak.upgrade() {
                                d.retry_now();
                            }
                        },
                    ));
                    // The data is in storage: a flush waiting on it is settled.
                    waiters = std::mem::take(&mut s.waiters);
                }
            }
        }
        if let Some(error) = report {
            self.report(error);
        }
        resolve_all(waiters);
        self.pump();
    }

    fn retry_now(&self) {
        if let Ok(mut s) = self.state.try_borrow_mut() {
            s.retry = None;
        }
        self.pump();
    }

    /// `recorder.flush()`: a Promise settled once everything recorded so far is delivered, or
    /// stored for a later attempt.
    pub fn flush(&self) -> Promise {
        self.cut();
        let mut resolver = None;
        let promise = Promise::new(&mut |resolve, _| resolver = Some(resolve));
        let settled_now = {
            match self.state.try_borrow_mut() {
                Ok(mut s) => {
                    if s.queue.is_empty() || s.retry.is_some() || !self.may_send(&s) {
                        true
                    } else {
                        s.waiters.extend(resolver.take());
                        false
                    }
                }
                Err(_) => true,
            }
        };
        if settled_now {
            resolve_all(resolver.into_iter().collect());
        }
        self.pump();
        promise
    }

    /// The page is being hidden or unloaded: store everything, then hand what fits in the
    /// browsers' keepalive budget to keepalive requests (or beacons). What does not fit, or
    /// does not arrive, is resent from storage on the next page load.
    fn unload(&self) {
        self.cut();
        let bodies: Vec<(Pending, Vec<u8>)> = {
            let Ok(mut s) = self.state.try_borrow_mut() else {
                return;
            };
            if !self.may_send(&s) {
                return;
            }
            // A closing tab fires visibilitychange and then pagehide: what the first handed
            // over is not sent twice.
            let sent: Vec<(u64, usize)> = s
                .queue
                .iter()
                .map(|p| (p.batch.seq, p.batch.events.len()))
                .collect();
            if s.unloaded.as_ref() == Some(&sent) {
                return;
            }
            s.unloaded = Some(sent);
            // The head goes too, even when a request for it is under way: the browser cancels
            // that request if the page is going away, and the collector stores each event once.
            let compression = self.config.compression;
            let mut budget = UNLOAD_BUDGET_BYTES;
            let mut out = Vec::new();
            for p in s.queue.iter() {
                for mut part in fit_for_unload(p, compression, self.config.implied_ids) {
                    // Encoded by fit_for_unload; the part is kept to confirm it by its key.
                    let body = part.body.take().unwrap_or_default();
                    if body.len() > budget {
                        break;
                    }
                    budget -= body.len();
                    out.push((part, body));
                }
            }
            out
        };
        for (pending, body) in bodies {
            let body = js_sys::Uint8Array::from(&body[..]);
            let Some(request) = transport::start(&self.window, &self.url, &body, &[], true) else {
                transport::beacon(&self.window, &self.url, &body);
                continue;
            };
            let this = self.this.borrow().upgrade();
            let (window, url) = (self.window.clone(), self.url.clone());
            transport::finish(
                &request,
                Box::new(move |reply| match (this, reply.status) {
                    (Some(d), Some(200..=299)) => d.confirmed(&pending),
                    // Refused before it left (e.g. the keepalive quota): a beacon may still go.
                    (_, None) => {
                        transport::beacon(&window, &url, &body);
                    }
                    _ => {}
                }),
            );
        }
    }

    /// A batch (or part of one) sent on unload was stored by the collector.
    fn confirmed(&self, part: &Pending) {
        let Ok(mut s) = self.state.try_borrow_mut() else {
            return;
        };
        let Some(head_index) = s.queue.iter().position(|p| p.key() == part.key()) else {
            return;
        };
        if head_index == 0 && s.queue.head_in_flight {
            return;
        }
        if head_index == 0 {
            if let Some(p) = s.queue.pop_head() {
                self.stores.remove(&p);
            }
        }
    }
}

/// The encoded body of a batch, made once.
fn encode(p: &mut Pending, compression: Compression, implied_ids: bool) -> &[u8] {
    if p.body.is_none() {
        p.body = Some(p.writer(now(), compression, implied_ids).finish(&p.batch));
    }
    p.body.as_deref().unwrap_or_default()
}

/// Splits a batch until each part's body fits one unload request.
fn fit_for_unload(p: &Pending, compression: Compression, implied_ids: bool) -> Vec<Pending> {
    let mut out = Vec::new();
    let mut work = vec![p.clone()];
    while let Some(mut part) = work.pop() {
        if encode(&mut part, compression, implied_ids).len() <= UNLOAD_BUDGET_BYTES {
            out.push(part);
            continue;
        }
        match part.split() {
            Some((a, b)) => {
                work.push(b);
                work.push(a);
            }
            None => out.push(part),
        }
    }
    out
}

fn resolve_all(waiters: Vec<Function>) {
    for resolve in waiters {
        let _ = resolve.call0(&JsValue::NULL);
    }
}

/// User activity keeps a session alive: incremental events from the visitor (moves, clicks,
/// scrolls, input, touch, media, selection), not the page's own DOM changes.
fn is_interaction(json: &str) -> bool {
    let Some(rest) = json.strip_prefix(r#"{"type":3,"data":{"source":"#) else {
        return false;
    };
    let source: u32 = rest
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0, |n, b| n * 10 + u32::from(b - b'0'));
    matches!(source, 1 | 2 | 3 | 5 | 6 | 7 | 12 | 14)
}
