//! One recording: its config, mirror, emitter and running parts. Two recorders share nothing.

use super::delivery::Delivery;
use super::dom;
use super::emit::{Assembly, Emitter};
use super::listener::Listener;
use super::mirror::Mirror;
use super::privacy::PrivacyGuard;
use super::serialize::{PendingFrame, SerializeOptions};
use super::walk::Walk;
use crate::config::Config;
use crate::protocol::{custom_event, meta_event, Timestamp};
use crate::snapshot::NodeEncoder;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use web_sys::{Document, Node, ShadowRoot, Window};

/// A snapshot slice's share of the main thread, in ms: a large page is walked across tasks
/// of about this length, so the page stays responsive (no task near the 50 ms of a long task).
#[cfg(not(debug_assertions))]
const SNAPSHOT_SLICE_MS: f64 = 8.0;
/// Debug builds (the browser tests) are several times slower; a longer slice keeps a small
/// test page's snapshot within one task, as in release.
#[cfg(debug_assertions)]
const SNAPSHOT_SLICE_MS: f64 = 40.0;

/// A full snapshot in progress.
struct SnapshotJob {
    timestamp: Timestamp,
    is_checkout: bool,
    meta: String,
    /// The window's scroll offset when the snapshot began.
    offset: (i64, i64),
    walk: Walk,
    /// The event's node tree for `emit`, parsed slice by slice.
    assembly: Option<Assembly>,
    /// Slices run so far.
    slices: u32,
    /// The event's JSON taken from the walk slice by slice (JS strings), when only the
    /// endpoint needs it (see `Walk::hand_over_text`).
    parts: Option<js_sys::Array>,
}

/// A running piece of the recording (an observer, a set of listeners, patches). Parts are
/// owned by the session and dropped in reverse order of starting when it stops; dropping a
/// part must remove everything it added to the page.
pub trait Part {
    /// A new full snapshot is about to renumber every node: drop or flush state that holds ids.
    fn before_snapshot(&self, _session: &Session) {}
    /// The snapshot's structure is settled: every node it shows has its new id. Changes made
    /// before now are in the snapshot (content is read after this), so records of them that
    /// are still waiting must be dropped.
    fn structure_fixed(&self, _session: &Session) {}
    /// A full snapshot was emitted (the first one or a checkout).
    fn after_snapshot(&self, _session: &Session) {}
    /// The snapshot (or a mutation) found an open shadow root or an iframe document to watch.
    fn watch_root(&self, _session: &Session, _root: &Node) {}
    /// `flush()` or `stop()`: emit what was observed and is still waiting (changes held for
    /// a storm window, buffered pointer moves), so nothing seen before the call is lost.
    fn flush(&self, _session: &Session) {}
}

pub struct Session {
    pub window: Window,
    pub document: Document,
    /// The page's `emit` callback, if it gave one.
    emitter: Option<Emitter>,
    /// Sending to an endpoint, if one is configured.
    delivery: Option<Rc<Delivery>>,
    state: RefCell<State>,
    /// Waits for DOMContentLoaded when `record()` ran while the document was still parsing.
    deferred_start: RefCell<Option<Listener>>,
    /// Events asked for before the first snapshot, sent right after it: a replay starts at a
    /// Meta + FullSnapshot pair, so nothing may precede them.
    early_events: RefCell<Option<Vec<String>>>,
    parts: RefCell<Vec<Rc<dyn Part>>>,
    /// Incremental events since the last full snapshot, and that snapshot's time.
    since_checkout: Cell<(u32, Timestamp)>,
    /// The snapshot being taken; taken out of the cell while it completes.
    snapshot: RefCell<Option<SnapshotJob>>,
    /// From the start of a snapshot until its events are out, iframe documents included:
    /// events sent meanwhile are held. Not `snapshot.is_some()`: that is already false while
    /// the snapshot completes, and reading it needs a borrow a running slice may hold.
    snapshotting: Cell<bool>,
    /// The snapshot is still listing and numbering the page's nodes: ids are not settled,
    /// so nothing may read or assign them (see `id_of`, `with_mirror`).
    collecting: Cell<bool>,
    /// Events sent while a snapshot is being taken; they follow it.
    held: RefCell<Vec<String>>,
    first_done: Cell<bool>,
    snapshot_waiters: RefCell<Vec<js_sys::Function>>,
    /// The session itself, for work scheduled in later tasks.
    this: RefCell<Weak<Session>>,
    /// The one place masking and blocking are decided, for every path.
    privacy: Rc<PrivacyGuard>,
}

