//! One node → its rrweb description. Shared by the snapshot walk and mutation adds, so a node
//! is recorded (and masked) the same way whichever path finds it.

use super::dom;
use super::mirror::Mirror;
use super::privacy::PrivacyGuard;
use super::recorder::FoundRoots;
use super::stylesheet;
use crate::privacy::{Privacy, Scope};
use crate::snapshot::{
    ignore_attribute, normalize_tag_name, transform_attribute, AttrValue, ElementFlags, NodeMeta,
    SCRIPT_PLACEHOLDER,
};
use wasm_bindgen::JsCast;
use web_sys::{
    Document, DocumentType, Element, HtmlIFrameElement, HtmlInputElement, HtmlLinkElement,
    HtmlMediaElement, HtmlOptionElement, HtmlSelectElement, HtmlStyleElement, HtmlTextAreaElement,
    Node, ShadowRoot,
};

const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";

/// What a text node's parent means for its content.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TextRole {
    Plain,
    /// Inside `<script>`: replaced by the placeholder.
    Script,
    /// Inside `<style>` whose CSS was captured as `_cssText`: recorded empty.
    CapturedStyle,
    /// Inside `<style>` whose CSS is not captured: kept, with URLs made absolute.
    Style,
}

/// Where a node is: what its parent implies for it.
#[derive(Clone, Copy, Debug)]
pub struct ParentContext {
    pub in_shadow: bool,
    pub in_svg: bool,
    pub text_role: TextRole,
    /// The privacy rules inherited from the ancestors.
    pub scope: Scope,
}

impl ParentContext {
    pub const TOP: ParentContext = ParentContext {
        in_shadow: false,
        in_svg: false,
        text_role: TextRole::Plain,
        scope: Scope {
            text: crate::privacy::TextRule::Inherit,
            blocked: false,
            ignored: false,
        },
    };

    /// The context of a child of `parent` (an element, a shadow root or a document) when the
    /// parent was not just described by the walk (a mutation add).
    pub fn of(parent: &Node, privacy: &PrivacyGuard) -> ParentContext {
        let mut ctx = ParentContext::TOP;
        ctx.scope = privacy.scope_of_parent(parent);
        match dom::node_type(parent) {
            Node::DOCUMENT_FRAGMENT_NODE => ctx.in_shadow = dom::as_shadow_root(parent).is_some(),
            Node::ELEMENT_NODE => {
                let el: &Element = parent.unchecked_ref();
                let tag = dom::tag_name(el);
                ctx.text_role = match tag.as_str() {
                    "SCRIPT" | "script" => TextRole::Script,
                    "STYLE" | "style" => TextRole::Style,
                    _ => TextRole::Plain,
                };
                ctx.in_svg = tag != "foreignObject"
                    && (tag == "svg" || dom::namespace_uri(el).as_deref() == Some(SVG_NAMESPACE));
            }
            _ => {}
        }
        ctx
    }
}

/// Settings the serializer needs from the recorder's config.
#[derive(Clone)]
pub struct SerializeOptions {
    pub inline_stylesheet: bool,
    pub privacy: std::rc::Rc<PrivacyGuard>,
    pub custom_elements: Option<web_sys::CustomElementRegistry>,
}

/// A same-origin iframe found while serializing; its document is attached afterwards, as a
/// Mutation, which is how rrweb's Replayer expects iframe content.
pub struct PendingFrame {
    pub iframe_id: u32,
    pub document: Document,
}

/// The description of one node, minus its children.
pub enum Described {
    Element {
        tag: String,
        attributes: Vec<(String, AttrValue)>,
        flags: ElementFlags,
        children: ChildPlan,
    },
    Text(String),
    Comment(String),
    Cdata,
    Doctype {
        name: String,
        public_id: String,
        system_id: String,
    },
}

/// How an element's children are recorded.
pub struct ChildPlan {
    /// False for elements whose children the replay must not get (textarea, iframe).
    pub record: bool,
    /// An open shadow root whose children follow the light-DOM children.
    pub shadow: Option<ShadowRoot>,
    pub context: ParentContext,
}

/// The element an attribute belongs to, fetched (and its privacy scope worked out) only when
/// a rule needs it: most attribute changes (a class, a style) need neither, and each is a
/// crossing into JS.
pub struct Subject<'a> {
    element: Source<'a>,
    scope: std::cell::Cell<Option<Scope>>,
}

/// Where a [`Subject`]'s element comes from.
enum Source<'a> {
    /// At hand.
    Known(&'a Element),
    /// Got by `fetch` when first needed, then kept.
    Deferred {
        fetch: &'a dyn Fn() -> Element,
        fetched: std::cell::OnceCell<Element>,
    },
}

