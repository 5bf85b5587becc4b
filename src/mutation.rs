//! The Mutation event: one per MutationObserver callback, assembled from its four lists.
//!
//! The web layer decides what goes in (de-duplication needs the live DOM); this module only
//! writes it, in the shape rrweb's Replayer applies: removes, then adds, then texts, then
//! attributes. Adds are flat (one entry per node, children listed separately) because the
//! Replayer builds each add without its children.

use crate::json::JsonWriter;
use crate::protocol::{begin_incremental, end_incremental, incremental_source, Timestamp};
use crate::snapshot::{AttrValue, NodeEncoder};

/// Removes, texts and attributes, written first; [`into_adds`](MutationWriter::into_adds) then
/// starts the event's final text, and the adds (the bulk of a large batch) are written straight
/// into it: the event is never copied whole from one buffer into another.
#[derive(Default)]
pub struct MutationWriter {
    texts: JsonWriter,
    attributes: JsonWriter,
    removes: JsonWriter,
    count: usize,
}

/// The Mutation event from its `adds` list on: everything before is written already.
///
/// A large event is cut into parts of about [`PART_BYTES`] as it is written: one growing
/// buffer would double its capacity (and hold old and new copies while it does) up to twice
/// the event's size; the parts are joined once, at the exact size, or handed to JS as they
/// come (see [`take_parts`](Self::take_parts)).
pub struct MutationAdds {
    enc: NodeEncoder,
    count: usize,
    parts: Vec<String>,
}

/// The size at which the event's text written so far is cut off as a part.
pub const PART_BYTES: usize = 64 * 1024;