struct State {
    config: Config,
    mirror: Mirror,
}

pub fn now() -> Timestamp {
    js_sys::Date::now() as Timestamp
}

/// Roots found by a walk that need observing: open shadow roots and iframe documents.
#[derive(Default)]
pub struct FoundRoots {
    pub shadow_roots: Vec<ShadowRoot>,
    pub frames: Vec<PendingFrame>,
}

impl Session {
    pub fn new(
        window: Window,
        document: Document,
        config: Config,
        emitter: Option<Emitter>,
        delivery: Option<Rc<Delivery>>,
        privacy: PrivacyGuard,
    ) -> Self {
        let state = State {
            config,
            mirror: Mirror::default(),
        };
        Session {
            window,
            document,
            emitter,
            delivery,
            state: RefCell::new(state),
            deferred_start: RefCell::new(None),
            early_events: RefCell::new(None),
            parts: RefCell::new(Vec::new()),
            since_checkout: Cell::new((0, 0)),
            snapshot: RefCell::new(None),
            snapshotting: Cell::new(false),
            collecting: Cell::new(false),
            held: RefCell::new(Vec::new()),
            first_done: Cell::new(false),
            snapshot_waiters: RefCell::new(Vec::new()),
            this: RefCell::new(Weak::new()),
            privacy: Rc::new(privacy),
        }
    }

    /// Takes the first full snapshot now, or once the document has been parsed: a snapshot of
    /// a half-parsed page would miss everything after the script tag.
    pub fn start(self: &Rc<Self>) {
        *self.this.borrow_mut() = Rc::downgrade(self);
        if self.document.ready_state() != "loading" {
            self.begin();
            return;
        }
        *self.early_events.borrow_mut() = Some(Vec::new());
        let weak: Weak<Session> = Rc::downgrade(self);
        let listener = Listener::new(&self.document, "DOMContentLoaded", move |_| {
            if let Some(session) = weak.upgrade() {
                let listener = session.deferred_start.borrow_mut().take();
                session.begin();
                drop(listener);
            }
        });
        *self.deferred_start.borrow_mut() = Some(listener);
    }

    fn begin(self: &Rc<Self>) {
        let early = self.early_events.borrow_mut().take().unwrap_or_default();
        if let Some(delivery) = &self.delivery {
            delivery.start(self);
        }
        self.start_parts();
        self.full_snapshot(false);
        for event in early {
            self.send(event, false);
        }
    }

    /// Starts every part of the recording; each is stopped when the session is dropped.
    fn start_parts(self: &Rc<Self>) {
        self.add_part(super::mutation::start(self));
        self.add_part(super::stylesheets::start(self));
        self.add_part(super::interaction::start(self));
    }

    pub fn add_part(&self, part: Rc<dyn Part>) {
        self.parts.borrow_mut().push(part);
    }

    fn each_part(&self, f: impl Fn(&dyn Part)) {
        let parts: Vec<Rc<dyn Part>> = self.parts.borrow().clone();
        for part in &parts {
            f(part.as_ref());
        }
    }

    /// Emits what the parts observed and still hold (see [`Part::flush`]). Not while a
    /// snapshot is being taken: changes seen meanwhile are reconciled by it.
    pub fn flush_parts(&self) {
        if self.started() && !self.snapshotting.get() {
            self.each_part(|p| p.flush(self));
        }
    }

