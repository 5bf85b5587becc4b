//! DOM mutations: one MutationObserver for the document, every open shadow root and every
//! same-origin iframe document, and one de-duplicated Mutation event per callback.
//!
//! A batch is reduced to what the replay needs at its end: removals of nodes the replay has
//! (a node removed and re-added is a move: removed, then added afresh), additions of the
//! nodes still in the page (a node added and removed again is dropped), and the final text and
//! attribute values of nodes that were already there. Adds are ordered so that every `nextId`
//! names a node the replay already has: roots are written after their later siblings, and
//! each subtree is written parent first with children from last to first.

use super::dom;
use super::listener::Listener;
use super::mirror::Mirror;
use super::patch::Patch;
use super::privacy::PrivacyGuard;
use super::recorder::{now, FoundRoots, Part, Session};
use super::serialize::{
    unescape_field, Described, ParentContext, PendingFrame, SerializeOptions, Serializer, Subject,
};
use crate::mutation::{MutationAdds, MutationWriter};
use crate::protocol::Timestamp;
use crate::snapshot::{normalize_tag_name, AttrValue};
use js_sys::{Array, Object, Set};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlIFrameElement, HtmlInputElement, MutationObserver, MutationObserverInit,
    Node, ShadowRoot,
};

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    fn group_records(records: &Array, acc: &JsValue) -> JsValue;
    fn record_count(acc: &JsValue) -> u32;
    fn attribute_changes(
        acc: &JsValue,
        ids: &js_sys::WeakMap,
        fresh: u32,
        blocked: &js_sys::WeakSet,
        top: &Document,
    ) -> Object;
}

/// Past this many records waiting, or after a batch that took this long, changes are
/// coalesced: processed once per window, the last values winning. A page rewriting 10,000
/// nodes every frame then costs the recorder one batch per window, not one per frame.
const STORM_RECORDS: u32 = 2_000;
const STORM_BATCH_MS: f64 = 8.0;
const STORM_WINDOW_MS: u32 = 100;

pub struct MutationPart {
    observer: MutationObserver,
    _callback: Closure<dyn FnMut(Array, MutationObserver)>,
    /// `load` listeners (iframes navigating) on the top document and watched iframe documents.
    loads: RefCell<Vec<Listener>>,
    _attach_shadow: Option<Patch>,
    session: Weak<Session>,
    this: Weak<MutationPart>,
    /// Records folded so far (a JS object, see `group_records`), and the timer that will
    /// process them when coalescing.
    pending: RefCell<JsValue>,
    timer: RefCell<Option<gloo_timers::callback::Timeout>>,
    /// How long the last batch took, in ms.
    last_cost: std::cell::Cell<f64>,
}

pub fn start(session: &Rc<Session>) -> Rc<dyn Part> {
    let weak = Rc::downgrade(session);
    let part = Rc::new_cyclic(|this: &Weak<MutationPart>| {
        let callback = Closure::<dyn FnMut(Array, MutationObserver)>::new({
            let (weak, this) = (weak.clone(), this.clone());
            move |records: Array, _| {
                if let (Some(session), Some(part)) = (weak.upgrade(), this.upgrade()) {
                    part.take(&session, &records);
                }
            }
        });
        let observer = MutationObserver::new(callback.as_ref().unchecked_ref())
            .unwrap_or_else(|_| unreachable_observer());
        // A shadow root attached after the snapshot gets no mutation record: watch it as it
        // is made.
        let attach_shadow = Patch::method(&element_prototype(), "attachShadow", {
            let weak = weak.clone();
            move |_this, _args, result| {
                if let (Some(session), Some(root)) =
                    (weak.upgrade(), result.dyn_ref::<ShadowRoot>())
                {
                    session.watch_roots(&FoundRoots {
                        shadow_roots: vec![root.clone()],
                        frames: Vec::new(),
                    });
                }
            }
        });
        MutationPart {
            observer,
            _callback: callback,
            loads: RefCell::new(Vec::new()),
            _attach_shadow: attach_shadow,
            session: weak,
            this: this.clone(),
            pending: RefCell::new(JsValue::UNDEFINED),
            timer: RefCell::new(None),
            last_cost: std::cell::Cell::new(0.0),
        }
    });
    part.observe(session.document.as_ref());
    part
}

