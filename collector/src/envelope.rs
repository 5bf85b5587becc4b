//! The batch envelope of PROTOCOL.md: parsed and validated in one pass, with an error that names
//! the field, what it must be and what it was. Events are kept as the exact JSON text the client
//! sent (no re-serialization): the store saves that text. In a v2 or v3 envelope the numbers the
//! client left out (implied by the events' structure, see PROTOCOL.md) are written back into
//! that text first, so what is stored is always the full rrweb event.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// The newest protocol version this collector speaks (`v` in the query and in the envelope);
/// it speaks 1 (every event in full) too.
pub const PROTOCOL_VERSION: u64 = tapedeck::wire::VERSION;
/// Longest `sessionId` / `windowId`, in characters.
pub const MAX_ID_CHARS: usize = 64;
/// Largest integer a JS number holds exactly: `seq + index` must stay below it.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A valid batch, borrowing the event texts from the request body.
#[derive(Debug)]
pub struct Batch<'a> {
    pub session_id: String,
    pub window_id: String,
    /// Index of the first event in its window; event `i` is `seq + i`.
    pub seq: u64,
    /// Client time of the send (ms since the epoch).
    pub sent_at: i64,
    pub events: Vec<Event<'a>>,
}

#[derive(Debug)]
pub struct Event<'a> {
    /// rrweb event type (4 = Meta).
    pub kind: i64,
    /// ms since the epoch (a fractional timestamp is truncated here; the JSON keeps it as sent).
    pub timestamp: i64,
    /// `data.href` of a Meta event: the page it starts.
    pub href: Option<String>,
    /// The event exactly as sent (v2, v3: with its implied numbers written back).
    pub json: Cow<'a, str>,
}

/// Why a body is not a valid envelope; the message is sent back as `{"error": "..."}`.
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

const META: i64 = 4;

/// Present fields keep their raw JSON (`null` included, so "is null" and "is missing" differ).
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(default, borrow, deserialize_with = "present")]
    v: Option<&'a RawValue>,
    #[serde(default, borrow, rename = "sessionId", deserialize_with = "present")]
    session_id: Option<&'a RawValue>,
    #[serde(default, borrow, rename = "windowId", deserialize_with = "present")]
    window_id: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    seq: Option<&'a RawValue>,
    #[serde(default, borrow, rename = "sentAt", deserialize_with = "present")]
    sent_at: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    events: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct EventFields<'a> {
    #[serde(default, borrow, rename = "type", deserialize_with = "present")]
    kind: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    timestamp: Option<&'a RawValue>,
    #[serde(default, borrow, deserialize_with = "present")]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct MetaData {
    #[serde(default)]
    href: Option<serde_json::Value>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// "a string", "an object", …: what a raw JSON value is, for error messages.
fn kind_of(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid(message.into())
}

/// Parse and validate a decoded request body.
pub fn parse(body: &[u8]) -> Result<Batch<'_>, Invalid> {
    if body.starts_with(&[0x1f, 0x8b]) {
        return Err(invalid(
            "body is not JSON: it looks gzip-compressed (send `encoding=gzip` in the query, or `Content-Encoding: gzip`)",
        ));
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        invalid(format!(
            "body is not UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    if text.trim().is_empty() {
        return Err(invalid(
            "body is empty (expected a batch envelope, a JSON object)",
        ));
    }
    let raw: &RawValue =
        serde_json::from_str(text).map_err(|e| invalid(format!("body is not valid JSON: {e}")))?;
    if !raw.get().starts_with('{') {
        return Err(invalid(format!(
            "body must be a JSON object (the batch envelope), got {}",
            kind_of(raw)
        )));
    }
    let fields: Fields =
        serde_json::from_str(raw.get()).map_err(|e| invalid(format!("envelope: {e}")))?;

    let version = check_version(required(fields.v, "v", "the integer 1, 2 or 3")?)?;
    let session_id = id(
        required(fields.session_id, "sessionId", ID_EXPECTED)?,
        "sessionId",
    )?;
    let window_id = id(
        required(fields.window_id, "windowId", ID_EXPECTED)?,
        "windowId",
    )?;
    let seq_raw = required(fields.seq, "seq", "an integer ≥ 0")?;
    let seq = integer(seq_raw)
        .and_then(|n| u64::try_from(n).ok())
        .filter(|&n| n <= MAX_SAFE_INTEGER)
        .ok_or_else(|| {
            invalid(format!(
                "`seq` must be an integer from 0 to {MAX_SAFE_INTEGER}, got {}",
                shown(seq_raw)
            ))
        })?;
    let sent_at_raw = required(fields.sent_at, "sentAt", "an integer (ms since the epoch)")?;
    let sent_at = integer(sent_at_raw).ok_or_else(|| {
        invalid(format!(
            "`sentAt` must be an integer (ms since the epoch), got {}",
            shown(sent_at_raw)
        ))
    })?;
    let events = events(
        required(fields.events, "events", "a non-empty array of rrweb events")?,
        version,
    )?;
    let last = seq + (events.len() as u64 - 1);
    if last > MAX_SAFE_INTEGER {
        return Err(invalid(format!(
            "`seq` + the number of events passes {MAX_SAFE_INTEGER} (the last event would be {last})"
        )));
    }
    Ok(Batch {
        session_id,
        window_id,
        seq,
        sent_at,
        events,
    })
}

const ID_EXPECTED: &str = "a string of 1–64 characters from A–Z a–z 0–9 _ -";

fn required<'a>(
    raw: Option<&'a RawValue>,
    name: &str,
    expected: &str,
) -> Result<&'a RawValue, Invalid> {
    raw.ok_or_else(|| invalid(format!("missing field `{name}` (expected {expected})")))
}

