//! The full-snapshot walk, in two phases so it can be split across tasks without losing its
//! place in a page that keeps changing.
//!
//! Phase one (plain JS, in glue.js) lists the document's nodes in pre-order and numbers them:
//! the structure the snapshot describes is the page's at the instant the listing ends (it
//! runs in time-boxed steps too, and starts over when the page changes the children of a
//! node it has listed). Phase two describes the listed nodes a slice at a time; between
//! slices the page runs, and its mutations are recorded against the numbered structure (every
//! listed node already has its id), to be emitted after the snapshot. Nothing here recurses,
//! and no live `nextSibling` pointer is held across a slice, so a node moved or removed
//! meanwhile cannot derail the walk.
//!
//! The JSON written can be taken in chunks as it grows ([`Walk::chunk`]): each chunk comes
//! with the nesting it continues and leaves open, so the `emit` path can parse it into
//! objects a slice at a time instead of parsing the whole event at the end.

use super::dom;
use super::mirror::Mirror;
use super::recorder::FoundRoots;
use super::serialize::{Described, ParentContext, SerializeOptions, Serializer};
use crate::snapshot::{NodeEncoder, NodeMeta};
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Node};

/// How many nodes are described between two looks at the clock.
const NODES_PER_CLOCK_CHECK: u32 = 128;

pub struct Walk {
    enc: NodeEncoder,
    serializer: Serializer,
    /// Phase one's state (a JS object, see `collect_start`) while the listing is unfinished.
    collecting: Option<JsValue>,
    nodes: Array,
    end: Vec<i32>,
    shadow: Vec<u8>,
    /// The id of the node at index 0 (the document); node `i` has id `base + i`.
    base: u32,
    next: u32,
    /// Open elements (index, context for their children), the document at the bottom.
    open: Vec<(u32, ParentContext)>,
    /// Where the JSON not yet taken as a chunk starts, how many nodes were open there, and
    /// the fewest open since.
    chunk_at: usize,
    chunk_depth: u32,
    chunk_low: u32,
}

/// JSON text written by the walk since the last cut, and its nesting. Counted with an outer
/// container that holds the document: `from` containers were open where the text starts
/// (and the text continues the innermost one's `childNodes`), the outermost `kept` of them
/// are still open where it ends, and `to` are open there in all.
pub struct Chunk<'a> {
    pub text: &'a str,
    pub from: u32,
    pub kept: u32,
    pub to: u32,
}

impl Walk {
    /// Starts listing `document`'s nodes, and opens the document node in `enc`, which is
    /// already positioned where it goes. `is_iframe` gives nodes the document's id as `rootId`.
    pub fn new(
        mut enc: NodeEncoder,
        document: &Document,
        is_iframe: bool,
        mirror: &mut Mirror,
        options: SerializeOptions,
    ) -> Self {
        let base = mirror.next_id();
        let collecting = dom::collect_start(document, mirror.ids(), base);
        let serializer = Serializer::new(options, document, is_iframe.then_some(base));
        let chunk_at = enc.len();
        enc.open_document(
            NodeMeta {
                id: base,
                root_id: None,
                is_shadow: false,
            },
            &document.compat_mode(),
        );
        // An iframe's document inherits the privacy rules in force around the iframe.
        let mut context = ParentContext::TOP;
        if is_iframe {
            if let Some(frame) = document
                .default_view()
                .and_then(|w| w.frame_element().ok().flatten())
            {
                context.scope = serializer.options.privacy.scope_of(&frame);
            }
        }
        Walk {
            enc,
            serializer,
            collecting: Some(collecting),
            nodes: Array::new(),
            end: Vec::new(),
            shadow: Vec::new(),
            base,
            next: 1,
            open: vec![(0, context)],
            chunk_at,
            chunk_depth: 0,
            chunk_low: 0,
        }
    }

    /// True until phase one (the listing and numbering) is done: until then no node of the
    /// document has a settled id.
    pub fn is_collecting(&self) -> bool {
        self.collecting.is_some()
    }

    /// Lists nodes until done or `deadline`; true once the listing is complete.
    fn collect(&mut self, mirror: &mut Mirror, deadline: f64) -> bool {
        let Some(collecting) = &self.collecting else {
            return true;
        };
        if !dom::collect_step(collecting, deadline) {
            return false;
        }
        self.nodes = dom::collect_nodes(collecting);
        self.end = dom::collect_end(collecting).to_vec();
        self.shadow = dom::collect_flags(collecting).to_vec();
        mirror.reserve(self.nodes.length());
        self.collecting = None;
        true
    }