impl MutationWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn text(&mut self, id: u32, value: &str) {
        self.texts
            .begin_object()
            .member_uint("id", id.into())
            .member_str("value", value)
            .end_object();
        self.count += 1;
    }

    /// Changed attributes of one element; `None` means the attribute was removed.
    pub fn attributes<N: AsRef<str>>(&mut self, id: u32, changed: &[(N, Option<AttrValue>)]) {
        if changed.is_empty() {
            return;
        }
        self.attributes
            .begin_object()
            .member_uint("id", id.into())
            .key("attributes")
            .begin_object();
        for (name, value) in changed {
            self.attributes.key(name.as_ref());
            match value {
                None => self.attributes.null(),
                Some(AttrValue::Str(s)) => self.attributes.string(s),
                Some(AttrValue::True) => self.attributes.bool(true),
                Some(AttrValue::Bool(b)) => self.attributes.bool(*b),
                Some(AttrValue::Int(n)) => self.attributes.int(*n),
                Some(AttrValue::Num(n)) => self.attributes.number(*n),
            };
        }
        self.attributes.end_object().end_object();
        self.count += 1;
    }

    pub fn remove(&mut self, parent_id: u32, id: u32, is_shadow: bool) {
        self.removes
            .begin_object()
            .member_uint("parentId", parent_id.into())
            .member_uint("id", id.into());
        if is_shadow {
            self.removes.member_bool("isShadow", true);
        }
        self.removes.end_object();
        self.count += 1;
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Writes the event up to its `adds` list, in the order rrweb writes it (texts, attributes,
    /// removes, adds); nothing but adds can be written from here on.
    pub fn into_adds(self) -> MutationAdds {
        let mut w = JsonWriter::with_capacity(
            128 + self.texts.len() + self.attributes.len() + self.removes.len(),
        );
        begin_incremental(&mut w, incremental_source::MUTATION);
        for (name, list) in [
            ("texts", &self.texts),
            ("attributes", &self.attributes),
            ("removes", &self.removes),
        ] {
            w.key(name)
                .begin_array()
                .raw_elements(list.as_str())
                .end_array();
        }
        w.key("adds").begin_array();
        MutationAdds {
            enc: NodeEncoder::adds_into(w),
            count: self.count,
            parts: Vec::new(),
        }
    }

    /// The finished event, or `None` when nothing changed (empty mutations are not emitted).
    pub fn finish(self, timestamp: Timestamp) -> Option<String> {
        self.into_adds().finish(timestamp)
    }
}

impl MutationAdds {
    /// The encoder for one add entry: `begin_add`, one node with no children, `end_add`.
    pub fn entry(&mut self) -> &mut NodeEncoder {
        if self.enc.len() >= PART_BYTES {
            self.parts.push(self.enc.text_from(0).to_string());
            // The comma state is kept: writing goes on as if the text were still there.
            self.enc.truncate(0);
        }
        self.count += 1;
        &mut self.enc
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The parts cut off so far (the event's text in order), for a caller that hands them on
    /// as they come rather than holding the whole event.
    pub fn take_parts(&mut self) -> Vec<String> {
        std::mem::take(&mut self.parts)
    }

    /// The rest of the event in parts (the last ends it), or `None` when nothing changed.
    pub fn finish_parts(self, timestamp: Timestamp) -> Option<Vec<String>> {
        if self.is_empty() {
            return None;
        }
        let mut parts = self.parts;
        let mut w = self.enc.into_writer();
        w.end_array();
        end_incremental(&mut w, timestamp);
        parts.push(w.into_string());
        Some(parts)
    }

    /// The finished event, or `None` when nothing changed.
    pub fn finish(self, timestamp: Timestamp) -> Option<String> {
        let parts = self.finish_parts(timestamp)?;
        if parts.len() == 1 {
            return parts.into_iter().next();
        }
        Some(parts.concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{ElementFlags, NodeMeta};

    #[test]
    fn empty_batches_are_not_emitted() {
        assert_eq!(MutationWriter::new().finish(1), None);
        let mut w = MutationWriter::new();
        w.attributes::<String>(3, &[]);
        assert_eq!(w.finish(1), None);
        assert_eq!(MutationWriter::new().into_adds().finish(1), None);
    }

    /// An event larger than a part is cut as it is written, and comes out whole and the same.
    #[test]
    fn parts_join_into_the_event() {
        let write = |n: u32| {
            let mut w = MutationWriter::new();
            w.text(1, "t");
            let mut w = w.into_adds();
            for id in 0..n {
                let adds = w.entry();
                adds.begin_add(1, None);
                adds.text(NodeMeta::top(10 + id), "some text of a node");
                adds.end_add();
            }
            w
        };
        let n = 10_000;
        let mut w = write(n);
        let taken = w.take_parts();
        assert!(taken.len() > 5, "{} parts", taken.len());
        let rest = w.finish_parts(7).unwrap();
        let joined: String = taken.iter().chain(&rest).map(String::as_str).collect();
        let whole = write(n).finish(7).unwrap();
        assert_eq!(joined, whole);
        let event: serde_json::Value = serde_json::from_str(&whole).unwrap();
        let adds = event["data"]["adds"].as_array().unwrap();
        assert_eq!(adds.len(), n as usize);
        assert_eq!(adds[n as usize - 1]["node"]["id"], 10 + n - 1);
        assert_eq!(event["data"]["texts"][0]["value"], "t");
        assert_eq!(event["timestamp"], 7);
    }

    #[test]
    fn adds_only_and_no_adds() {
        let mut w = MutationWriter::new().into_adds();
        let adds = w.entry();
        adds.begin_add(1, None);
        adds.cdata(NodeMeta::top(2));
        adds.end_add();
        assert_eq!(
            w.finish(5).unwrap(),
            concat!(
                r#"{"type":3,"data":{"source":0,"texts":[],"attributes":[],"removes":[],"#,
                r#""adds":[{"parentId":1,"nextId":null,"node":{"type":4,"textContent":"","id":2}}]},"#,
                r#""timestamp":5}"#
            )
        );
        let mut w = MutationWriter::new();
        w.remove(1, 2, false);
        assert_eq!(
            w.finish(5).unwrap(),
            concat!(
                r#"{"type":3,"data":{"source":0,"texts":[],"attributes":[],"#,
                r#""removes":[{"parentId":1,"id":2}],"adds":[]},"timestamp":5}"#
            )
        );
    }

    #[test]
    fn mutation_golden() {
        let mut w = MutationWriter::new();
        w.remove(4, 9, false);
        w.remove(12, 13, true);
        w.text(7, "new text");
        w.attributes::<String>(
            5,
            &[
                ("class".into(), Some(AttrValue::Str("a b".into()))),
                ("hidden".into(), None),
            ],
        );
        let mut w = w.into_adds();
        let adds = w.entry();
        adds.begin_add(4, None);
        adds.open_element(
            NodeMeta::top(20),
            "li",
            &[("class".into(), AttrValue::Str("new".into()))],
            ElementFlags::default(),
        );
        adds.close();
        adds.end_add();
        let adds = w.entry();
        adds.begin_add(20, Some(22));
        adds.text(NodeMeta::top(21), "hi");
        adds.end_add();
        assert_eq!(
            w.finish(1_000).unwrap(),
            concat!(
                r#"{"type":3,"data":{"source":0,"#,
                r#""texts":[{"id":7,"value":"new text"}],"#,
                r#""attributes":[{"id":5,"attributes":{"class":"a b","hidden":null}}],"#,
                r#""removes":[{"parentId":4,"id":9},{"parentId":12,"id":13,"isShadow":true}],"#,
                r#""adds":[{"parentId":4,"nextId":null,"node":{"type":2,"tagName":"li","attributes":{"class":"new"},"childNodes":[],"id":20}},"#,
                r#"{"parentId":20,"nextId":22,"node":{"type":3,"textContent":"hi","id":21}}]},"#,
                r#""timestamp":1000}"#
            )
        );
    }
}