/// `MutationObserver` cannot fail to construct with a function; this keeps the type honest.
fn unreachable_observer() -> MutationObserver {
    JsValue::UNDEFINED.unchecked_into()
}

fn element_prototype() -> Object {
    js_sys::Reflect::get(&js_sys::global(), &"Element".into())
        .and_then(|e| js_sys::Reflect::get(&e, &"prototype".into()))
        .map(JsCast::unchecked_into)
        .unwrap_or_else(|_| Object::new())
}

impl MutationPart {
    fn observe(&self, root: &Node) {
        let options = MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        options.set_attributes(true);
        options.set_character_data(true);
        options.set_attribute_old_value(true);
        let _ = self.observer.observe_with_options(root, &options);
        if let Some(document) = dom::as_document(root) {
            self.listen_for_frame_loads(document);
        }
    }

    /// An iframe that (re)loads gets its new document attached and watched.
    fn listen_for_frame_loads(&self, document: &Document) {
        let weak = self.session.clone();
        let listener = Listener::new(document, "load", move |event| {
            let Some(session) = weak.upgrade() else {
                return;
            };
            let Some(frame) = event
                .target()
                .and_then(|t| t.dyn_into::<Node>().ok())
                .filter(|n| {
                    dom::as_element(n)
                        .is_some_and(|e| dom::tag_name(e).eq_ignore_ascii_case("iframe"))
                })
                .map(|n| n.unchecked_into::<HtmlIFrameElement>())
            else {
                return;
            };
            let Some(iframe_id) = session.id_of(&frame) else {
                return;
            };
            if let Some(document) = frame.content_document() {
                attach_frames(
                    &session,
                    vec![PendingFrame {
                        iframe_id,
                        document,
                    }],
                );
            }
        });
        self.loads.borrow_mut().push(listener);
    }
}

impl MutationPart {
    /// Folds records in; processes them now, or once per window while the page is storming.
    fn take(&self, session: &Session, records: &Array) {
        let count = self.fold(records);
        let storming = count > STORM_RECORDS || self.last_cost.get() > STORM_BATCH_MS;
        if self.timer.borrow().is_some() {
            return;
        }
        if !storming {
            self.process(session);
            return;
        }
        let (weak, this) = (self.session.clone(), self.this.clone());
        *self.timer.borrow_mut() = Some(gloo_timers::callback::Timeout::new(
            STORM_WINDOW_MS,
            move || {
                if let (Some(session), Some(part)) = (weak.upgrade(), this.upgrade()) {
                    part.timer.borrow_mut().take();
                    part.process(&session);
                }
            },
        ));
    }

    /// Folds `records` into the pending batch; returns the batch's record count.
    fn fold(&self, records: &Array) -> u32 {
        let acc = group_records(records, &self.pending.borrow());
        let count = record_count(&acc);
        *self.pending.borrow_mut() = acc;
        count
    }

    fn process(&self, session: &Session) {
        let acc = self.pending.replace(JsValue::UNDEFINED);
        if acc.is_undefined() {
            return;
        }
        let started = js_sys::Date::now();
        on_records(session, &acc);
        self.last_cost.set(js_sys::Date::now() - started);
    }
}

impl Part for MutationPart {
    /// Records not yet processed describe changes the new snapshot already shows.
    fn before_snapshot(&self, _session: &Session) {
        let _ = self.observer.take_records();
        self.pending.replace(JsValue::UNDEFINED);
        self.timer.borrow_mut().take();
    }

    /// The snapshot's numbering ended: records from before it are shown by the snapshot.
    fn structure_fixed(&self, session: &Session) {
        self.before_snapshot(session);
    }

    fn watch_root(&self, _session: &Session, root: &Node) {
        self.observe(root);
    }

    fn flush(&self, session: &Session) {
        let records = self.observer.take_records();
        if records.length() > 0 {
            self.fold(&records);
        }
        self.timer.borrow_mut().take();
        self.process(session);
    }
}