    fn started(&self) -> bool {
        self.early_events.borrow().is_none() && self.deferred_start.borrow().is_none()
    }

    pub fn sampling(&self) -> crate::config::SamplingConfig {
        self.state.borrow().config.sampling.clone()
    }

    pub fn privacy(&self) -> &PrivacyGuard {
        &self.privacy
    }

    /// The id of a node the replay knows, if any. None while a snapshot is numbering the
    /// page: an event about a node then would be seen in the snapshot itself (values are read
    /// after the numbering), or be transient (a click).
    pub fn id_of(&self, node: &Node) -> Option<u32> {
        if self.collecting.get() {
            return None;
        }
        self.state.try_borrow().ok()?.mirror.id_of(node)
    }

    /// Runs `f` with the mirror; `None` if it is in use (a re-entrant call from `emit`), or
    /// while a snapshot is numbering the page (changes made until it is done are in the
    /// snapshot, and ids handed out meanwhile would collide with the snapshot's).
    pub fn with_mirror<R>(&self, f: impl FnOnce(&mut Mirror, &Config) -> R) -> Option<R> {
        if self.collecting.get() {
            return None;
        }
        let mut state = self.state.try_borrow_mut().ok()?;
        let state = &mut *state;
        Some(f(&mut state.mirror, &state.config))
    }

    /// Emits one incremental event, then takes a checkout snapshot when the configured count
    /// or age is exceeded (rrweb's `checkoutEveryNth` / `checkoutEveryNms`).
    pub fn emit_incremental(&self, json: String, timestamp: Timestamp) {
        self.send(json, false);
        self.counted(timestamp);
    }

    /// Whether an event sent now goes out at once (no snapshot holding events back): it may
    /// then be given as parts of its text, see
    /// [`emit_incremental_parts`](Self::emit_incremental_parts).
    pub fn emits_only_now(&self) -> bool {
        !self.snapshotting.get()
    }

    /// [`emit_incremental`](Self::emit_incremental) for an event whose text is in parts (JS
    /// strings, joined in order); only when [`emits_only_now`](Self::emits_only_now). The
    /// endpoint takes it whole: joined in JS, copied into wasm once at its exact size.
    pub fn emit_incremental_parts(&self, parts: &js_sys::Array, timestamp: Timestamp) {
        match (&self.delivery, &self.emitter) {
            (None, Some(emitter)) => emitter.emit_parts(parts, false),
            (None, None) => {}
            (Some(_), _) => self.send(joined(parts), false),
        }
        self.counted(timestamp);
    }

    /// Counts an incremental event, then takes a checkout snapshot when due.
    fn counted(&self, timestamp: Timestamp) {
        let (count, since) = self.since_checkout.get();
        let count = count + 1;
        self.since_checkout.set((count, since));
        let checkout = self.state.borrow().config.checkout;
        let by_count = checkout.every_nth.is_some_and(|n| count >= n);
        let by_time = checkout
            .every_ms
            .is_some_and(|ms| timestamp.saturating_sub(since) > ms);
        if by_count || by_time {
            self.full_snapshot(true);
        }
    }

    /// Emits an event that completes the last full snapshot with state it cannot carry (the
    /// adopted stylesheets). Like the iframe attach events it does not count toward a checkout,
    /// so a small `checkoutEveryNth` cannot make every snapshot trigger the next.
    /// Every finished event goes out here: to the endpoint's queue and to `emit`. A visitor
    /// returning after the session expired starts a new session, which begins with a snapshot.
    /// Events are moved, never copied, on their way: a large mutation is megabytes of text.
    fn send(&self, json: String, is_checkout: bool) {
        // While a snapshot is being taken, events wait: the replay needs the snapshot first.
        if self.snapshotting.get() {
            self.held.borrow_mut().push(json);
            return;
        }
        self.deliver(json, is_checkout);
    }