/// A value for an error message: short scalars as they are, everything else by kind.
fn shown(raw: &RawValue) -> String {
    let text = raw.get();
    match kind_of(raw) {
        "a number" | "a boolean" | "null" if text.len() <= 32 => text.to_string(),
        "a string" if text.len() <= 34 => format!("the string {text}"),
        kind => kind.to_string(),
    }
}

/// An integer that fits in i64 (`1.0` and `1e3` are numbers but not integers).
fn integer(raw: &RawValue) -> Option<i64> {
    match serde_json::from_str::<serde_json::Number>(raw.get()) {
        Ok(n) => n.as_i64(),
        Err(_) => None,
    }
}

fn check_version(raw: &RawValue) -> Result<u64, Invalid> {
    match integer(raw) {
        Some(v @ 1..=3) => Ok(v as u64),
        Some(v) => Err(invalid(format!(
            "unsupported protocol version `v`: {v} (this collector speaks 1 to {PROTOCOL_VERSION})"
        ))),
        None => Err(invalid(format!(
            "`v` must be the integer 1, 2 or 3, got {}",
            shown(raw)
        ))),
    }
}

fn id(raw: &RawValue, name: &str) -> Result<String, Invalid> {
    let value: String = serde_json::from_str(raw.get()).map_err(|_| {
        invalid(format!(
            "`{name}` must be {ID_EXPECTED}, got {}",
            shown(raw)
        ))
    })?;
    let chars = value.chars().count();
    if chars == 0 {
        return Err(invalid(format!(
            "`{name}` is empty (expected {ID_EXPECTED})"
        )));
    }
    if chars > MAX_ID_CHARS {
        return Err(invalid(format!(
            "`{name}` is {chars} characters long (at most {MAX_ID_CHARS})"
        )));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(invalid(format!(
            "`{name}` contains {bad:?} (allowed: A–Z a–z 0–9 _ -)"
        )));
    }
    Ok(value)
}

fn events(raw: &RawValue, version: u64) -> Result<Vec<Event<'_>>, Invalid> {
    let items: Vec<&RawValue> = if raw.get().starts_with('[') {
        serde_json::from_str(raw.get()).map_err(|e| invalid(format!("`events`: {e}")))?
    } else {
        return Err(invalid(format!(
            "`events` must be a non-empty array of rrweb events, got {}",
            kind_of(raw)
        )));
    };
    if items.is_empty() {
        return Err(invalid(
            "`events` is empty (a batch carries at least one event)",
        ));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| event(i, item, version))
        .collect()
}