    /// Describes nodes until done or until `deadline` (`Date.now()` ms) has passed; returns true
    /// when the whole document is written.
    pub fn step(&mut self, mirror: &mut Mirror, deadline: f64) -> bool {
        if !self.collect(mirror, deadline) {
            return false;
        }
        let count = self.end.len() as u32;
        let mut since_check = 0;
        loop {
            // Close the elements whose descendants are all written.
            while let Some(&(top, _)) = self.open.last() {
                if self.end[top as usize] >= self.next as i32 && self.next < count {
                    break;
                }
                self.open.pop();
                self.chunk_low = self.chunk_low.min(self.open.len() as u32);
                self.enc.close();
            }
            if self.next >= count {
                return true;
            }
            since_check += 1;
            if since_check >= NODES_PER_CLOCK_CHECK {
                since_check = 0;
                if js_sys::Date::now() >= deadline {
                    return false;
                }
            }
            self.visit(mirror);
        }
    }

    pub fn finish(mut self) -> (NodeEncoder, FoundRoots) {
        let enc = std::mem::replace(&mut self.enc, NodeEncoder::adds());
        let found = std::mem::take(&mut self.serializer.found);
        (enc, found)
    }

    /// The JSON written since the last [`cut`](Self::cut) (from the document node on, at
    /// first).
    pub fn chunk(&self) -> Chunk<'_> {
        Chunk {
            text: self.enc.text_from(self.chunk_at),
            from: self.chunk_depth + 1,
            kept: self.chunk_low + 1,
            to: self.open.len() as u32 + 1,
        }
    }

    /// Starts the next chunk here. `discard` drops the text taken, when nothing else needs
    /// the whole event's JSON: the walk then holds one slice's JSON, not the page's.
    pub fn cut(&mut self, discard: bool) {
        if discard {
            self.enc.truncate(self.chunk_at);
        }
        self.chunk_at = self.enc.len();
        self.chunk_depth = self.open.len() as u32;
        self.chunk_low = self.chunk_depth;
    }

    /// Moves the JSON written so far out of the walk into `to_js` (its UTF-8 bytes, copied
    /// as they are: no conversion to a JS string and back), for a caller
    /// that needs the event whole but not before it ends (the endpoint's, when there is no
    /// `emit` to hand chunks to): the wasm heap, which never shrinks, then holds one slice's
    /// JSON, not the page's in a buffer grown by doubling (twice its size and a copy). What is
    /// written next, up to the encoder's finish, continues the text.
    pub fn hand_over_text(&mut self, to_js: &Array) {
        to_js.push(&js_sys::Uint8Array::from(self.enc.text_from(0).as_bytes()));
        self.enc.truncate(0);
        self.chunk_at = 0;
    }

    fn visit(&mut self, mirror: &mut Mirror) {
        let i = self.next;
        let node: Node = self.nodes.get(i).unchecked_into();
        let mut context = self.open.last().map_or(ParentContext::TOP, |(_, c)| *c);
        context.in_shadow = self.shadow[i as usize] & 1 != 0;
        let id = self.base + i;
        let Some((meta, described)) = self.serializer.describe_as(&node, context, id) else {
            self.skip_descendants(i, mirror, true);
            return;
        };
        match described {
            Described::Element {
                tag,
                attributes,
                flags,
                children,
            } => {
                self.enc.open_element(meta, &tag, &attributes, flags);
                if tag == "iframe" {
                    self.serializer.note_frame(node.unchecked_ref(), meta.id);
                }
                if children.record && self.end[i as usize] > i as i32 {
                    self.open.push((i, children.context));
                    self.next = i + 1;
                } else {
                    // No children, or none the replay may have (blocked, textarea): those
                    // listed leave the mirror, so no later change to them is recorded.
                    self.enc.close();
                    self.skip_descendants(i, mirror, false);
                }
            }
            Described::Text(text) => self.leaf(i, |enc| enc.text(meta, &text)),
            Described::Comment(text) => self.leaf(i, |enc| enc.comment(meta, &text)),
            Described::Cdata => self.leaf(i, |enc| enc.cdata(meta)),
            Described::Doctype {
                name,
                public_id,
                system_id,
            } => self.leaf(i, |enc| enc.doctype(meta, &name, &public_id, &system_id)),
        }
    }

    fn leaf(&mut self, i: u32, write: impl FnOnce(&mut NodeEncoder)) {
        write(&mut self.enc);
        self.next = i + 1;
    }

    /// Moves past node `i`'s descendants (and `i` itself when `with_self`), forgetting their
    /// ids: the replay will not have them.
    fn skip_descendants(&mut self, i: u32, mirror: &mut Mirror, with_self: bool) {
        let last = self.end[i as usize].max(i as i32) as u32;
        let first = if with_self { i } else { i + 1 };
        // An element without listed children has nothing to forget: no crossing for it.
        if first <= last {
            dom::forget_range(&self.nodes, mirror.ids(), first, last);
        }
        self.next = last + 1;
    }
}

impl Drop for Walk {
    /// A walk dropped during its listing (the recorder stopped) stops the listing's observer.
    fn drop(&mut self) {
        if let Some(collecting) = self.collecting.take() {
            dom::collect_cancel(&collecting);
        }
    }
}
