//! Wire writers for stylesheet changes made through the CSSOM: StyleSheetRule (8),
//! StyleDeclaration (13) and AdoptedStyleSheet (15) events, shaped as rrweb 2.x emits them.
//!
//! Rule text is passed through as the page wrote it: rrweb does not make `url(...)` in inserted
//! rules absolute either, so replays of both agree.

use crate::json::JsonWriter;
use crate::protocol::{begin_incremental, end_incremental, incremental_source, Timestamp};

/// Which sheet in the replay a change applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sheet {
    /// The sheet of a `<style>` or `<link>`: the owner node's id.
    Node(u32),
    /// A constructed sheet: its id in the session's style-sheet mirror (from 1).
    Constructed(u32),
}

/// Where a rule sits: an index into the sheet, or a path through nested grouping rules
/// (`@media`, `@supports`, …) whose last element indexes the innermost rule list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulePos<'a> {
    Top(u32),
    Nested(&'a [u32]),
}

/// A constructed sheet the replay has not seen yet, sent with the adoption that first uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSheet {
    pub style_id: u32,
    /// Each rule's CSS text, in sheet order.
    pub rules: Vec<String>,
}

/// A rule index as the browser converts it (WebIDL `unsigned long`: truncated, modulo 2^32;
/// NaN and infinities are 0), so the event names the rule the page's call acted on.
pub fn idl_index(value: f64) -> u32 {
    if !value.is_finite() {
        return 0;
    }
    value.trunc().rem_euclid(4_294_967_296.0) as u32
}

fn begin(w: &mut JsonWriter, source: u64, sheet: Sheet) {
    begin_incremental(w, source);
    match sheet {
        Sheet::Node(id) => w.member_uint("id", id.into()),
        Sheet::Constructed(id) => w.member_uint("styleId", id.into()),
    };
}

fn path(w: &mut JsonWriter, path: &[u32]) {
    w.begin_array();
    for &i in path {
        w.uint(i.into());
    }
    w.end_array();
}

fn index(w: &mut JsonWriter, pos: RulePos) {
    w.key("index");
    match pos {
        RulePos::Top(i) => {
            w.uint(i.into());
        }
        RulePos::Nested(p) => path(w, p),
    }
}

