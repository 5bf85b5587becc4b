//! Serialized nodes in rrweb's shape, written as a stream of open/close calls.
//!
//! The DOM walk (in `web/`) calls [`NodeEncoder`] once per node in document order; an element
//! is opened, its children follow, then it is closed. Nothing here recurses, so a 10,000-deep
//! page costs a `Vec` of frames in the walk and nothing on the call stack.
//!
//! The attribute rules (URLs made absolute, form state, tag-name normalisation) match
//! rrweb-snapshot 2.x so recordings replay the same in rrweb's Replayer.

use crate::json::JsonWriter;
use crate::protocol::{begin_event, end_event, event_type, incremental_source, node_type};
use crate::url;

/// Text recorded in place of every `<script>`'s source.
pub const SCRIPT_PLACEHOLDER: &str = "SCRIPT_PLACEHOLDER";

/// An attribute value as rrweb records it.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Str(String),
    /// Boolean state such as `checked` and `selected`, recorded as `true`.
    True,
    Bool(bool),
    Int(i64),
    /// Media state such as the current time; written with at most three decimals.
    Num(f64),
}

/// Where a node sits: its id, the id of the iframe document it belongs to (none for the top
/// document) and whether it is a direct child of an open shadow root.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NodeMeta {
    pub id: u32,
    pub root_id: Option<u32>,
    pub is_shadow: bool,
}

#[cfg(test)]
impl NodeMeta {
    /// A node of the top document, not a shadow root's child (what most tests write).
    pub fn top(id: u32) -> NodeMeta {
        NodeMeta {
            id,
            ..NodeMeta::default()
        }
    }
}

/// Element flags that rrweb records only when true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ElementFlags {
    pub is_svg: bool,
    pub is_custom: bool,
    pub is_shadow_host: bool,
}

/// rrweb's tag name: lower case, `form` for any form element, and `div` for a name that is
/// not a plain tag (rrweb's `getValidTagName`).
pub fn normalize_tag_name(tag_name: &str, is_form: bool) -> String {
    if is_form {
        return "form".to_string();
    }
    let lower = tag_name.to_ascii_lowercase();
    let valid = lower
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b':'));
    if valid {
        lower
    } else {
        "div".to_string()
    }
}

/// Rewrites an attribute value as rrweb does: URLs absolute against `base` (the document's base
/// URL), CSS `url(...)` in `style` absolute. Returns `None` when the value stays as it is.
pub fn transform_attribute(tag: &str, name: &str, value: &str, base: &str) -> Option<String> {
    if value.trim().is_empty() {
        return None;
    }
    let is_url = match name {
        "src" => true,
        "href" => !(tag == "use" && value.starts_with('#')),
        "xlink:href" => !value.starts_with('#'),
        "background" => matches!(tag, "table" | "td" | "th"),
        "data" => tag == "object",
        "srcset" => return Some(url::resolve_srcset(base, value)),
        "style" => return Some(url::resolve_css_urls(base, value)),
        _ => false,
    };
    is_url.then(|| url::resolve(base, value))
}

/// True for attributes rrweb leaves out (autoplay would start media in the replay).
pub fn ignore_attribute(tag: &str, name: &str) -> bool {
    matches!(tag, "video" | "audio") && name.eq_ignore_ascii_case("autoplay")
}

/// Writes serialized nodes, and the events that carry them, into one JSON buffer.
///
/// Keys come in rrweb's order (`serializeNodeWithId` adds `id` after the node's own keys, and
/// `isShadowHost` / `isShadow` after that): an element's `id` therefore follows its children,
/// and what an open node still owes its closing is kept on a stack. The order matters for size:
/// rrweb's `{"type":2,"tagName":"div","attributes":{` prefixes repeat verbatim, which gzip
/// rewards, where an `id` first would break every one of them.
pub struct NodeEncoder {
    w: JsonWriter,
    open: Vec<Tail>,
}

/// What an open document or element writes after its children.
struct Tail {
    node: NodeMeta,
    flags: ElementFlags,
    /// A document's non-standard `compatMode` (rrweb writes it after `childNodes`).
    compat_mode: Option<String>,
}

impl NodeEncoder {
    /// Starts a FullSnapshot event; the root node (the document) comes next.
    pub fn full_snapshot() -> Self {
        let mut w = JsonWriter::with_capacity(16 * 1024);
        begin_event(&mut w, event_type::FULL_SNAPSHOT);
        w.begin_object().key("node");
        NodeEncoder::over(w)
    }

    /// Ends the FullSnapshot event with the window's scroll offset at snapshot time.
    pub fn finish_full_snapshot(mut self, top: i64, left: i64, timestamp: u64) -> String {
        self.w.key("initialOffset").begin_object();
        self.w
            .member_int("top", top)
            .member_int("left", left)
            .end_object();
        self.w.end_object();
        end_event(&mut self.w, timestamp);
        self.w.into_string()
    }