impl Drop for MutationPart {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Serializes iframe documents as attach events (and the iframes nested in them), then
/// watches them.
fn attach_frames(session: &Session, frames: Vec<PendingFrame>) {
    let timestamp = now();
    let Some((events, found)) = session.attach_frames(frames, timestamp) else {
        return;
    };
    for event in events {
        session.emit_incremental(event, timestamp);
    }
    session.watch_roots(&found);
}

fn on_records(session: &Session, acc: &JsValue) {
    let timestamp = now();
    let batch = Batch::from_group(acc);
    // When the event goes to `emit` alone, its text is handed to JS in parts as it is written:
    // the wasm heap (which never shrinks) does not hold a large batch whole.
    let in_parts = session.emits_only_now();
    let result = session.with_mirror(|mirror, config| {
        let options = session.serialize_options(config);
        batch.write(mirror, &options, &session.document, timestamp, in_parts)
    });
    let Some((json, found)) = result else { return };
    match json {
        Some(Written::Whole(json)) => session.emit_incremental(json, timestamp),
        Some(Written::Parts(parts)) => session.emit_incremental_parts(&parts, timestamp),
        None => {}
    }
    session.watch_roots(&FoundRoots {
        shadow_roots: found.shadow_roots,
        frames: Vec::new(),
    });
    if !found.frames.is_empty() {
        attach_frames(session, found.frames);
    }
}

/// A batch's Mutation event: its text, or handed to JS in parts (see `Batch::write`).
enum Written {
    Whole(String),
    /// The text's parts, as JS strings in order.
    Parts(Array),
}

/// Moves parts of an event's text into a JS array of strings, freeing them in wasm.
fn hand_over(to_js: &Array, parts: Vec<String>) {
    for part in parts {
        to_js.push(&JsValue::from_str(&part));
    }
}

/// The records of one callback, grouped.
struct Batch {
    /// `(parent, node)` per removal, in order.
    removed: Vec<(Node, Node)>,
    added: Vec<Node>,
    added_set: Set,
    texts: Vec<Node>,
    /// The folded records (`group_records`), whose attribute changes are read when written.
    acc: JsValue,
}

// The flags of an element in `attribute_changes`' list.
const CHANGE_OTHER_DOCUMENT: u32 = 1;
const CHANGE_WAS_PASSWORD: u32 = 2;

/// An element's entry in `attribute_changes`' list: its flags, tag name as the page has it,
/// and `count` changes, whose fields `list` holds.
#[derive(Clone, Copy)]
struct ChangeEntry<'t> {
    flags: u32,
    raw_tag: &'t str,
    count: usize,
    list: &'t str,
}

/// The NUL-terminated fields of `attribute_changes`' list, as slices of its text.
struct Fields<'t> {
    text: &'t str,
}

impl<'t> Fields<'t> {
    fn next(&mut self) -> Option<&'t str> {
        let end = self.text.bytes().position(|b| b == 0)?;
        let field = self.text.get(..end)?;
        self.text = self.text.get(end + 1..)?;
        Some(field)
    }

    /// The next `n` fields as one slice, separators included.
    fn take(&mut self, n: usize) -> Option<&'t str> {
        let all = self.text;
        for _ in 0..n {
            self.next()?;
        }
        all.get(..all.len() - self.text.len())
    }
}

impl Batch {
    /// The batch folded by `group_records`.
    fn from_group(acc: &JsValue) -> Batch {
        let get = |name: &str| -> Array {
            js_sys::Reflect::get(acc, &name.into())
                .map(JsCast::unchecked_into)
                .unwrap_or_else(|_| Array::new())
        };
        let removed_flat = get("removed");
        let mut removed = Vec::with_capacity(removed_flat.length() as usize / 2);
        let mut i = 0;
        while i + 1 < removed_flat.length() {
            removed.push((
                removed_flat.get(i).unchecked_into(),
                removed_flat.get(i + 1).unchecked_into(),
            ));
            i += 2;
        }
        let added_set = js_sys::Reflect::get(acc, &"addedSet".into())
            .map(JsCast::unchecked_into)
            .unwrap_or_else(|_| Set::new(&JsValue::UNDEFINED));
        let added = get("added").iter().map(JsCast::unchecked_into).collect();
        let texts = get("texts").iter().map(JsCast::unchecked_into).collect();
        Batch {
            removed,
            added,
            added_set,
            texts,
            acc: acc.clone(),
        }
    }

