//! The full-snapshot DOM walk: iterative, one node per step, so it never overflows the stack
//! and can later be split across tasks (the state between two steps is `Walk` itself).

use super::dom;
use super::mirror::Mirror;
use super::recorder::FoundRoots;
use super::stylesheet;
use crate::privacy::InputPolicy;
use crate::snapshot::{
    ignore_attribute, normalize_tag_name, transform_attribute, AttrValue, ElementFlags,
    NodeEncoder, NodeMeta, SCRIPT_PLACEHOLDER,
};
use wasm_bindgen::JsCast;
use web_sys::{
    Document, DocumentType, Element, HtmlIFrameElement, HtmlInputElement, HtmlLinkElement,
    HtmlMediaElement, HtmlOptionElement, HtmlSelectElement, HtmlStyleElement, HtmlTextAreaElement,
    Node, ShadowRoot,
};

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// What a text node's parent means for its content.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextRole {
    Plain,
    /// Inside `<script>`: replaced by the placeholder.
    Script,
    /// Inside `<style>` whose CSS was captured as `_cssText`: recorded empty.
    CapturedStyle,
    /// Inside `<style>` whose CSS could not be captured: kept, with URLs made absolute.
    Style,
}

/// One open element (or document) whose children are being visited.
struct Frame {
    next: Option<Node>,
    /// An open shadow root whose children follow the light-DOM children.
    shadow: Option<ShadowRoot>,
    in_shadow: bool,
    in_svg: bool,
    text_role: TextRole,
}

/// Settings the walk needs from the recorder's config.
pub struct WalkOptions<'a> {
    pub inline_stylesheet: bool,
    pub inputs: &'a InputPolicy,
    pub custom_elements: Option<web_sys::CustomElementRegistry>,
}

/// A same-origin iframe found during the walk; its document is serialized afterwards and sent
/// as a Mutation that attaches it, which is how rrweb's Replayer expects iframe content.
pub struct PendingFrame {
    pub iframe_id: u32,
    pub document: Document,
}

pub struct Walk<'a> {
    enc: NodeEncoder,
    mirror: &'a mut Mirror,
    options: &'a WalkOptions<'a>,
    stack: Vec<Frame>,
    base_url: String,
    root_id: Option<u32>,
    found: FoundRoots,
}