    /// A FullSnapshot event with `null` for its node, for a caller that has the node tree
    /// already (parsed chunk by chunk, see the snapshot walk) and sets it in.
    pub fn full_snapshot_shell(top: i64, left: i64, timestamp: u64) -> String {
        let mut e = NodeEncoder::full_snapshot();
        e.w.null();
        e.finish_full_snapshot(top, left, timestamp)
    }

    /// Starts a Mutation event that adds one subtree under `parent_id` (used to attach an
    /// iframe's document, as rrweb's `isAttachIframe` mutation does); the subtree comes next.
    pub fn attach_subtree(parent_id: u32) -> Self {
        let mut w = JsonWriter::with_capacity(4 * 1024);
        begin_event(&mut w, event_type::INCREMENTAL_SNAPSHOT);
        w.begin_object()
            .member_uint("source", incremental_source::MUTATION);
        for empty in ["texts", "attributes", "removes"] {
            w.key(empty).begin_array().end_array();
        }
        w.key("adds").begin_array().begin_object();
        w.member_uint("parentId", parent_id.into())
            .key("nextId")
            .null()
            .key("node");
        NodeEncoder::over(w)
    }

    pub fn finish_attach_subtree(mut self, timestamp: u64) -> String {
        self.w
            .end_object()
            .end_array()
            .member_bool("isAttachIframe", true)
            .end_object();
        end_event(&mut self.w, timestamp);
        self.w.into_string()
    }

    /// A bare list of mutation add entries (`{"parentId","nextId","node"}` objects written by
    /// [`begin_add`](Self::begin_add), a node, [`end_add`](Self::end_add)); see `mutation`.
    pub fn adds() -> Self {
        NodeEncoder::over(JsonWriter::new())
    }

    /// Add entries written after what `w` holds (an open array: see `MutationWriter`).
    pub fn adds_into(w: JsonWriter) -> Self {
        NodeEncoder::over(w)
    }

    pub fn into_writer(self) -> JsonWriter {
        self.w
    }

    fn over(w: JsonWriter) -> Self {
        NodeEncoder {
            w,
            open: Vec::new(),
        }
    }

    pub fn begin_add(&mut self, parent_id: u32, next_id: Option<u32>) {
        self.w
            .begin_object()
            .member_uint("parentId", parent_id.into())
            .key("nextId");
        match next_id {
            Some(id) => self.w.uint(id.into()),
            None => self.w.null(),
        };
        self.w.key("node");
    }

    pub fn end_add(&mut self) {
        self.w.end_object();
    }

    pub fn len(&self) -> usize {
        self.w.len()
    }

    /// The text written from byte `at` (a length returned by [`len`](Self::len)) on.
    pub fn text_from(&self, at: usize) -> &str {
        self.w.as_str().get(at..).unwrap_or_default()
    }

    /// Drops the text from byte `at` on; writing continues as if it were there, so the text
    /// taken with [`text_from`](Self::text_from) and what follows make the whole JSON.
    pub fn truncate(&mut self, at: usize) {
        self.w.truncate(at);
    }

    pub fn is_empty(&self) -> bool {
        self.w.is_empty()
    }

    fn head(&mut self, kind: u64) {
        self.w.begin_object().member_uint("type", kind);
    }

    /// The keys rrweb writes after a node's own: `rootId` (except on documents), `id`, then
    /// `isShadow`. An element's `isSVG` and `isCustom` precede `rootId`, `isShadowHost` follows
    /// `id`.
    fn tail(&mut self, node: NodeMeta, flags: ElementFlags) {
        if flags.is_svg {
            self.w.member_bool("isSVG", true);
        }
        if let Some(root) = node.root_id {
            self.w.member_uint("rootId", root.into());
        }
        if flags.is_custom {
            self.w.member_bool("isCustom", true);
        }
        self.w.member_uint("id", node.id.into());
        if flags.is_shadow_host {
            self.w.member_bool("isShadowHost", true);
        }
        if node.is_shadow {
            self.w.member_bool("isShadow", true);
        }
        self.w.end_object();
    }

    /// Opens a document node; its children follow, then [`close`](Self::close).
    pub fn open_document(&mut self, node: NodeMeta, compat_mode: &str) {
        self.head(node_type::DOCUMENT);
        self.w.key("childNodes").begin_array();
        self.open.push(Tail {
            node: NodeMeta {
                root_id: None,
                ..node
            },
            flags: ElementFlags::default(),
            compat_mode: (compat_mode != "CSS1Compat").then(|| compat_mode.to_string()),
        });
    }