    /// The batch's Mutation event (`None` when nothing in it is recorded), and the shadow
    /// roots and iframe documents found in what it added. With `in_parts`, the event's text
    /// is handed to JS in parts as it is written (`Written::Parts`).
    fn write(
        &self,
        mirror: &mut Mirror,
        options: &SerializeOptions,
        top: &Document,
        timestamp: Timestamp,
        in_parts: bool,
    ) -> (Option<Written>, FoundRoots) {
        let to_js = in_parts.then(Array::new);
        let mut out = MutationWriter::new();
        let mut found = FoundRoots::default();

        // Removes, for nodes the replay has under a parent it still has. A node leaves the
        // mirror when its removal is written, so a second removal of it is not written again.
        for (parent, node) in &self.removed {
            let Some(id) = mirror.id_of(node) else {
                continue;
            };
            if !dom::is_connected(parent) {
                continue;
            }
            let Some((parent_id, is_shadow)) = replay_parent(parent, mirror) else {
                continue;
            };
            mirror.forget(node);
            out.remove(parent_id, id, is_shadow);
        }
        // Removed subtrees leave the mirror; what is still in the page is added afresh below.
        for (_, node) in &self.removed {
            forget_subtree(node, mirror);
        }

        // Ids handed out from here on (the adds) are this batch's.
        let first_new_id = mirror.next_id();
        let is_new =
            |mirror: &Mirror, node: &Node| mirror.id_of(node).is_some_and(|id| id >= first_new_id);
        let mut serializers = Serializers::new(options, top);

        // Texts and attributes of nodes the replay already had (new nodes are written whole
        // below). They come first: the adds, the bulk of a large batch, are then written straight
        // into the event's text.
        for node in &self.texts {
            let Some(id) = mirror.id_of(node).filter(|id| *id < first_new_id) else {
                continue;
            };
            if !dom::is_connected(node) {
                continue;
            }
            let Some(parent) = dom::parent_node(node) else {
                continue;
            };
            let privacy = &options.privacy;
            if privacy.is_blocked(&parent) {
                continue;
            }
            let context = ParentContext::of(&parent, privacy);
            let serializer = serializers.for_node(node, mirror);
            let value = serializer.text(node, context);
            out.text(id, &value);
        }
        self.write_attributes(
            mirror,
            first_new_id,
            &options.privacy,
            &mut serializers,
            &mut out,
        );

        // Adds.
        let mut out = out.into_adds();
        for node in &self.added {
            if !self.is_pending_root(node, mirror, first_new_id, &options.privacy) {
                continue;
            }
            // Later siblings that are added too go first, so `nextId` always names a known node.
            let mut chain = vec![node.clone()];
            let mut cursor = node.clone();
            while let Some(next) = next_recorded_sibling(&cursor, mirror, &self.added_set) {
                if mirror.id_of(&next).is_some()
                    || !self.is_pending_root(&next, mirror, first_new_id, &options.privacy)
                {
                    break;
                }
                chain.push(next.clone());
                cursor = next;
            }
            for root in chain.iter().rev() {
                if !is_new(mirror, root) {
                    serializers.add_subtree(root, mirror, &self.added_set, &mut out);
                }
            }
            if let Some(to_js) = &to_js {
                hand_over(to_js, out.take_parts());
            }
        }

        for serializer in serializers.all.drain(..) {
            found.shadow_roots.extend(serializer.1.found.shadow_roots);
            found.frames.extend(serializer.1.found.frames);
        }
        let written = match to_js {
            Some(to_js) => out.finish_parts(timestamp).map(|parts| {
                hand_over(&to_js, parts);
                Written::Parts(to_js)
            }),
            None => out.finish(timestamp).map(Written::Whole),
        };
        (written, found)
    }