    fn deliver(&self, json: String, is_checkout: bool) {
        let Some(delivery) = &self.delivery else {
            if let Some(emitter) = &self.emitter {
                emitter.emit(&json, is_checkout);
            }
            return;
        };
        if !delivery.admit(&json) {
            self.full_snapshot(true);
            self.send(json, is_checkout);
            return;
        }
        match &self.emitter {
            // The queue first: the page's `emit` may record more (`addCustomEvent`).
            Some(emitter) => {
                delivery.push(json.clone());
                emitter.emit(&json, is_checkout);
            }
            None => delivery.push(json),
        }
    }

    /// Delivery, if this recorder sends to an endpoint.
    pub fn delivery(&self) -> Option<&Rc<Delivery>> {
        self.delivery.as_ref()
    }

    pub fn emit_snapshot_extra(&self, json: String) {
        self.send(json, false);
    }

    /// Starts a full snapshot: a Meta event, then a FullSnapshot, then one Mutation per
    /// same-origin iframe document. The walk runs in slices of `SNAPSHOT_SLICE_MS`, yielding
    /// to the page in between; a small page completes within the first slice, synchronously.
    pub fn full_snapshot(&self, is_checkout: bool) {
        if is_checkout && !self.started() {
            // The first snapshot is still to come.
            return;
        }
        if self.snapshotting.get() {
            return;
        }
        self.each_part(|p| p.before_snapshot(self));
        let timestamp = now();
        let Some(job) = self.begin_snapshot(timestamp, is_checkout) else {
            return;
        };
        let Ok(mut slot) = self.snapshot.try_borrow_mut() else {
            return;
        };
        *slot = Some(job);
        drop(slot);
        self.snapshotting.set(true);
        self.collecting.set(true);
        self.continue_snapshot();
    }

    fn begin_snapshot(&self, timestamp: Timestamp, is_checkout: bool) -> Option<SnapshotJob> {
        let mut state = self.state.try_borrow_mut().ok()?;
        let state = &mut *state;
        state.mirror.reset();
        let href = self.document.url().unwrap_or_default();
        let (width, height) = viewport_size(&self.window, &self.document);
        let options = self.serialize_options(&state.config);
        let walk = Walk::new(
            NodeEncoder::full_snapshot(),
            &self.document,
            false,
            &mut state.mirror,
            options,
        );
        Some(SnapshotJob {
            timestamp,
            is_checkout,
            meta: meta_event(&href, width, height, timestamp),
            offset: (
                self.window.scroll_y().unwrap_or(0.0).round() as i64,
                self.window.scroll_x().unwrap_or(0.0).round() as i64,
            ),
            walk,
            assembly: self.emitter.as_ref().map(Emitter::begin_assembly),
            slices: 0,
            parts: None,
        })
    }

    /// How nodes are described: by the snapshot walk and by mutation adds alike.
    pub fn serialize_options(&self, config: &Config) -> SerializeOptions {
        SerializeOptions {
            inline_stylesheet: config.snapshot.inline_stylesheet,
            privacy: self.privacy.clone(),
            custom_elements: Some(self.window.custom_elements()),
        }
    }