    pub fn doctype(&mut self, node: NodeMeta, name: &str, public_id: &str, system_id: &str) {
        self.head(node_type::DOCUMENT_TYPE);
        self.w
            .member_str("name", name)
            .member_str("publicId", public_id)
            .member_str("systemId", system_id);
        self.tail(node, ElementFlags::default());
    }

    /// Opens an element; its children follow, then [`close`](Self::close).
    pub fn open_element(
        &mut self,
        node: NodeMeta,
        tag: &str,
        attributes: &[(String, AttrValue)],
        flags: ElementFlags,
    ) {
        self.head(node_type::ELEMENT);
        self.w
            .member_str("tagName", tag)
            .key("attributes")
            .begin_object();
        for (name, value) in attributes {
            self.w.key(name);
            match value {
                AttrValue::Str(s) => self.w.string(s),
                AttrValue::True => self.w.bool(true),
                AttrValue::Bool(b) => self.w.bool(*b),
                AttrValue::Int(n) => self.w.int(*n),
                AttrValue::Num(n) => self.w.number(*n),
            };
        }
        self.w.end_object();
        self.w.key("childNodes").begin_array();
        self.open.push(Tail {
            node,
            flags,
            compat_mode: None,
        });
    }

    /// Closes the innermost open document or element.
    pub fn close(&mut self) {
        self.w.end_array();
        let Some(tail) = self.open.pop() else {
            // Unbalanced: keep the JSON well-formed rather than lose the buffer.
            self.w.end_object();
            return;
        };
        if let Some(mode) = &tail.compat_mode {
            self.w.member_str("compatMode", mode);
        }
        self.tail(tail.node, tail.flags);
    }

    pub fn text(&mut self, node: NodeMeta, text: &str) {
        self.leaf(node, node_type::TEXT, text);
    }

    pub fn comment(&mut self, node: NodeMeta, text: &str) {
        self.leaf(node, node_type::COMMENT, text);
    }

    pub fn cdata(&mut self, node: NodeMeta) {
        self.leaf(node, node_type::CDATA, "");
    }