    /// Attribute changes of elements the replay already had (new ones were written whole),
    /// listed by `attribute_changes` in one crossing; an element itself is only fetched when
    /// a rule needs it (form values, text attributes, another document).
    fn write_attributes(
        &self,
        mirror: &Mirror,
        first_new_id: u32,
        privacy: &PrivacyGuard,
        serializers: &mut Serializers,
        out: &mut MutationWriter,
    ) {
        let list = attribute_changes(
            &self.acc,
            mirror.ids(),
            first_new_id,
            privacy.blocked_set(),
            &serializers.top,
        );
        let get = |name: &str| js_sys::Reflect::get(&list, &name.into()).unwrap_or_default();
        let elements: Array = get("elements").unchecked_into();
        let bytes = get("bytes").unchecked_into::<js_sys::Uint8Array>().to_vec();
        let text = String::from_utf8(bytes).unwrap_or_default();
        let mut fields = Fields { text: &text };
        let mut index = 0;
        let mut changed: Vec<(std::borrow::Cow<str>, Option<AttrValue>)> = Vec::new();
        // The entry listed last, and whether `changed` holds what was decided for it without
        // reading its element: an entry "the same" as it is then written as it was.
        let mut last: Option<ChangeEntry> = None;
        let mut reusable = false;
        // Most changed elements share a tag name (a class set on every row): normalised once.
        let mut last_tag = (String::new(), String::new());
        while let Some(id) = fields.next() {
            let Ok(id) = id.parse::<u32>() else {
                return;
            };
            let i = index;
            index += 1;
            let entry = match fields.next() {
                Some("s") => match last {
                    Some(entry) => entry,
                    None => return,
                },
                flags => {
                    reusable = false;
                    let (Some(Ok(flags)), Some(raw_tag), Some(Ok(count))) = (
                        flags.map(str::parse::<u32>),
                        fields.next(),
                        fields.next().map(str::parse::<usize>),
                    ) else {
                        return;
                    };
                    let Some(list) = fields.take(count.saturating_mul(2)) else {
                        return;
                    };
                    ChangeEntry {
                        flags,
                        raw_tag,
                        count,
                        list,
                    }
                }
            };
            last = Some(entry);
            if reusable {
                out.attributes(id, &changed);
                continue;
            }
            let fetch = || elements.get(i).unchecked_into::<Element>();
            let subject = Subject::deferred(&fetch);
            if entry.flags & CHANGE_WAS_PASSWORD != 0 {
                privacy.remember_password(subject.element());
            }
            if last_tag.0 != entry.raw_tag {
                last_tag = (
                    entry.raw_tag.to_string(),
                    normalize_tag_name(entry.raw_tag, false),
                );
            }
            let tag = &last_tag.1;
            let serializer = if entry.flags & CHANGE_OTHER_DOCUMENT != 0 {
                serializers.for_node(subject.element(), mirror)
            } else {
                serializers.top(mirror)
            };
            changed.clear();
            let mut list = Fields { text: entry.list };
            for _ in 0..entry.count {
                let (Some(name), Some(value)) = (list.next(), list.next()) else {
                    return;
                };
                let value = value
                    .strip_prefix('=')
                    .map(|v| unescape_field(v).into_owned());
                let name = unescape_field(name);
                if let Some(v) = attribute_change(serializer, &subject, tag, &name, value) {
                    changed.push((name, v));
                }
            }
            out.attributes(id, &changed);
            reusable = !subject.element_read();
        }
    }

    /// A node to add as the root of a subtree: still in the page, not written yet, and under a
    /// parent the replay already has.
    fn is_pending_root(
        &self,
        node: &Node,
        mirror: &Mirror,
        first_new_id: u32,
        privacy: &PrivacyGuard,
    ) -> bool {
        if !self.added_set.has(node) || mirror.id_of(node).is_some_and(|id| id >= first_new_id) {
            return false;
        }
        if !dom::is_connected(node) {
            return false;
        }
        let Some(parent) = dom::parent_node(node) else {
            return false;
        };
        if !records_children(&parent, privacy) {
            return false;
        }
        replay_parent(&parent, mirror).is_some_and(|(id, _)| id < first_new_id)
    }
}

/// The replay's parent for a child of `parent`: the element itself, or the host of a shadow
/// root (the child is then a shadow child).
fn replay_parent(parent: &Node, mirror: &Mirror) -> Option<(u32, bool)> {
    match dom::as_shadow_root(parent) {
        Some(root) => Some((mirror.id_of(&dom::shadow_host(&root))?, true)),
        None => Some((mirror.id_of(parent)?, false)),
    }
}

