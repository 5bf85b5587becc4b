//! The full-snapshot walk, in two phases so it can be split across tasks without losing its
//! place in a page that keeps changing.
//!
//! Phase one (plain JS, one crossing) lists the document's nodes in pre-order and numbers
//! them: the structure the snapshot describes is fixed at that instant. Phase two describes the
//! listed nodes a slice at a time; between slices the page runs, and its mutations are
//! recorded against the numbered structure (every listed node already has its id), to be
//! emitted after the snapshot. Nothing here recurses, and no live `nextSibling` pointer is
//! held across a slice, so a node moved or removed meanwhile cannot derail the walk.

use super::dom;
use super::mirror::Mirror;
use super::recorder::FoundRoots;
use super::serialize::{Described, ParentContext, SerializeOptions, Serializer};
use crate::snapshot::{NodeEncoder, NodeMeta};
use js_sys::{Array, Int32Array, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{Document, Node};

/// How many nodes are described between two looks at the clock.
const NODES_PER_CLOCK_CHECK: u32 = 128;

pub struct Walk {
    enc: NodeEncoder,
    serializer: Serializer,
    nodes: Array,
    parent: Vec<i32>,
    end: Vec<i32>,
    shadow: Vec<u8>,
    /// The id of the node at index 0 (the document); node `i` has id `base + i`.
    base: u32,
    next: u32,
    /// Open elements (index, context for their children), the document at the bottom.
    open: Vec<(u32, ParentContext)>,
}

impl Walk {
    /// Lists and numbers `document`'s nodes, and opens the document node in `enc`, which is
    /// already positioned where it goes. `is_iframe` gives nodes the document's id as `rootId`.
    pub fn new(
        mut enc: NodeEncoder,
        document: &Document,
        is_iframe: bool,
        mirror: &mut Mirror,
        options: SerializeOptions,
    ) -> Self {
        let base = mirror.next_id();
        let list = dom::collect(document, mirror.ids(), base);
        let get = |name: &str| Reflect::get(&list, &name.into()).unwrap_or_default();
        let nodes: Array = get("nodes").unchecked_into();
        let parent = get("parent").unchecked_into::<Int32Array>().to_vec();
        let end = get("end").unchecked_into::<Int32Array>().to_vec();
        let shadow = get("flags").unchecked_into::<Uint8Array>().to_vec();
        mirror.reserve(nodes.length());
        let serializer = Serializer::new(options, document, is_iframe.then_some(base));
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
            nodes,
            parent,
            end,
            shadow,
            base,
            next: 1,
            open: vec![(0, context)],
        }
    }

    /// Describes nodes until done or until `deadline` (`Date.now()` ms) has passed; returns true
    /// when the whole document is written.
    pub fn step(&mut self, mirror: &mut Mirror, deadline: f64) -> bool {
        let count = self.parent.len() as u32;
        let mut since_check = 0;
        loop {
            // Close the elements whose descendants are all written.
            while let Some(&(top, _)) = self.open.last() {
                if self.end[top as usize] >= self.next as i32 && self.next < count {
                    break;
                }
                self.open.pop();
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

    pub fn finish(self) -> (NodeEncoder, FoundRoots) {
        (self.enc, self.serializer.found)
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
        for j in first..=last {
            mirror.forget(&self.nodes.get(j).unchecked_into());
        }
        self.next = last + 1;
    }
}