    fn leaf(&mut self, node: NodeMeta, kind: u64, text: &str) {
        self.head(kind);
        self.w.member_str("textContent", text);
        self.tail(node, ElementFlags::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: u32) -> NodeMeta {
        NodeMeta::top(id)
    }

    #[test]
    fn full_snapshot_golden() {
        let mut e = NodeEncoder::full_snapshot();
        e.open_document(meta(1), "CSS1Compat");
        e.doctype(meta(2), "html", "", "");
        e.open_element(
            meta(3),
            "html",
            &[("lang".into(), AttrValue::Str("en".into()))],
            ElementFlags::default(),
        );
        e.open_element(
            meta(4),
            "svg",
            &[("viewBox".into(), AttrValue::Str("0 0 1 1".into()))],
            ElementFlags {
                is_svg: true,
                ..ElementFlags::default()
            },
        );
        e.close();
        e.open_element(
            meta(5),
            "x-card",
            &[
                ("checked".into(), AttrValue::True),
                ("rr_scrollTop".into(), AttrValue::Int(40)),
                ("rr_mediaMuted".into(), AttrValue::Bool(false)),
                ("rr_mediaVolume".into(), AttrValue::Num(0.5)),
            ],
            ElementFlags {
                is_custom: true,
                is_shadow_host: true,
                ..ElementFlags::default()
            },
        );
        e.text(
            NodeMeta {
                id: 6,
                is_shadow: true,
                root_id: None,
            },
            "hi \"there\"",
        );
        e.close();
        e.comment(meta(7), " c ");
        e.cdata(meta(8));
        e.close();
        e.close();
        let json = e.finish_full_snapshot(120, 0, 1_700_000_000_000);
        let golden = concat!(
            r#"{"type":2,"data":{"node":{"type":0,"childNodes":["#,
            r#"{"type":1,"name":"html","publicId":"","systemId":"","id":2},"#,
            r#"{"type":2,"tagName":"html","attributes":{"lang":"en"},"childNodes":["#,
            r#"{"type":2,"tagName":"svg","attributes":{"viewBox":"0 0 1 1"},"childNodes":[],"isSVG":true,"id":4},"#,
            r#"{"type":2,"tagName":"x-card","attributes":{"checked":true,"rr_scrollTop":40,"rr_mediaMuted":false,"rr_mediaVolume":0.5},"childNodes":["#,
            r#"{"type":3,"textContent":"hi \"there\"","id":6,"isShadow":true}],"isCustom":true,"id":5,"isShadowHost":true},"#,
            r#"{"type":5,"textContent":" c ","id":7},"#,
            r#"{"type":4,"textContent":"","id":8}],"id":3}],"id":1},"#,
            r#""initialOffset":{"top":120,"left":0}},"timestamp":1700000000000}"#
        );
        assert_eq!(json, golden);
        serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
    }

    #[test]
    fn shell_and_chunks_make_the_same_event() {
        assert_eq!(
            NodeEncoder::full_snapshot_shell(3, 4, 5),
            r#"{"type":2,"data":{"node":null,"initialOffset":{"top":3,"left":4}},"timestamp":5}"#
        );
        // Text taken and dropped as it is written, then the rest: the same JSON as written
        // in one piece (the comma state survives the cut).
        let write = |e: &mut NodeEncoder, cut: &mut dyn FnMut(&mut NodeEncoder)| {
            e.open_document(meta(1), "CSS1Compat");
            e.open_element(meta(2), "html", &[], ElementFlags::default());
            e.text(meta(3), "a");
            cut(e);
            e.text(meta(4), "b");
            e.close();
            cut(e);
            e.close();
        };
        let mut whole = NodeEncoder::full_snapshot();
        let start = whole.len();
        write(&mut whole, &mut |_| {});
        let whole = whole.text_from(start).to_string();
        let mut pieces = String::new();
        let mut e = NodeEncoder::full_snapshot();
        let start = e.len();
        write(&mut e, &mut |e| {
            pieces.push_str(e.text_from(start));
            e.truncate(start);
        });
        pieces.push_str(e.text_from(start));
        assert_eq!(pieces, whole);
        assert!(pieces.starts_with(r#"{"type":0,"#), "{pieces}");
    }

    #[test]
    fn iframe_attach_golden() {
        let mut e = NodeEncoder::attach_subtree(9);
        e.open_document(
            NodeMeta {
                id: 10,
                root_id: Some(10),
                is_shadow: false,
            },
            "BackCompat",
        );
        e.open_element(
            NodeMeta {
                id: 11,
                root_id: Some(10),
                is_shadow: false,
            },
            "html",
            &[],
            ElementFlags::default(),
        );
        e.close();
        e.close();
        assert_eq!(
            e.finish_attach_subtree(7),
            concat!(
                r#"{"type":3,"data":{"source":0,"texts":[],"attributes":[],"removes":[],"adds":[{"parentId":9,"nextId":null,"node":"#,
                r#"{"type":0,"childNodes":[{"type":2,"tagName":"html","attributes":{},"childNodes":[],"rootId":10,"id":11}],"compatMode":"BackCompat","id":10}}],"#,
                r#""isAttachIframe":true},"timestamp":7}"#
            )
        );
    }

    #[test]
    fn tag_names_like_rrweb() {
        assert_eq!(normalize_tag_name("DIV", false), "div");
        assert_eq!(
            normalize_tag_name("linearGradient", false),
            "lineargradient"
        );
        assert_eq!(normalize_tag_name("FANCY-BADGE", false), "fancy-badge");
        assert_eq!(normalize_tag_name("FORM", true), "form");
        assert_eq!(normalize_tag_name("svg:rect", false), "svg:rect");
        assert_eq!(normalize_tag_name("weird<tag", false), "div");
    }

    #[test]
    fn attribute_urls_made_absolute() {
        let base = "http://h.test/app/index.html";
        let t = |tag, name, value| transform_attribute(tag, name, value, base);
        assert_eq!(
            t("img", "src", "a.png").as_deref(),
            Some("http://h.test/app/a.png")
        );
        assert_eq!(t("a", "href", "/x").as_deref(), Some("http://h.test/x"));
        assert_eq!(t("use", "href", "#icon"), None);
        assert_eq!(t("use", "xlink:href", "#icon"), None);
        assert_eq!(
            t("image", "xlink:href", "i.svg").as_deref(),
            Some("http://h.test/app/i.svg")
        );
        assert_eq!(
            t("td", "background", "bg.png").as_deref(),
            Some("http://h.test/app/bg.png")
        );
        assert_eq!(t("div", "background", "bg.png"), None);
        assert_eq!(
            t("object", "data", "m.swf").as_deref(),
            Some("http://h.test/app/m.swf")
        );
        assert_eq!(
            t("img", "srcset", "a.png 1x, b.png 2x").as_deref(),
            Some("http://h.test/app/a.png 1x, http://h.test/app/b.png 2x")
        );
        assert_eq!(
            t("div", "style", "background:url(i.png)").as_deref(),
            Some("background:url(http://h.test/app/i.png)")
        );
        assert_eq!(t("div", "class", "a.png"), None);
        assert_eq!(t("img", "src", "  "), None);
        assert!(ignore_attribute("video", "AUTOPLAY"));
        assert!(!ignore_attribute("div", "autoplay"));
    }
}