/// False for elements whose children the snapshot does not record either.
fn records_children(parent: &Node, privacy: &PrivacyGuard) -> bool {
    if dom::node_type(parent) != Node::ELEMENT_NODE {
        return true;
    }
    !privacy.is_blocked(parent)
        && !matches!(
            dom::tag_name(parent.unchecked_ref()).as_str(),
            "TEXTAREA" | "IFRAME" | "textarea" | "iframe"
        )
}

/// The next sibling the replay has or will get in this batch (skipping unrecorded nodes).
fn next_recorded_sibling(node: &Node, mirror: &Mirror, added: &Set) -> Option<Node> {
    let mut next = dom::next_sibling(node);
    while let Some(sibling) = next {
        if mirror.id_of(&sibling).is_some() || added.has(&sibling) {
            return Some(sibling);
        }
        next = dom::next_sibling(&sibling);
    }
    None
}

fn forget_subtree(root: &Node, mirror: &mut Mirror) {
    let mut stack = vec![root.clone()];
    while let Some(node) = stack.pop() {
        if mirror.id_of(&node).is_none() && node != *root {
            // Nodes the replay never had have no recorded descendants either.
            continue;
        }
        mirror.forget(&node);
        let mut child = dom::first_child(&node);
        while let Some(c) = child {
            child = dom::next_sibling(&c);
            stack.push(c);
        }
        if dom::node_type(&node) == Node::ELEMENT_NODE {
            if let Some(shadow) = dom::shadow_root(node.unchecked_ref()) {
                let mut child = dom::first_child(&shadow);
                while let Some(c) = child {
                    child = dom::next_sibling(&c);
                    stack.push(c);
                }
            }
        }
    }
}

/// How a changed attribute is recorded: `None` when it is not recorded at all, `Some(None)`
/// when it was removed. `value` is the attribute's value now. Form state is recorded from the
/// control's current state, masked.
fn attribute_change(
    serializer: &Serializer,
    el: &Subject,
    tag: &str,
    name: &str,
    value: Option<String>,
) -> Option<Option<AttrValue>> {
    match (tag, name) {
        ("input" | "textarea" | "select", "value") => {
            let subject = el;
            let el = subject.element();
            let value = js_sys::Reflect::get(el, &"value".into())
                .ok()?
                .as_string()?;
            let privacy = &serializer.options.privacy;
            let scope = subject.scope(privacy);
            return Some(
                (!value.is_empty())
                    .then(|| AttrValue::Str(privacy.input_value(scope, el, tag, &value))),
            );
        }
        ("input", "checked") => {
            return Some(
                el.element()
                    .unchecked_ref::<HtmlInputElement>()
                    .checked()
                    .then_some(AttrValue::True),
            );
        }
        _ => {}
    }
    match value {
        None => serializer
            .attribute(el, tag, name, Some(String::new()))
            .map(|_| None),
        value => serializer.attribute(el, tag, name, value).map(Some),
    }
}

/// One serializer per document the batch touches (base URL and rootId differ per document).
struct Serializers<'a> {
    options: &'a SerializeOptions,
    top: Document,
    all: Vec<(Document, Serializer)>,
    /// Where the top document's serializer is in `all`, once made.
    top_index: Option<usize>,
    /// The context of the children of the last parent added to, by its replay id (and
    /// whether they are shadow children).
    last_context: Option<((u32, bool), ParentContext)>,
}

impl<'a> Serializers<'a> {
    fn new(options: &'a SerializeOptions, top: &Document) -> Self {
        Serializers {
            options,
            top: top.clone(),
            all: Vec::new(),
            top_index: None,
            last_context: None,
        }
    }

    /// The serializer for nodes of the top document.
    fn top(&mut self, mirror: &Mirror) -> &mut Serializer {
        let index = match self.top_index {
            Some(i) => i,
            None => {
                let i = self.index_of(self.top.clone(), mirror);
                self.top_index = Some(i);
                i
            }
        };
        &mut self.all[index].1
    }