fn event(i: usize, raw: &RawValue, version: u64) -> Result<Event<'_>, Invalid> {
    if !raw.get().starts_with('{') {
        return Err(invalid(format!(
            "`events[{i}]` must be an object (an rrweb event), got {}",
            kind_of(raw)
        )));
    }
    let fields: EventFields =
        serde_json::from_str(raw.get()).map_err(|e| invalid(format!("`events[{i}]`: {e}")))?;
    let kind_raw = fields.kind.ok_or_else(|| {
        invalid(format!(
            "`events[{i}]` has no `type` (expected an integer, the rrweb event type)"
        ))
    })?;
    let kind = integer(kind_raw).ok_or_else(|| {
        invalid(format!(
            "`events[{i}].type` must be an integer (the rrweb event type), got {}",
            shown(kind_raw)
        ))
    })?;
    let ts_raw = fields.timestamp.ok_or_else(|| {
        invalid(format!(
            "`events[{i}]` has no `timestamp` (expected a number, ms since the epoch)"
        ))
    })?;
    let timestamp = timestamp(ts_raw).ok_or_else(|| {
        invalid(format!(
            "`events[{i}].timestamp` must be a number (ms since the epoch), got {}",
            shown(ts_raw)
        ))
    })?;
    let href =
        match (kind, fields.data) {
            (META, Some(data)) => serde_json::from_str::<MetaData>(data.get())
                .ok()
                .and_then(|d| match d.href {
                    Some(serde_json::Value::String(href)) => Some(href),
                    _ => None,
                }),
            _ => None,
        };
    // The SDK's own restore: it knows which events can hold implied numbers (and leaves the
    // others as they are without scanning them), and which may be sent explicit.
    let json = tapedeck::wire::restore(raw.get(), version)
        .map_err(|e| invalid(format!("`events[{i}]`: {}", e.0)))?;
    Ok(Event {
        kind,
        timestamp,
        href,
        json,
    })
}