/// `insertRule` / `addRule`: `{source:8, id|styleId, adds:[{rule, index}]}`.
pub fn rule_added(sheet: Sheet, rule: &str, pos: RulePos, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(96 + rule.len());
    begin(&mut w, incremental_source::STYLE_SHEET_RULE, sheet);
    w.key("adds").begin_array().begin_object();
    w.member_str("rule", rule);
    index(&mut w, pos);
    w.end_object().end_array();
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// `deleteRule` / `removeRule`: `{source:8, id|styleId, removes:[{index}]}`.
pub fn rule_removed(sheet: Sheet, pos: RulePos, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(96);
    begin(&mut w, incremental_source::STYLE_SHEET_RULE, sheet);
    w.key("removes").begin_array().begin_object();
    index(&mut w, pos);
    w.end_object().end_array();
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// `replace` (once its promise resolved) or `replaceSync`: `{source:8, id|styleId, replace|replaceSync}`.
pub fn sheet_replaced(sheet: Sheet, text: &str, sync: bool, timestamp: Timestamp) -> String {
    let mut w = JsonWriter::with_capacity(96 + text.len());
    begin(&mut w, incremental_source::STYLE_SHEET_RULE, sheet);
    w.member_str(if sync { "replaceSync" } else { "replace" }, text);
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// `rule.style.setProperty(...)`: `{source:13, id|styleId, index, set:{property, value, priority?}}`.
/// `priority` is left out when the page did not pass one, as rrweb's `JSON.stringify` does.
pub fn property_set(
    sheet: Sheet,
    rule: &[u32],
    property: &str,
    value: &str,
    priority: Option<&str>,
    timestamp: Timestamp,
) -> String {
    let mut w = JsonWriter::with_capacity(128 + property.len() + value.len());
    begin(&mut w, incremental_source::STYLE_DECLARATION, sheet);
    index(&mut w, RulePos::Nested(rule));
    w.key("set").begin_object();
    w.member_str("property", property)
        .member_str("value", value);
    if let Some(priority) = priority {
        w.member_str("priority", priority);
    }
    w.end_object();
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// `rule.style.removeProperty(...)`: `{source:13, id|styleId, index, remove:{property}}`.
pub fn property_removed(
    sheet: Sheet,
    rule: &[u32],
    property: &str,
    timestamp: Timestamp,
) -> String {
    let mut w = JsonWriter::with_capacity(112 + property.len());
    begin(&mut w, incremental_source::STYLE_DECLARATION, sheet);
    index(&mut w, RulePos::Nested(rule));
    w.key("remove").begin_object();
    w.member_str("property", property).end_object();
    end_incremental(&mut w, timestamp);
    w.into_string()
}

/// A document's or shadow root's `adoptedStyleSheets`: `{source:15, id, styleIds, styles?}`,
/// `id` being the document's id or the shadow host's. `styles` carries the sheets sent for the
/// first time and is left out when there are none (rrweb's StylesheetManager does the same).
pub fn sheets_adopted(
    host_id: u32,
    style_ids: &[u32],
    new_sheets: &[NewSheet],
    timestamp: Timestamp,
) -> String {
    let text: usize = new_sheets
        .iter()
        .flat_map(|s| s.rules.iter())
        .map(|r| r.len() + 24)
        .sum();
    let mut w = JsonWriter::with_capacity(96 + text + 8 * style_ids.len());
    begin_incremental(&mut w, incremental_source::ADOPTED_STYLE_SHEET);
    w.member_uint("id", host_id.into()).key("styleIds");
    path(&mut w, style_ids);
    if !new_sheets.is_empty() {
        w.key("styles").begin_array();
        for sheet in new_sheets {
            w.begin_object()
                .member_uint("styleId", sheet.style_id.into());
            w.key("rules").begin_array();
            for (i, rule) in sheet.rules.iter().enumerate() {
                w.begin_object().member_str("rule", rule);
                w.member_uint("index", i as u64).end_object();
            }
            w.end_array().end_object();
        }
        w.end_array();
    }
    end_incremental(&mut w, timestamp);
    w.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_convert_like_web_idl_unsigned_long() {
        assert_eq!(idl_index(0.0), 0);
        assert_eq!(idl_index(2.9), 2);
        assert_eq!(idl_index(-1.0), u32::MAX);
        assert_eq!(idl_index(4_294_967_297.0), 1);
        assert_eq!(idl_index(f64::NAN), 0);
        assert_eq!(idl_index(f64::INFINITY), 0);
    }

    #[test]
    fn rule_added_to_a_style_element_golden() {
        assert_eq!(
            rule_added(Sheet::Node(17), ".a{color:red}", RulePos::Top(0), 5),
            r#"{"type":3,"data":{"source":8,"id":17,"adds":[{"rule":".a{color:red}","index":0}]},"timestamp":5}"#
        );
    }

    #[test]
    fn nested_rule_added_to_a_constructed_sheet_golden() {
        assert_eq!(
            rule_added(
                Sheet::Constructed(2),
                "a[href=\"x\"]{}",
                RulePos::Nested(&[3, 0, 1]),
                9
            ),
            r#"{"type":3,"data":{"source":8,"styleId":2,"adds":[{"rule":"a[href=\"x\"]{}","index":[3,0,1]}]},"timestamp":9}"#
        );
    }

    #[test]
    fn rule_removed_golden() {
        assert_eq!(
            rule_removed(Sheet::Node(4), RulePos::Top(2), 1),
            r#"{"type":3,"data":{"source":8,"id":4,"removes":[{"index":2}]},"timestamp":1}"#
        );
        assert_eq!(
            rule_removed(Sheet::Constructed(1), RulePos::Nested(&[0, 5]), 1),
            r#"{"type":3,"data":{"source":8,"styleId":1,"removes":[{"index":[0,5]}]},"timestamp":1}"#
        );
    }

    #[test]
    fn replace_and_replace_sync_golden() {
        assert_eq!(
            sheet_replaced(Sheet::Constructed(3), ".b{}\n.c{}", false, 7),
            r#"{"type":3,"data":{"source":8,"styleId":3,"replace":".b{}\n.c{}"},"timestamp":7}"#
        );
        assert_eq!(
            sheet_replaced(Sheet::Constructed(3), "", true, 7),
            r#"{"type":3,"data":{"source":8,"styleId":3,"replaceSync":""},"timestamp":7}"#
        );
    }

    #[test]
    fn property_set_golden_with_and_without_priority() {
        assert_eq!(
            property_set(Sheet::Node(8), &[1], "color", "blue", Some("important"), 2),
            r#"{"type":3,"data":{"source":13,"id":8,"index":[1],"set":{"property":"color","value":"blue","priority":"important"}},"timestamp":2}"#
        );
        assert_eq!(
            property_set(Sheet::Constructed(1), &[0, 2], "--x", "\"q\"", None, 2),
            r#"{"type":3,"data":{"source":13,"styleId":1,"index":[0,2],"set":{"property":"--x","value":"\"q\""}},"timestamp":2}"#
        );
    }

    #[test]
    fn property_removed_golden() {
        assert_eq!(
            property_removed(Sheet::Node(8), &[0, 0], "color", 3),
            r#"{"type":3,"data":{"source":13,"id":8,"index":[0,0],"remove":{"property":"color"}},"timestamp":3}"#
        );
    }

    #[test]
    fn adopted_with_new_and_known_sheets_golden() {
        let new = [NewSheet {
            style_id: 2,
            rules: vec![
                ".d { color: red; }".into(),
                "@media print { .e { } }".into(),
            ],
        }];
        assert_eq!(
            sheets_adopted(1, &[1, 2], &new, 4),
            r#"{"type":3,"data":{"source":15,"id":1,"styleIds":[1,2],"styles":[{"styleId":2,"rules":[{"rule":".d { color: red; }","index":0},{"rule":"@media print { .e { } }","index":1}]}]},"timestamp":4}"#
        );
    }

    #[test]
    fn adopted_without_new_sheets_leaves_styles_out() {
        assert_eq!(
            sheets_adopted(12, &[1], &[], 4),
            r#"{"type":3,"data":{"source":15,"id":12,"styleIds":[1]},"timestamp":4}"#
        );
        assert_eq!(
            sheets_adopted(12, &[], &[], 4),
            r#"{"type":3,"data":{"source":15,"id":12,"styleIds":[]},"timestamp":4}"#
        );
    }

    #[test]
    fn every_writer_produces_valid_json() {
        let new = [NewSheet {
            style_id: 1,
            rules: vec!["a\u{1}\"\\".into(), String::new()],
        }];
        let events = [
            rule_added(Sheet::Node(1), "\u{2028}", RulePos::Nested(&[]), 0),
            rule_removed(Sheet::Constructed(1), RulePos::Nested(&[]), 0),
            sheet_replaced(Sheet::Node(1), "\t", true, 0),
            property_set(Sheet::Node(1), &[], "p", "\n", Some(""), 0),
            property_removed(Sheet::Node(1), &[], "", 0),
            sheets_adopted(1, &[1], &new, 0),
        ];
        for event in &events {
            let parsed: serde_json::Value = serde_json::from_str(event).expect(event);
            assert_eq!(parsed["type"], 3);
        }
    }
}