    fn for_node(&mut self, node: &Node, mirror: &Mirror) -> &mut Serializer {
        let document = node.owner_document().unwrap_or_else(|| self.top.clone());
        let index = self.index_of(document, mirror);
        &mut self.all[index].1
    }

    fn index_of(&mut self, document: Document, mirror: &Mirror) -> usize {
        match self.all.iter().position(|(d, _)| *d == document) {
            Some(i) => i,
            None => {
                let root_id = if document == self.top {
                    None
                } else {
                    mirror.id_of(&document)
                };
                let mut serializer = Serializer::new(self.options.clone(), &document, root_id);
                serializer.read_scroll = false;
                self.all.push((document, serializer));
                self.all.len() - 1
            }
        }
    }

    /// Writes `root` and everything under it as flat add entries: each node after its parent,
    /// children from last to first so each `nextId` is already known, a level at a time.
    fn add_subtree(
        &mut self,
        root: &Node,
        mirror: &mut Mirror,
        added: &Set,
        out: &mut MutationAdds,
    ) {
        let Some(parent) = dom::parent_node(root) else {
            return;
        };
        let Some(key) = replay_parent(&parent, mirror) else {
            return;
        };
        let parent_id = key.0;
        let next_id = next_recorded_sibling(root, mirror, added).and_then(|n| mirror.id_of(&n));
        // Roots added under one parent (a list growing by many items) share its context: the
        // privacy lookup behind it walks the ancestors.
        let context = match self.last_context {
            Some((k, context)) if k == key => context,
            _ => {
                let context = ParentContext::of(&parent, &self.options.privacy);
                self.last_context = Some((key, context));
                context
            }
        };
        let serializer = self.for_node(root, mirror);

        struct Frame {
            parent_id: u32,
            cursor: Option<Node>,
            next_id: Option<u32>,
            context: ParentContext,
        }
        // Level by level, as rrweb orders adds: a node's children follow each other, which
        // keeps alike entries together (they compress better than a subtree at a time).
        let mut queue = std::collections::VecDeque::from([Frame {
            parent_id,
            cursor: Some(root.clone()),
            next_id,
            context,
        }]);
        let mut first = true;
        while let Some(frame) = queue.front_mut() {
            let Some(node) = frame.cursor.take() else {
                queue.pop_front();
                continue;
            };
            // The root's own siblings are not part of this subtree.
            frame.cursor = if first {
                None
            } else {
                dom::previous_sibling(&node)
            };
            first = false;
            let (parent_id, next_id, context) = (frame.parent_id, frame.next_id, frame.context);
            let Some((meta, described)) = serializer.describe(&node, context, mirror) else {
                continue;
            };
            frame.next_id = Some(meta.id);
            let adds = out.entry();
            adds.begin_add(parent_id, next_id);
            match described {
                Described::Element {
                    tag,
                    attributes,
                    flags,
                    children,
                } => {
                    adds.open_element(meta, &tag, &attributes, flags);
                    adds.close();
                    adds.end_add();
                    if tag == "iframe" {
                        serializer.note_frame(node.unchecked_ref(), meta.id);
                    }
                    if children.record {
                        queue.push_back(Frame {
                            parent_id: meta.id,
                            cursor: dom::last_child(&node),
                            next_id: None,
                            context: children.context,
                        });
                    }
                    if let Some(shadow) = &children.shadow {
                        let context = ParentContext {
                            in_shadow: true,
                            ..children.context
                        };
                        queue.push_back(Frame {
                            parent_id: meta.id,
                            cursor: dom::last_child(shadow),
                            next_id: None,
                            context,
                        });
                    }
                }
                Described::Text(text) => {
                    adds.text(meta, &text);
                    adds.end_add();
                }
                Described::Comment(text) => {
                    adds.comment(meta, &text);
                    adds.end_add();
                }
                Described::Cdata => {
                    adds.cdata(meta);
                    adds.end_add();
                }
                Described::Doctype {
                    name,
                    public_id,
                    system_id,
                } => {
                    adds.doctype(meta, &name, &public_id, &system_id);
                    adds.end_add();
                }
            }
        }
    }
}