    /// Runs one slice of the snapshot; schedules the next, or finishes.
    fn continue_snapshot(&self) {
        let deadline = js_sys::Date::now() + SNAPSHOT_SLICE_MS;
        // A page callback run by the walk (maskTextFn) may call back into the recorder: every
        // borrow here is tried, never forced.
        let (done, structure_fixed, slices) = {
            let Ok(mut job) = self.snapshot.try_borrow_mut() else {
                return;
            };
            let Some(job) = job.as_mut() else {
                return;
            };
            let Ok(mut state) = self.state.try_borrow_mut() else {
                return;
            };
            let done = job.walk.step(&mut state.mirror, deadline);
            drop(state);
            job.slices += 1;
            let collecting = job.walk.is_collecting();
            if !collecting {
                if let (Some(emitter), Some(assembly)) = (&self.emitter, &job.assembly) {
                    emitter.add_chunk(assembly, job.walk.chunk());
                    // The endpoint needs the event's JSON whole; `emit` alone does not.
                    job.walk.cut(self.delivery.is_none());
                } else if self.delivery.is_some() {
                    let parts = job.parts.get_or_insert_with(js_sys::Array::new);
                    job.walk.hand_over_text(parts);
                }
            }
            (done, self.collecting.get() && !collecting, job.slices)
        };
        if structure_fixed {
            self.collecting.set(false);
            self.each_part(|p| p.structure_fixed(self));
        }
        // A sliced snapshot is emitted from a task of its own: the page's `emit` handles a
        // large event (and may serialize it), which should not add to a slice's time.
        if !done || slices > 1 {
            let weak = self.this.borrow().clone();
            dom::next_task(Closure::once_into_js(move || {
                if let Some(session) = weak.upgrade() {
                    if done {
                        session.complete_snapshot();
                    } else {
                        session.continue_snapshot();
                    }
                }
            }));
            return;
        }
        self.complete_snapshot();
    }

    /// Emits the finished snapshot (Meta, FullSnapshot, iframe documents), then the events
    /// held back while it was taken.
    fn complete_snapshot(&self) {
        let Some(job) = self
            .snapshot
            .try_borrow_mut()
            .ok()
            .and_then(|mut j| j.take())
        else {
            return;
        };
        let (top, left) = job.offset;
        let (enc, mut roots) = job.walk.finish();
        // The whole JSON only when an endpoint takes it; `emit` has the tree assembled.
        let full = self.delivery.is_some().then(|| {
            let rest = enc.finish_full_snapshot(top, left, job.timestamp);
            match job.parts {
                Some(parts) => {
                    parts.push(&js_sys::Uint8Array::from(rest.as_bytes()));
                    drop(rest);
                    joined_bytes(&parts)
                }
                None => rest,
            }
        });
        let frames = self.walk_frames(&mut roots, job.timestamp);
        self.since_checkout.set((0, job.timestamp));
        self.snapshotting.set(false);
        self.collecting.set(false);
        let held = std::mem::take(&mut *self.held.borrow_mut());
        self.deliver(job.meta, job.is_checkout);
        if let (Some(delivery), Some(json)) = (&self.delivery, full) {
            // Not an interaction: never refused for an expired session. Moved, not copied.
            delivery.push(json);
        }
        if let (Some(emitter), Some(assembly)) = (&self.emitter, job.assembly) {
            let shell = NodeEncoder::full_snapshot_shell(top, left, job.timestamp);
            emitter.emit_assembled(assembly, &shell, job.is_checkout);
        }
        for event in frames {
            self.deliver(event, job.is_checkout);
        }
        for event in held {
            self.send(event, false);
        }
        self.watch_roots(&roots);
        self.each_part(|p| p.after_snapshot(self));
        self.first_snapshot_done();
    }

    /// Iframe documents (and iframes nested in them), each as its own attach event; iframe
    /// documents are small and walked at once.
    /// Attach events for iframe documents found after the snapshot (a frame added or
    /// reloaded), nested frames included, with every frame and shadow root found; `None`
    /// when the mirror is unavailable (a snapshot numbering the page, or a re-entrant call).
    pub fn attach_frames(
        &self,
        frames: Vec<PendingFrame>,
        timestamp: Timestamp,
    ) -> Option<(Vec<String>, FoundRoots)> {
        if self.collecting.get() || self.state.try_borrow_mut().is_err() {
            return None;
        }
        let mut roots = FoundRoots {
            frames,
            shadow_roots: Vec::new(),
        };
        let events = self.walk_frames(&mut roots, timestamp);
        Some((events, roots))
    }