impl<'a> Subject<'a> {
    /// An element at hand, its scope known (the snapshot walk).
    pub fn known(el: &'a Element, scope: Scope) -> Self {
        Subject {
            element: Source::Known(el),
            scope: std::cell::Cell::new(Some(scope)),
        }
    }

    /// An element got by `fetch` when first needed.
    pub fn deferred(fetch: &'a dyn Fn() -> Element) -> Self {
        Subject {
            element: Source::Deferred {
                fetch,
                fetched: std::cell::OnceCell::new(),
            },
            scope: std::cell::Cell::new(None),
        }
    }

    pub fn element(&self) -> &Element {
        match &self.element {
            Source::Known(el) => el,
            Source::Deferred { fetch, fetched } => fetched.get_or_init(fetch),
        }
    }

    /// Whether the element was needed (for a deferred subject: fetched), so that what was
    /// decided about it may depend on it.
    pub fn element_read(&self) -> bool {
        match &self.element {
            Source::Known(_) => true,
            Source::Deferred { fetched, .. } => fetched.get().is_some(),
        }
    }

    pub fn scope(&self, privacy: &PrivacyGuard) -> Scope {
        if let Some(scope) = self.scope.get() {
            return scope;
        }
        let scope = privacy.scope_of(self.element());
        self.scope.set(Some(scope));
        scope
    }
}

/// Describes nodes of one document.
pub struct Serializer {
    pub options: SerializeOptions,
    pub base_url: String,
    /// The id of the iframe document the nodes belong to (none for the top document).
    pub root_id: Option<u32>,
    /// Read `scrollLeft`/`scrollTop` (snapshot only: a node just added has not scrolled, and
    /// the read would force a layout in the middle of the page's own DOM work).
    pub read_scroll: bool,
    pub found: FoundRoots,
}

impl Serializer {
    pub fn new(options: SerializeOptions, document: &Document, root_id: Option<u32>) -> Self {
        Serializer {
            options,
            base_url: document.base_uri().ok().flatten().unwrap_or_default(),
            root_id,
            read_scroll: true,
            found: FoundRoots::default(),
        }
    }

    /// Assigns `node` an id and describes it; `None` for node kinds rrweb has no shape for.
    pub fn describe(
        &mut self,
        node: &Node,
        parent: ParentContext,
        mirror: &mut Mirror,
    ) -> Option<(NodeMeta, Described)> {
        let (meta, described) = self.describe_as(node, parent, 0)?;
        Some((
            NodeMeta {
                id: mirror.assign(node),
                ..meta
            },
            described,
        ))
    }

    /// Describes a node whose id was given already (the snapshot numbers nodes up front).
    pub fn describe_as(
        &mut self,
        node: &Node,
        parent: ParentContext,
        id: u32,
    ) -> Option<(NodeMeta, Described)> {
        let mut read = dom::read_node(node);
        let kind = read.bytes().next();
        read.replace_range(..kind.map_or(0, |_| 1), "");
        let described = match kind {
            Some(b'E') => {
                let read = parse_element(&read);
                self.element(node.unchecked_ref(), parent, read)
            }
            Some(b'T') => Described::Text(self.text_of(node, parent, Some(read))),
            Some(b'C') => Described::Comment(read),
            _ => self.describe_other(node)?,
        };
        let meta = NodeMeta {
            id,
            root_id: self.root_id,
            is_shadow: parent.in_shadow,
        };
        Some((meta, described))
    }

    /// Describes a node `read_node` does not read (neither an element, a text nor a comment).
    fn describe_other(&mut self, node: &Node) -> Option<Described> {
        let described = match dom::node_type(node) {
            Node::CDATA_SECTION_NODE => Described::Cdata,
            Node::DOCUMENT_TYPE_NODE => {
                let doctype: &DocumentType = node.unchecked_ref();
                Described::Doctype {
                    name: doctype.name(),
                    public_id: doctype.public_id(),
                    system_id: doctype.system_id(),
                }
            }
            // Processing instructions and the like have no rrweb representation.
            _ => return None,
        };
        Some(described)
    }

    /// A text node's recorded value for its parent's role and privacy scope.
    pub fn text(&self, node: &Node, parent: ParentContext) -> String {
        self.text_of(node, parent, None)
    }

    /// As `text`, with the node's value when it was read already.
    fn text_of(&self, node: &Node, parent: ParentContext, value: Option<String>) -> String {
        let value = || value.unwrap_or_else(|| dom::node_value(node).unwrap_or_default());
        match parent.text_role {
            TextRole::Script => SCRIPT_PLACEHOLDER.to_string(),
            TextRole::CapturedStyle => String::new(),
            TextRole::Style => crate::url::resolve_css_urls(&self.base_url, &value()),
            TextRole::Plain => self.options.privacy.text_owned(parent.scope, value(), node),
        }
    }