fn timestamp(raw: &RawValue) -> Option<i64> {
    let n: serde_json::Number = serde_json::from_str(raw.get()).ok()?;
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    // i64::MAX as f64 rounds up to 2^63, which does not fit: compare strictly.
    (f.is_finite() && f > -9.2e18 && f < 9.2e18).then_some(f as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = r#"{"type":3,"data":{"source":2},"timestamp":1700000000100}"#;

    fn envelope(fields: &str) -> String {
        format!(
            r#"{{"v":1,"sessionId":"s-1","windowId":"w_1","seq":5,"sentAt":1700000000200,{fields}}}"#
        )
    }

    fn error(body: &str) -> String {
        parse(body.as_bytes()).expect_err("should be rejected").0
    }

    fn with(field: &str, value: &str) -> String {
        let mut v: serde_json::Value =
            serde_json::from_str(&envelope(&format!(r#""events":[{EVENT}]"#))).unwrap();
        v[field] = serde_json::from_str(value).unwrap();
        v.to_string()
    }

    fn without(field: &str) -> String {
        let mut v: serde_json::Value =
            serde_json::from_str(&envelope(&format!(r#""events":[{EVENT}]"#))).unwrap();
        v.as_object_mut().unwrap().remove(field);
        v.to_string()
    }

    const SNAPSHOT: &str = concat!(
        r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":2,"tagName":"x-a","attributes":{},"#,
        r#""childNodes":[{"type":3,"textContent":"s","id":3,"isShadow":true}],"id":2,"isShadowHost":true},"#,
        r#"{"type":3,"textContent":"far","id":9}],"id":1},"initialOffset":{"top":0,"left":0}},"timestamp":1700000000000}"#
    );
    const ADDS: &str = concat!(
        r#"{"type":3,"data":{"source":0,"texts":[],"attributes":[],"removes":[],"adds":["#,
        r#"{"parentId":9,"nextId":null,"node":{"type":2,"tagName":"p","attributes":{},"childNodes":[],"id":10}},"#,
        r#"{"parentId":10,"nextId":null,"node":{"type":3,"textContent":"t","id":11}}]},"timestamp":1700000000001}"#
    );

    const MUTATION: &str = concat!(
        r#"{"type":3,"data":{"source":0,"texts":[{"id":4,"value":"a"},{"id":5,"value":"b"}],"#,
        r#""attributes":[{"id":20,"attributes":{"class":"foo"}},{"id":22,"attributes":{"class":"foo"}},{"id":24,"attributes":{"class":"foo"}}],"#,
        r#""removes":[{"parentId":9,"id":30},{"parentId":9,"id":31,"isShadow":true}],"#,
        r#""adds":[{"parentId":9,"nextId":null,"node":{"type":2,"tagName":"p","attributes":{},"childNodes":[],"id":40}},"#,
        r#"{"parentId":40,"nextId":null,"node":{"type":3,"textContent":"t","id":41}},"#,
        r#"{"parentId":40,"nextId":41,"node":{"type":3,"textContent":"u","id":42}}]},"timestamp":1700000000002}"#
    );

    fn v(version: u64, events: &[&str]) -> String {
        envelope(&format!(r#""events":[{}]"#, events.join(",")))
            .replace(r#""v":1"#, &format!(r#""v":{version}"#))
    }

    #[test]
    fn v3_restores_implied_numbers_exactly() {
        let events = [SNAPSHOT, ADDS, EVENT, MUTATION];
        let compact: Vec<String> = events
            .iter()
            .map(|e| tapedeck::wire::compact(e).into_owned())
            .collect();
        assert!(!compact[0].contains(r#""id":2"#) && compact[0].contains(r#""id":9"#));
        assert!(!compact[1].contains(r#""id":11"#) && compact[1].contains(r#""id":10"#));
        for gone in [r#""id":5"#, r#""id":24"#, r#""id":31"#, r#""nextId":41"#] {
            assert!(!compact[3].contains(gone), "{gone} in {}", compact[3]);
        }
        assert!(compact[3].contains(r#"{"nextId":null,"node":{"type":3,"textContent":"t"}}"#));
        let compact: Vec<&str> = compact.iter().map(String::as_str).collect();
        let body = v(3, &compact);
        let batch = parse(body.as_bytes()).unwrap();
        let stored: Vec<&str> = batch.events.iter().map(|e| &*e.json).collect();
        assert_eq!(stored, events);
        // A v1 envelope is stored as sent, even when ids are missing.
        let body = envelope(&format!(r#""events":[{}]"#, compact[0]));
        assert_eq!(parse(body.as_bytes()).unwrap().events[0].json, compact[0]);
        // An event sent explicit is stored without its marker, whatever its type.
        let marked = r#"{"implied":false,"type":4,"data":{"href":"h"},"timestamp":1}"#;
        let body = v(3, &[marked]);
        let batch = parse(body.as_bytes()).unwrap();
        assert_eq!(
            batch.events[0].json,
            r#"{"type":4,"data":{"href":"h"},"timestamp":1}"#
        );
    }

    /// v2 envelopes (SDKs before v3) are read with the v2 rule only: node ids.
    #[test]
    fn v2_restores_node_ids_only() {
        let v2 = concat!(
            r#"{"type":3,"data":{"source":0,"texts":[{"id":4,"value":"a"},{"value":"b"}],"attributes":[],"removes":[],"#,
            r#""adds":[{"parentId":9,"nextId":null,"node":{"type":3,"textContent":"t","id":40}},"#,
            r#"{"parentId":40,"nextId":null,"node":{"type":3,"textContent":"u"}}]},"timestamp":1}"#
        );
        let body = v(2, &[v2]);
        let batch = parse(body.as_bytes()).unwrap();
        assert_eq!(
            batch.events[0].json,
            v2.replace(r#""textContent":"u"}"#, r#""textContent":"u","id":41}"#)
        );
        // A marker means nothing in v2.
        let marked = r#"{"implied":false,"type":4,"data":{},"timestamp":1}"#;
        assert_eq!(
            parse(v(2, &[marked]).as_bytes()).unwrap().events[0].json,
            marked
        );
    }

    #[test]
    fn v3_refuses_numbers_the_rules_cannot_complete() {
        let v3 = |event: &str| error(&v(3, &[EVENT, event]));
        assert_eq!(
            v3(r#"{"type":2,"data":{"node":{"type":0,"childNodes":[{"type":3,"id":"x"},{"type":3}],"id":1}},"timestamp":1}"#),
            "`events[1]`: node 2 of `data.node` (pre-order) has no `id`, and none is implied: the node before it has no integer id"
        );
        assert_eq!(
            v3(r#"{"type":3,"data":{"source":0,"adds":[{"parentId":1,"nextId":null,"node":"p"}]},"timestamp":1}"#),
            "`events[1]`: a node in `data.adds[].node` (or its `childNodes`) must be an object, got a string at byte 72"
        );
        assert_eq!(
            v3(r#"{"type":3,"data":{"source":0,"adds":[{"nextId":null,"node":{"type":3,"id":5}}]},"timestamp":1}"#),
            "`events[1]`: `data.adds[0]` has no `parentId`, and none is implied: no node comes before it"
        );
        assert_eq!(
            v3(r#"{"type":3,"data":{"source":0,"removes":[{"parentId":1,"id":"a"},{"parentId":1}]},"timestamp":1}"#),
            "`events[1]`: `data.removes[1]` has no `id`, and none is implied: the entry before it has no integer id (or the step leaves the integers)"
        );
        // The same events are stored as sent in v1, which implies nothing.
        let event = r#"{"type":3,"data":{"source":0,"texts":[{"value":"b"}]},"timestamp":1}"#;
        assert_eq!(
            parse(v(1, &[event]).as_bytes()).unwrap().events[0].json,
            event
        );
    }

    #[test]
    fn valid_batch_keeps_each_event_as_sent() {
        let meta = r#"{"type":4,"data":{"href":"http://a.test/x","width":800,"height":600},"timestamp":1700000000000}"#;
        let body = envelope(&format!(r#""events":[{meta}, {EVENT}],"extra":true"#));
        let batch = parse(body.as_bytes()).unwrap();
        assert_eq!(batch.session_id, "s-1");
        assert_eq!(batch.window_id, "w_1");
        assert_eq!(batch.seq, 5);
        assert_eq!(batch.sent_at, 1_700_000_000_200);
        assert_eq!(batch.events.len(), 2);
        assert_eq!(batch.events[0].json, meta);
        assert_eq!(batch.events[0].href.as_deref(), Some("http://a.test/x"));
        assert_eq!(batch.events[1].json, EVENT);
        assert_eq!(batch.events[1].kind, 3);
        assert_eq!(batch.events[1].timestamp, 1_700_000_000_100);
        assert_eq!(batch.events[1].href, None);
    }

    #[test]
    fn not_json_or_not_an_object() {
        assert!(error("").starts_with("body is empty"));
        assert!(error("{\"v\":").starts_with("body is not valid JSON: "));
        assert_eq!(
            parse(&[b'{', 0xff]).unwrap_err().0,
            "body is not UTF-8 (invalid byte at offset 1)"
        );
        assert!(error("{oops").contains("line 1 column 2"));
        assert_eq!(
            error("[1]"),
            "body must be a JSON object (the batch envelope), got an array"
        );
        assert_eq!(
            error("42"),
            "body must be a JSON object (the batch envelope), got a number"
        );
    }

    #[test]
    fn gzip_sent_as_plain_gets_a_hint() {
        let mut body = vec![0x1f, 0x8b];
        body.extend_from_slice(b"abc");
        assert!(parse(&body).unwrap_err().0.contains("send `encoding=gzip`"));
    }

    #[test]
    fn each_missing_field_is_named() {
        assert_eq!(
            error(&without("v")),
            "missing field `v` (expected the integer 1, 2 or 3)"
        );
        assert_eq!(
            error(&without("sessionId")),
            format!("missing field `sessionId` (expected {ID_EXPECTED})")
        );
        assert_eq!(
            error(&without("windowId")),
            format!("missing field `windowId` (expected {ID_EXPECTED})")
        );
        assert_eq!(
            error(&without("seq")),
            "missing field `seq` (expected an integer ≥ 0)"
        );
        assert_eq!(
            error(&without("sentAt")),
            "missing field `sentAt` (expected an integer (ms since the epoch))"
        );
        assert_eq!(
            error(&without("events")),
            "missing field `events` (expected a non-empty array of rrweb events)"
        );
    }

    #[test]
    fn wrong_types_are_named_with_what_was_sent() {
        assert_eq!(
            error(&with("v", "\"1\"")),
            "`v` must be the integer 1, 2 or 3, got the string \"1\""
        );
        assert_eq!(
            error(&with("v", "4")),
            "unsupported protocol version `v`: 4 (this collector speaks 1 to 3)"
        );
        assert_eq!(
            error(&with("v", "null")),
            "`v` must be the integer 1, 2 or 3, got null"
        );
        assert_eq!(
            error(&with("sessionId", "12")),
            format!("`sessionId` must be {ID_EXPECTED}, got 12")
        );
        assert_eq!(
            error(&with("windowId", "{}")),
            format!("`windowId` must be {ID_EXPECTED}, got an object")
        );
        assert_eq!(
            error(&with("seq", "-1")),
            format!("`seq` must be an integer from 0 to {MAX_SAFE_INTEGER}, got -1")
        );
        assert_eq!(
            error(&with("seq", "1.5")),
            format!("`seq` must be an integer from 0 to {MAX_SAFE_INTEGER}, got 1.5")
        );
        assert_eq!(
            error(&with("seq", "\"3\"")),
            format!("`seq` must be an integer from 0 to {MAX_SAFE_INTEGER}, got the string \"3\"")
        );
        assert_eq!(
            error(&with("sentAt", "true")),
            "`sentAt` must be an integer (ms since the epoch), got true"
        );
        assert_eq!(
            error(&with("events", "{}")),
            "`events` must be a non-empty array of rrweb events, got an object"
        );
        assert_eq!(
            error(&with("events", "[]")),
            "`events` is empty (a batch carries at least one event)"
        );
    }

    #[test]
    fn ids_are_checked_for_length_and_characters() {
        assert_eq!(
            error(&with("sessionId", "\"\"")),
            format!("`sessionId` is empty (expected {ID_EXPECTED})")
        );
        let long = format!("\"{}\"", "a".repeat(65));
        assert_eq!(
            error(&with("windowId", &long)),
            "`windowId` is 65 characters long (at most 64)"
        );
        assert!(parse(with("windowId", &format!("\"{}\"", "a".repeat(64))).as_bytes()).is_ok());
        assert_eq!(
            error(&with("sessionId", "\"a/b\"")),
            "`sessionId` contains '/' (allowed: A–Z a–z 0–9 _ -)"
        );
        assert_eq!(
            error(&with("sessionId", "\"a b\"")),
            "`sessionId` contains ' ' (allowed: A–Z a–z 0–9 _ -)"
        );
        assert_eq!(
            error(&with("sessionId", "\"é\"")),
            "`sessionId` contains 'é' (allowed: A–Z a–z 0–9 _ -)"
        );
    }

    #[test]
    fn events_must_be_objects_with_type_and_timestamp() {
        assert_eq!(
            error(&with("events", "[1]")),
            "`events[0]` must be an object (an rrweb event), got a number"
        );
        let second_bad = format!("[{EVENT}, \"x\"]");
        assert_eq!(
            error(&with("events", &second_bad)),
            "`events[1]` must be an object (an rrweb event), got a string"
        );
        assert_eq!(
            error(&with("events", r#"[{"timestamp":1}]"#)),
            "`events[0]` has no `type` (expected an integer, the rrweb event type)"
        );
        assert_eq!(
            error(&with("events", r#"[{"type":"3","timestamp":1}]"#)),
            "`events[0].type` must be an integer (the rrweb event type), got the string \"3\""
        );
        assert_eq!(
            error(&with("events", r#"[{"type":3}]"#)),
            "`events[0]` has no `timestamp` (expected a number, ms since the epoch)"
        );
        assert_eq!(
            error(&with("events", r#"[{"type":3,"timestamp":null}]"#)),
            "`events[0].timestamp` must be a number (ms since the epoch), got null"
        );
        let fractional = with("events", r#"[{"type":3,"timestamp":1700000000000.5}]"#);
        assert_eq!(
            parse(fractional.as_bytes()).unwrap().events[0].timestamp,
            1_700_000_000_000
        );
    }

    #[test]
    fn duplicate_fields_are_rejected() {
        let body = envelope(&format!(r#""events":[{EVENT}],"seq":6"#));
        assert!(
            error(&body).contains("duplicate field `seq`"),
            "{}",
            error(&body)
        );
    }

    #[test]
    fn seq_plus_events_stays_a_safe_integer() {
        let body = with("seq", &MAX_SAFE_INTEGER.to_string());
        assert!(parse(body.as_bytes()).is_ok());
        let two = envelope(&format!(r#""events":[{EVENT},{EVENT}]"#))
            .replace("\"seq\":5", &format!("\"seq\":{MAX_SAFE_INTEGER}"));
        assert!(error(&two).contains("passes 9007199254740991"));
    }

    #[test]
    fn meta_href_must_be_a_string_to_count_as_a_page() {
        let body = with("events", r#"[{"type":4,"data":{"href":5},"timestamp":1}]"#);
        assert_eq!(parse(body.as_bytes()).unwrap().events[0].href, None);
        let body = with(
            "events",
            r#"[{"type":3,"data":{"href":"x"},"timestamp":1}]"#,
        );
        assert_eq!(parse(body.as_bytes()).unwrap().events[0].href, None);
    }
}