impl<'a> Walk<'a> {
    /// Prepares a walk of `document` into `enc`, which is already positioned where the document
    /// node goes. `is_iframe` marks nodes with the document's id as their `rootId`.
    pub fn new(
        enc: NodeEncoder,
        document: &Document,
        is_iframe: bool,
        mirror: &'a mut Mirror,
        options: &'a WalkOptions<'a>,
    ) -> Self {
        let mut walk = Walk {
            enc,
            mirror,
            options,
            stack: Vec::new(),
            base_url: document.base_uri().ok().flatten().unwrap_or_default(),
            root_id: None,
            found: FoundRoots::default(),
        };
        let id = walk.mirror.assign(document);
        if is_iframe {
            walk.root_id = Some(id);
        }
        walk.enc.open_document(
            NodeMeta {
                id,
                root_id: None,
                is_shadow: false,
            },
            &document.compat_mode(),
        );
        walk.stack.push(Frame {
            next: dom::first_child(document),
            shadow: None,
            in_shadow: false,
            in_svg: false,
            text_role: TextRole::Plain,
        });
        walk
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
                        frame.in_shadow = true;
                    } else {
                        self.stack.pop();
                        self.enc.close();
                    }
                    continue;
                }
            };
            frame.next = dom::next_sibling(&node);
            let parent = ParentContext {
                in_shadow: frame.in_shadow,
                in_svg: frame.in_svg,
                text_role: frame.text_role,
            };
            self.visit(&node, parent);
            visited += 1;
        }
        self.stack.is_empty()
    }

    pub fn finish(self) -> (NodeEncoder, FoundRoots) {
        (self.enc, self.found)
    }

    fn meta(&mut self, node: &Node, parent: ParentContext) -> NodeMeta {
        NodeMeta {
            id: self.mirror.assign(node),
            root_id: self.root_id,
            is_shadow: parent.in_shadow,
        }
    }

    fn visit(&mut self, node: &Node, parent: ParentContext) {
        match dom::node_type(node) {
            Node::ELEMENT_NODE => self.visit_element(node.unchecked_ref(), parent),
            Node::TEXT_NODE => {
                let meta = self.meta(node, parent);
                let text = match parent.text_role {
                    TextRole::Script => SCRIPT_PLACEHOLDER.to_string(),
                    TextRole::CapturedStyle => String::new(),
                    TextRole::Style => crate::url::resolve_css_urls(
                        &self.base_url,
                        &dom::node_value(node).unwrap_or_default(),
                    ),
                    TextRole::Plain => dom::node_value(node).unwrap_or_default(),
                };
                self.enc.text(meta, &text);
            }
            Node::COMMENT_NODE => {
                let meta = self.meta(node, parent);
                self.enc
                    .comment(meta, &dom::node_value(node).unwrap_or_default());
            }
            Node::CDATA_SECTION_NODE => {
                let meta = self.meta(node, parent);
                self.enc.cdata(meta);
            }
            Node::DOCUMENT_TYPE_NODE => {
                let doctype: &DocumentType = node.unchecked_ref();
                let meta = self.meta(node, parent);
                self.enc.doctype(
                    meta,
                    &doctype.name(),
                    &doctype.public_id(),
                    &doctype.system_id(),
                );
            }
            // Processing instructions and the like have no rrweb representation.
            _ => {}
        }
    }

    fn visit_element(&mut self, el: &Element, parent: ParentContext) {
        let raw_tag = dom::tag_name(el);
        let is_form = raw_tag == "FORM";
        let tag = normalize_tag_name(&raw_tag, is_form);
        let meta = self.meta(el, parent);
        let is_svg = raw_tag == "svg"
            || (parent.in_svg && dom::namespace_uri(el).as_deref() == Some(SVG_NAMESPACE));
        let mut attributes = self.read_attributes(el, &tag);
        let mut text_role = TextRole::Plain;
        let mut record_children = true;

        match tag.as_str() {
            "style" if self.options.inline_stylesheet => {
                let sheet = el.unchecked_ref::<HtmlStyleElement>().sheet();
                match sheet.and_then(|s| stylesheet::css_text(&s, &self.base_url)) {
                    Some(css) => {
                        attributes.push(("_cssText".into(), AttrValue::Str(css)));
                        text_role = TextRole::CapturedStyle;
                    }
                    None => text_role = TextRole::Style,
                }
            }
            "style" => text_role = TextRole::Style,
            "script" => text_role = TextRole::Script,
            "link" if self.options.inline_stylesheet => {
                let sheet = el.unchecked_ref::<HtmlLinkElement>().sheet();
                if let Some(css) = sheet.and_then(|s| stylesheet::css_text(&s, &self.base_url)) {
                    attributes.retain(|(name, _)| name != "rel" && name != "href");
                    attributes.push(("_cssText".into(), AttrValue::Str(css)));
                }
            }
            "input" => self.input_state(el.unchecked_ref(), &mut attributes),
            "textarea" => {
                // Children of a textarea hold its default text: never recorded, the (masked)
                // current value stands for them.
                record_children = false;
                let value = el.unchecked_ref::<HtmlTextAreaElement>().value();
                self.push_value(&mut attributes, "textarea", &value);
            }
            "select" => {
                let value = el.unchecked_ref::<HtmlSelectElement>().value();
                self.push_value(&mut attributes, "select", &value);
            }
            "option" => {
                attributes.retain(|(name, _)| name != "selected");
                let option: &HtmlOptionElement = el.unchecked_ref();
                if option.selected() && !self.options.inputs.masks_selection() {
                    attributes.push(("selected".into(), AttrValue::True));
                }
            }
            "iframe" => {
                record_children = false;
                let frame: &HtmlIFrameElement = el.unchecked_ref();
                let src = take_attribute(&mut attributes, "src");
                match frame.content_document() {
                    Some(document) => self.found.frames.push(PendingFrame {
                        iframe_id: meta.id,
                        document,
                    }),
                    None => {
                        if let Some(src) = src {
                            attributes.push(("rr_src".into(), src));
                        }
                    }
                }
            }
            "dialog" if el.has_attribute("open") => {
                let modal = el.matches("dialog:modal").unwrap_or(false);
                let mode = if modal { "modal" } else { "non-modal" };
                attributes.push(("rr_open_mode".into(), AttrValue::Str(mode.into())));
            }
            "audio" | "video" => media_state(el.unchecked_ref(), &mut attributes),
            _ => {}
        }

        let scroll_left = dom::scroll_left(el).round() as i64;
        if scroll_left != 0 {
            attributes.push(("rr_scrollLeft".into(), AttrValue::Int(scroll_left)));
        }
        let scroll_top = dom::scroll_top(el).round() as i64;
        if scroll_top != 0 {
            attributes.push(("rr_scrollTop".into(), AttrValue::Int(scroll_top)));
        }

        let shadow = dom::shadow_root(el);
        if let Some(root) = &shadow {
            self.found.shadow_roots.push(root.clone());
        }
        let flags = ElementFlags {
            is_svg,
            is_custom: tag.contains('-') && self.is_defined_custom_element(&tag),
            is_shadow_host: shadow.is_some(),
        };
        self.enc.open_element(meta, &tag, &attributes, flags);
        let first = if record_children {
            dom::first_child(el)
        } else {
            None
        };
        if first.is_none() && shadow.is_none() {
            self.enc.close();
            return;
        }
        self.stack.push(Frame {
            next: first,
            shadow,
            in_shadow: false,
            in_svg: is_svg && tag != "foreignobject",
            text_role,
        });
    }

    fn read_attributes(&self, el: &Element, tag: &str) -> Vec<(String, AttrValue)> {
        if !dom::has_attributes(el) {
            return Vec::new();
        }
        let list = dom::attributes(el);
        let mut out = Vec::with_capacity(list.length() as usize);
        for i in 0..list.length() {
            let Some(attr) = list.item(i) else { continue };
            let name = attr.name();
            if ignore_attribute(tag, &name) {
                continue;
            }
            let value = attr.value();
            let lower = name.to_ascii_lowercase();
            let value = transform_attribute(tag, &lower, &value, &self.base_url).unwrap_or(value);
            out.push((name, AttrValue::Str(value)));
        }
        out
    }

    fn input_state(&self, input: &HtmlInputElement, attributes: &mut Vec<(String, AttrValue)>) {
        let kind = input.type_();
        self.push_value(attributes, &kind, &input.value());
        if matches!(kind.as_str(), "checkbox" | "radio") {
            attributes.retain(|(name, _)| name != "checked");
            if input.checked() {
                attributes.push(("checked".into(), AttrValue::True));
            }
        }
    }

    /// Replaces the markup's `value` attribute with the control's current value, as the
    /// privacy engine allows it to be recorded.
    fn push_value(&self, attributes: &mut Vec<(String, AttrValue)>, kind: &str, value: &str) {
        attributes.retain(|(name, _)| name != "value");
        if !value.is_empty() {
            let recorded = self.options.inputs.record_value(kind, value);
            attributes.push(("value".into(), AttrValue::Str(recorded)));
        }
    }

    fn is_defined_custom_element(&self, tag: &str) -> bool {
        let Some(registry) = &self.options.custom_elements else {
            return false;
        };
        !registry.get(tag).is_undefined()
    }
}

#[derive(Clone, Copy)]
struct ParentContext {
    in_shadow: bool,
    in_svg: bool,
    text_role: TextRole,
}

fn take_attribute(attributes: &mut Vec<(String, AttrValue)>, name: &str) -> Option<AttrValue> {
    let index = attributes.iter().position(|(n, _)| n == name)?;
    Some(attributes.remove(index).1)
}

fn media_state(media: &HtmlMediaElement, attributes: &mut Vec<(String, AttrValue)>) {
    let state = if media.paused() { "paused" } else { "played" };
    attributes.push(("rr_mediaState".into(), AttrValue::Str(state.into())));
    attributes.push((
        "rr_mediaCurrentTime".into(),
        AttrValue::Num(media.current_time()),
    ));
    attributes.push((
        "rr_mediaPlaybackRate".into(),
        AttrValue::Num(media.playback_rate()),
    ));
    attributes.push(("rr_mediaMuted".into(), AttrValue::Bool(media.muted())));
    attributes.push(("rr_mediaLoop".into(), AttrValue::Bool(media.loop_())));
    attributes.push(("rr_mediaVolume".into(), AttrValue::Num(media.volume())));
}