    /// `read`: the tag name, the attributes and whether it hosts an open shadow root, as the
    /// page has them.
    fn element(&mut self, el: &Element, parent: ParentContext, read: ElementRead) -> Described {
        let (raw_tag, raw, has_shadow) = read;
        let tag = normalize_tag_name(&raw_tag, raw_tag == "FORM");
        let is_svg = raw_tag == "svg"
            || (parent.in_svg && dom::namespace_uri(el).as_deref() == Some(SVG_NAMESPACE));
        let scope = self.options.privacy.enter(parent.scope, el, &tag, &raw);
        let flags = ElementFlags {
            is_svg,
            is_custom: tag.contains('-') && self.is_defined_custom_element(&tag),
            is_shadow_host: false,
        };
        if scope.blocked {
            return self.placeholder(el, tag, &raw, flags, parent);
        }
        let subject = Subject::known(el, scope);
        let mut attributes: Vec<(String, AttrValue)> = raw
            .into_iter()
            .filter_map(|(name, value)| {
                let value = self.attribute(&subject, &tag, &name, Some(value))?;
                Some((name, value))
            })
            .collect();
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
            "input" => {
                let input: &HtmlInputElement = el.unchecked_ref();
                self.push_value(&mut attributes, el, "input", &input.value(), scope);
                if matches!(input.type_().as_str(), "checkbox" | "radio") && input.checked() {
                    attributes.push(("checked".into(), AttrValue::True));
                }
            }
            "textarea" => {
                // Children of a textarea hold its default text: never recorded, the (masked)
                // current value stands for them.
                record_children = false;
                let value = el.unchecked_ref::<HtmlTextAreaElement>().value();
                self.push_value(&mut attributes, el, "textarea", &value, scope);
            }
            "select" => {
                let value = el.unchecked_ref::<HtmlSelectElement>().value();
                self.push_value(&mut attributes, el, "select", &value, scope);
            }
            "option" => {
                // Which option is chosen reveals the select's value as plainly as the value.
                let option: &HtmlOptionElement = el.unchecked_ref();
                let select = el.closest("select").ok().flatten();
                let masked = select.is_none_or(|s| {
                    let privacy = &self.options.privacy;
                    privacy.masks_input(privacy.scope_of(&s), &s, "select")
                });
                if option.selected() && !masked {
                    attributes.push(("selected".into(), AttrValue::True));
                }
            }
            "iframe" => {
                // The replay must not load the frame itself: a same-origin document is attached
                // as recorded, an opaque one stays an empty box that remembers its URL.
                record_children = false;
                let frame: &HtmlIFrameElement = el.unchecked_ref();
                if frame.content_document().is_none() {
                    if let Some(src) = el.get_attribute("src").filter(|s| !s.trim().is_empty()) {
                        let src = crate::url::resolve(&self.base_url, &src);
                        attributes.push(("rr_src".into(), AttrValue::Str(src)));
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

        if self.read_scroll && may_scroll(&tag, is_svg) && dom::is_scrolled(el) {
            let left = dom::scroll_left(el).round() as i64;
            if left != 0 {
                attributes.push(("rr_scrollLeft".into(), AttrValue::Int(left)));
            }
            let top = dom::scroll_top(el).round() as i64;
            if top != 0 {
                attributes.push(("rr_scrollTop".into(), AttrValue::Int(top)));
            }
        }

        let shadow = if has_shadow {
            dom::shadow_root(el)
        } else {
            None
        };
        if let Some(root) = &shadow {
            self.found.shadow_roots.push(root.clone());
        }
        let flags = ElementFlags {
            is_shadow_host: shadow.is_some(),
            ..flags
        };
        let context = ParentContext {
            in_shadow: false,
            in_svg: is_svg && tag != "foreignobject",
            text_role,
            scope,
        };
        Described::Element {
            tag,
            attributes,
            flags,
            children: ChildPlan {
                record: record_children,
                shadow,
                context,
            },
        }
    }

    /// A blocked element: a box of its size that keeps only its class, with no children.
    fn placeholder(
        &self,
        el: &Element,
        tag: String,
        raw: &[(String, String)],
        flags: ElementFlags,
        parent: ParentContext,
    ) -> Described {
        let rect = el.get_bounding_client_rect();
        let mut attributes = Vec::with_capacity(3);
        if let Some((_, class)) = raw.iter().find(|(n, _)| n == "class") {
            attributes.push(("class".to_string(), AttrValue::Str(class.clone())));
        }
        attributes.push(("rr_width".into(), AttrValue::Str(px(rect.width()))));
        attributes.push(("rr_height".into(), AttrValue::Str(px(rect.height()))));
        Described::Element {
            tag,
            attributes,
            flags,
            children: ChildPlan {
                record: false,
                shadow: None,
                context: parent,
            },
        }
    }

    /// Notes a same-origin iframe so its document is attached after the node is written.
    pub fn note_frame(&mut self, iframe: &Element, iframe_id: u32) {
        if self.options.privacy.is_blocked(iframe) {
            return;
        }
        if let Some(document) = iframe
            .unchecked_ref::<HtmlIFrameElement>()
            .content_document()
        {
            self.found.frames.push(PendingFrame {
                iframe_id,
                document,
            });
        }
    }

    /// How one attribute is recorded, for the snapshot and for attribute mutations alike.
    /// `None` drops it. Text attributes go through the privacy engine; form values are
    /// recorded from the control's state instead (see `push_value`). The element and its
    /// privacy scope are only looked at by the rules that need them.
    pub fn attribute(
        &self,
        el: &Subject,
        tag: &str,
        name: &str,
        value: Option<String>,
    ) -> Option<AttrValue> {
        if ignore_attribute(tag, name) {
            return None;
        }
        // Attribute names of HTML elements are lower case already: no copy then.
        let lower = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(name.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(name)
        };
        match (tag, lower.as_ref()) {
            ("input" | "textarea" | "select", "value") => return None,
            ("input", "checked") | ("option", "selected") => return None,
            // The frame's document is recorded (and masked) as nodes; `srcdoc` would carry the
            // same content unmasked, and the replay would load it over the recorded document.
            ("iframe", "src" | "srcdoc") => return None,
            _ => {}
        }
        let value = value?;
        if tag == "option" && lower == "value" {
            // An option's value is a value the select can have: masked with the select's.
            if let Some(select) = el.element().closest("select").ok().flatten() {
                let privacy = &self.options.privacy;
                let masked =
                    privacy.input_value(privacy.scope_of(&select), &select, "select", &value);
                return Some(AttrValue::Str(masked));
            }
        }
        if Privacy::is_text_attribute(&lower) {
            let privacy = &self.options.privacy;
            let text = privacy.text_owned(el.scope(privacy), value, el.element());
            return Some(AttrValue::Str(text));
        }
        let value = transform_attribute(tag, &lower, &value, &self.base_url).unwrap_or(value);
        Some(AttrValue::Str(value))
    }

    /// Records the control's current value as the privacy engine allows it.
    fn push_value(
        &self,
        attributes: &mut Vec<(String, AttrValue)>,
        el: &Element,
        tag: &str,
        value: &str,
        scope: Scope,
    ) {
        if !value.is_empty() {
            let recorded = self.options.privacy.input_value(scope, el, tag, value);
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

/// Whether an element can hold a scroll offset worth reading. Reading `scrollLeft`/`scrollTop`
/// is the single largest cost of a snapshot (a layout-dependent read per element); phrasing
/// and void elements, table internals (overflow does not apply to them) and SVG content are
/// skipped, as they are practically never scroll containers.
pub fn may_scroll(tag: &str, is_svg: bool) -> bool {
    if is_svg {
        return false;
    }
    !matches!(
        tag,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "br"
            | "button"
            | "cite"
            | "code"
            | "col"
            | "data"
            | "dfn"
            | "em"
            | "hr"
            | "i"
            | "img"
            | "input"
            | "kbd"
            | "label"
            | "li"
            | "link"
            | "mark"
            | "meta"
            | "option"
            | "p"
            | "q"
            | "s"
            | "samp"
            | "script"
            | "small"
            | "source"
            | "span"
            | "strong"
            | "style"
            | "sub"
            | "sup"
            | "td"
            | "th"
            | "time"
            | "title"
            | "tr"
            | "track"
            | "u"
            | "var"
            | "wbr"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "base"
            | "noscript"
            | "template"
    )
}

/// An element's tag name, attributes and whether it hosts an open shadow root.
type ElementRead = (String, Vec<(String, String)>, bool);

/// Parses `tag_and_attributes`' answer.
fn parse_element(packed: &str) -> ElementRead {
    let has_shadow = packed.starts_with('1');
    let mut parts = packed.get(1..).unwrap_or_default().split('\0');
    let tag = parts.next().unwrap_or_default().to_string();
    let mut attributes = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        attributes.push((
            unescape_field(name).into_owned(),
            unescape_field(value).into_owned(),
        ));
    }
    (tag, attributes, has_shadow)
}

/// A field of a NUL-separated list from glue.js (`escapeField`), its NUL and escape
/// characters restored.
pub fn unescape_field(field: &str) -> std::borrow::Cow<'_, str> {
    if !field.contains('\u{1}') {
        return std::borrow::Cow::Borrowed(field);
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\u{1}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('\0'),
            Some(_) => out.push('\u{1}'),
            None => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `12.5px`, formatted without the float formatting machinery.
fn px(value: f64) -> String {
    let mut w = crate::json::JsonWriter::new();
    w.number(value.max(0.0));
    let mut s = w.into_string();
    s.push_str("px");
    s
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