    fn walk_frames(&self, roots: &mut FoundRoots, timestamp: Timestamp) -> Vec<String> {
        let mut events = Vec::new();
        let Ok(mut state) = self.state.try_borrow_mut() else {
            return events;
        };
        let state = &mut *state;
        let mut index = 0;
        while index < roots.frames.len() {
            let frame = &roots.frames[index];
            let enc = NodeEncoder::attach_subtree(frame.iframe_id);
            let options = self.serialize_options(&state.config);
            let mut walk = Walk::new(enc, &frame.document, true, &mut state.mirror, options);
            while !walk.step(&mut state.mirror, f64::INFINITY) {}
            let (enc, nested) = walk.finish();
            events.push(enc.finish_attach_subtree(timestamp));
            roots.frames.extend(nested.frames);
            roots.shadow_roots.extend(nested.shadow_roots);
            index += 1;
        }
        events
    }

    /// Hands newly found shadow roots and iframe documents to the parts that observe them.
    pub fn watch_roots(&self, roots: &FoundRoots) {
        for root in &roots.shadow_roots {
            self.each_part(|p| p.watch_root(self, root));
        }
        for frame in &roots.frames {
            self.each_part(|p| p.watch_root(self, &frame.document));
        }
    }

    /// A Promise settled once the first full snapshot has been emitted.
    pub fn snapshotted(&self) -> js_sys::Promise {
        if self.first_done.get() {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        }
        let mut waiters = self.snapshot_waiters.borrow_mut();
        js_sys::Promise::new(&mut |resolve, _| waiters.push(resolve))
    }

    fn first_snapshot_done(&self) {
        if self.first_done.replace(true) {
            return;
        }
        let waiters = std::mem::take(&mut *self.snapshot_waiters.borrow_mut());
        for resolve in waiters {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }

    pub fn custom_event(&self, tag: &str, payload_json: &str) {
        let event = custom_event(tag, payload_json, now());
        if let Some(early) = self.early_events.borrow_mut().as_mut() {
            early.push(event);
            return;
        }
        self.send(event, false);
    }
}

impl Drop for Session {
    /// Stops the parts in reverse order of starting, each removing what it added to the page.
    fn drop(&mut self) {
        if let Some(delivery) = &self.delivery {
            delivery.stop();
        }
        let mut parts = std::mem::take(self.parts.get_mut());
        while let Some(part) = parts.pop() {
            drop(part);
        }
    }
}

/// The text of `parts` (JS strings) as one string, allocated once at its exact size: the
/// wasm heap never holds the parts and the whole together.
fn joined(parts: &js_sys::Array) -> String {
    // TextEncoder's output is UTF-8 (the parts came from Rust strings: no lone surrogates).
    String::from_utf8(dom::utf8_joined(parts).to_vec()).unwrap_or_default()
}

/// The text whose UTF-8 bytes are `parts` (`Uint8Array`s), allocated once at its exact size.
fn joined_bytes(parts: &js_sys::Array) -> String {
    let parts: Vec<js_sys::Uint8Array> = parts
        .iter()
        .map(wasm_bindgen::JsCast::unchecked_into)
        .collect();
    let size = parts.iter().map(|p| p.length() as usize).sum();
    let mut bytes = vec![0; size];
    let mut at = 0;
    for part in parts {
        let end = at + part.length() as usize;
        part.copy_to(&mut bytes[at..end]);
        at = end;
    }
    // The bytes of Rust strings, in order: valid UTF-8 once joined.
    String::from_utf8(bytes).unwrap_or_default()
}

/// The viewport size as the Meta event reports it (rrweb's `getWindowWidth`/`Height`).
pub fn viewport_size(window: &Window, document: &Document) -> (u32, u32) {
    let read = |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
        v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32
    };
    let mut width = read(window.inner_width());
    let mut height = read(window.inner_height());
    if let Some(root) = document.document_element() {
        if width == 0 {
            width = root.client_width() as u32;
        }
        if height == 0 {
            height = root.client_height() as u32;
        }
    }
    (width, height)
}
