//! The full-snapshot DOM walk: iterative, one node per step, so it never overflows the stack
//! and can later be split across tasks (the state between two steps is `Walk` itself).

use super::dom;
use super::mirror::Mirror;
use super::recorder::FoundRoots;
use super::serialize::{Described, ParentContext, SerializeOptions, Serializer};
use crate::snapshot::{NodeEncoder, NodeMeta};
use web_sys::{Document, Node, ShadowRoot};

/// One open element (or document) whose children are being visited.
struct Frame {
    next: Option<Node>,
    /// An open shadow root whose children follow the light-DOM children.
    shadow: Option<ShadowRoot>,
    context: ParentContext,
}

pub struct Walk<'a> {
    enc: NodeEncoder,
    mirror: &'a mut Mirror,
    serializer: Serializer<'a>,
    stack: Vec<Frame>,
}

impl<'a> Walk<'a> {
    /// Prepares a walk of `document` into `enc`, which is already positioned where the document
    /// node goes. `is_iframe` marks nodes with the document's id as their `rootId`.
    pub fn new(
        mut enc: NodeEncoder,
        document: &Document,
        is_iframe: bool,
        mirror: &'a mut Mirror,
        options: &'a SerializeOptions<'a>,
    ) -> Self {
        let id = mirror.assign(document);
        let serializer = Serializer::new(options, document, is_iframe.then_some(id));
        enc.open_document(
            NodeMeta {
                id,
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
                context.scope = options.privacy.scope_of(&frame);
            }
        }
        let frame = Frame {
            next: dom::first_child(document),
            shadow: None,
            context,
        };
        Walk {
            enc,
            mirror,
            serializer,
            stack: vec![frame],
        }
    }

    /// Visits up to `budget` nodes; returns true when the whole document is written.
    pub fn step(&mut self, budget: usize) -> bool {
        let mut visited = 0;
        while visited < budget {
            let Some(frame) = self.stack.last_mut() else {
                return true;
            };
            let node = match frame.next.take() {
                Some(node) => node,
                None => {
                    if let Some(shadow) = frame.shadow.take() {
                        frame.next = dom::first_child(&shadow);
                        frame.context.in_shadow = true;
                    } else {
                        self.stack.pop();
                        self.enc.close();
                    }
                    continue;
                }
            };
            frame.next = dom::next_sibling(&node);
            let context = frame.context;
            self.visit(&node, context);
            visited += 1;
        }
        self.stack.is_empty()
    }

    pub fn finish(self) -> (NodeEncoder, FoundRoots) {
        (self.enc, self.serializer.found)
    }

    fn visit(&mut self, node: &Node, context: ParentContext) {
        let Some((meta, described)) = self.serializer.describe(node, context, self.mirror) else {
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
                    self.serializer
                        .note_frame(wasm_bindgen::JsCast::unchecked_ref(node), meta.id);
                }
                let first = if children.record {
                    dom::first_child(node)
                } else {
                    None
                };
                if first.is_none() && children.shadow.is_none() {
                    self.enc.close();
                    return;
                }
                self.stack.push(Frame {
                    next: first,
                    shadow: children.shadow,
                    context: children.context,
                });
            }
            Described::Text(text) => self.enc.text(meta, &text),
            Described::Comment(text) => self.enc.comment(meta, &text),
            Described::Cdata => self.enc.cdata(meta),
            Described::Doctype {
                name,
                public_id,
                system_id,
            } => self.enc.doctype(meta, &name, &public_id, &system_id),
        }
    }
}
