//! Options → one typed `Config`, parsed and validated once at `record()`.
//!
//! The web layer turns the JS options object into a [`Value`] tree (functions become opaque
//! [`FnRef`]s); everything here is pure so every error message is tested on the host.

use crate::privacy::{MaskInputOptions, Preset, PrivacyConfig, MASKABLE_INPUT_KINDS};
use std::fmt;

/// An option value as the page passed it. `undefined` and `null` are both `Null`: an option
/// explicitly set to `undefined` behaves as if it were absent, as in most JS libraries.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
    Function(FnRef),
}

/// A JS function held by the web layer; the index is into its function table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FnRef(pub u32);

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(n) if n.fract() != 0.0 => "a fractional number",
            Value::Number(n) if *n < 0.0 => "a negative number",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Function(_) => "a function",
        }
    }
}

/// The recorder's settings, with every default applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Called with every event as a plain JS object, like rrweb's `record({ emit })`.
    pub emit: Option<FnRef>,
    /// Where batches of events are sent (PROTOCOL.md); `None` when only `emit` is used.
    pub delivery: Option<DeliveryConfig>,
    /// `onError(error)`: told about delivery failures (a batch rejected, data dropped).
    pub on_error: Option<FnRef>,
    pub snapshot: SnapshotConfig,
    pub sampling: SamplingConfig,
    pub checkout: CheckoutConfig,
    pub privacy: PrivacyConfig,
    /// `maskInputFn(text, element)`: replaces the default `*` masking of input values.
    pub mask_input_fn: Option<FnRef>,
    /// `maskTextFn(text, element)`: replaces the default `*` masking of page text.
    pub mask_text_fn: Option<FnRef>,
    /// Record nothing when the browser signals Do Not Track or Global Privacy Control.
    pub respect_do_not_track: bool,
}

/// Default time between batches, in ms.
pub const FLUSH_INTERVAL_MS: u32 = 3_000;
/// Default largest batch, in bytes of event JSON (before compression).
pub const MAX_BATCH_BYTES: u32 = 512 * 1024;
/// Default largest queue of undelivered events, in bytes of event JSON; it is also kept in
/// localStorage, whose quota is about 5 million characters.
pub const MAX_QUEUE_BYTES: u32 = 4 * 1024 * 1024;

/// How batches are encoded on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    None,
}

/// Sending recordings to an endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryConfig {
    pub endpoint: String,
    /// Extra request headers (not sent on unload, where requests must be CORS-simple).
    pub headers: Vec<(String, String)>,
    pub flush_interval_ms: u32,
    pub max_batch_bytes: u32,
    pub max_queue_bytes: u32,
    pub compression: Compression,
    /// Fraction of sessions recorded, decided once per session (1 = all).
    pub sample_rate: f64,
    /// Nothing is sent until the session has lasted this long.
    pub minimum_duration_ms: u32,
    /// Leave out ids implied by the events' structure (protocol v3, see PROTOCOL.md).
    pub implied_ids: bool,
}

impl DeliveryConfig {
    fn new(endpoint: String) -> Self {
        DeliveryConfig {
            endpoint,
            headers: Vec::new(),
            flush_interval_ms: FLUSH_INTERVAL_MS,
            max_batch_bytes: MAX_BATCH_BYTES,
            max_queue_bytes: MAX_QUEUE_BYTES,
            compression: Compression::Gzip,
            sample_rate: 1.0,
            minimum_duration_ms: 0,
            implied_ids: true,
        }
    }
}

/// Default mouse/touch move sampling interval, as rrweb's `sampling.mousemove`.
pub const MOUSE_MOVE_SAMPLE_MS: u32 = 50;
/// Buffered move positions are flushed this often (rrweb's `mousemoveCallback`).
pub const MOUSE_MOVE_FLUSH_MS: u32 = 500;
/// Default scroll throttle, as rrweb's `sampling.scroll`.
pub const SCROLL_SAMPLE_MS: u32 = 100;
/// Default media-interaction throttle, as rrweb's `sampling.media`.
pub const MEDIA_SAMPLE_MS: u32 = 500;

/// How often interactions are sampled (rrweb's `sampling` option).
#[derive(Debug, Clone, PartialEq)]
pub struct SamplingConfig {
    /// Mouse/touch move sampling interval in ms; `None` records no moves (`mousemove: false`).
    pub mousemove: Option<u32>,
    /// How often buffered moves are flushed as one event, in ms.
    pub mousemove_flush: u32,
    /// Whether clicks, focus and the like are recorded (`mouseInteraction: false` turns off).
    pub mouse_interaction: bool,
    pub scroll: u32,
    pub media: u32,
    pub input: InputSampling,
}

impl Default for SamplingConfig {
    fn default() -> Self {
        SamplingConfig {
            mousemove: Some(MOUSE_MOVE_SAMPLE_MS),
            mousemove_flush: MOUSE_MOVE_FLUSH_MS,
            mouse_interaction: true,
            scroll: SCROLL_SAMPLE_MS,
            media: MEDIA_SAMPLE_MS,
            input: InputSampling::All,
        }
    }
}

/// rrweb's `sampling.input`: every input event, or only the last value (on `change`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputSampling {
    All,
    Last,
}

/// When to take a new full snapshot (a "checkout") during recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckoutConfig {
    /// After this many ms since the last full snapshot (rrweb's `checkoutEveryNms`).
    pub every_ms: Option<u64>,
    /// After this many incremental events (rrweb's `checkoutEveryNth`).
    pub every_nth: Option<u32>,
}

/// What the full-snapshot serializer needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotConfig {
    /// Inline stylesheets as `_cssText` (rrweb's `inlineStylesheet`, default true).
    pub inline_stylesheet: bool,
}

impl Default for SnapshotConfig {
    fn default() -> Self {
        SnapshotConfig {
            inline_stylesheet: true,
        }
    }
}

/// Every top-level option name, for "did you mean" hints and for the docs.
pub const OPTION_NAMES: &[&str] = &[
    "blockClass",
    "blockSelector",
    "checkoutEveryNms",
    "checkoutEveryNth",
    "compression",
    "emit",
    "endpoint",
    "flushIntervalMs",
    "headers",
    "ignoreClass",
    "impliedIds",
    "inlineStylesheet",
    "maskInputFn",
    "maskInputOptions",
    "maskTextClass",
    "maskTextFn",
    "maskTextSelector",
    "maxBatchBytes",
    "maxQueueBytes",
    "minimumDurationMs",
    "onError",
    "privacy",
    "respectDoNotTrack",
    "sampleRate",
    "sampling",
    "unmaskTextSelector",
];

/// Options that only make sense with `endpoint`.
const DELIVERY_OPTIONS: &[&str] = &[
    "compression",
    "flushIntervalMs",
    "headers",
    "impliedIds",
    "maxBatchBytes",
    "maxQueueBytes",
    "minimumDurationMs",
    "sampleRate",
];

/// Every `sampling` member name.
pub const SAMPLING_NAMES: &[&str] = &[
    "input",
    "media",
    "mouseInteraction",
    "mousemove",
    "mousemoveCallback",
    "scroll",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    NotAnObject {
        got: &'static str,
    },
    Unknown {
        option: String,
        suggestion: Option<&'static str>,
        known: &'static [&'static str],
    },
    WrongType {
        option: String,
        expected: &'static str,
        got: &'static str,
    },
    Missing {
        option: &'static str,
        why: &'static str,
    },
    Needs {
        option: String,
        needs: &'static str,
    },
}

impl ConfigError {
    /// The message shown to the page. Built by concatenation rather than `write!`: the
    /// `core::fmt` machinery costs the wasm file several KB.
    pub fn message(&self) -> String {
        match self {
            ConfigError::NotAnObject { got } => {
                ["tapedeck: record() expects an options object, got ", got].concat()
            }
            ConfigError::Unknown {
                option,
                suggestion,
                known,
            } => {
                let mut m = ["tapedeck: unknown option `", option, "`"].concat();
                match suggestion {
                    Some(s) => m.push_str(&[" (did you mean `", s, "`?)"].concat()),
                    None => m.push_str(&[" (known options: ", &known.join(", "), ")"].concat()),
                }
                m
            }
            ConfigError::WrongType {
                option,
                expected,
                got,
            } => [
                "tapedeck: option `",
                option,
                "` expects ",
                expected,
                ", got ",
                got,
            ]
            .concat(),
            ConfigError::Missing { option, why } => {
                ["tapedeck: option `", option, "` is required: ", why].concat()
            }
            ConfigError::Needs { option, needs } => [
                "tapedeck: option `",
                option,
                "` only applies with `",
                needs,
                "`",
            ]
            .concat(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn parse(options: &Value) -> Result<Config, ConfigError> {
        let members = match options {
            Value::Object(members) => members,
            other => return Err(ConfigError::NotAnObject { got: other.kind() }),
        };
        let mut emit = None;
        let mut snapshot = SnapshotConfig::default();
        let mut sampling = SamplingConfig::default();
        let mut checkout = CheckoutConfig::default();
        let mut privacy = PrivacyConfig::default();
        let mut mask_input_fn = None;
        let mut mask_text_fn = None;
        let mut respect_do_not_track = false;
        let mut on_error = None;
        let mut endpoint = None;
        for (name, value) in members {
            if matches!(value, Value::Null) {
                continue;
            }
            match name.as_str() {
                "emit" => emit = Some(function(name, value)?),
                "inlineStylesheet" => snapshot.inline_stylesheet = boolean(name, value)?,
                "sampling" => sampling = parse_sampling(value)?,
                "checkoutEveryNms" => {
                    checkout.every_ms =
                        Some(positive_int(name, value, "a number of milliseconds > 0")?.into())
                }
                "checkoutEveryNth" => {
                    checkout.every_nth =
                        Some(positive_int(name, value, "a whole number of events > 0")?)
                }
                "privacy" => {
                    privacy.preset = match value {
                        Value::String(s) if s == "strict" => Preset::Strict,
                        Value::String(s) if s == "balanced" => Preset::Balanced,
                        Value::String(s) if s == "relaxed" => Preset::Relaxed,
                        other => {
                            return Err(wrong(
                                name,
                                "\"strict\", \"balanced\" or \"relaxed\"",
                                other,
                            ))
                        }
                    }
                }
                "maskTextClass" => privacy.mask_text_class = class_name(name, value)?,
                "blockClass" => privacy.block_class = class_name(name, value)?,
                "ignoreClass" => privacy.ignore_class = class_name(name, value)?,
                "maskTextSelector" => privacy.mask_text_selector = Some(selector(name, value)?),
                "unmaskTextSelector" => privacy.unmask_text_selector = Some(selector(name, value)?),
                "blockSelector" => privacy.block_selector = Some(selector(name, value)?),
                "maskInputOptions" => privacy.mask_input_options = parse_mask_input_options(value)?,
                "maskInputFn" => mask_input_fn = Some(function(name, value)?),
                "maskTextFn" => mask_text_fn = Some(function(name, value)?),
                "respectDoNotTrack" => respect_do_not_track = boolean(name, value)?,
                "onError" => on_error = Some(function(name, value)?),
                "endpoint" => match value {
                    Value::String(s) if !s.trim().is_empty() => {
                        endpoint = Some(s.trim().to_string())
                    }
                    other => return Err(wrong(name, "a URL string", other)),
                },
                n if DELIVERY_OPTIONS.contains(&n) => {}
                _ => return Err(unknown(name, "", OPTION_NAMES)),
            }
        }
        let delivery = match endpoint {
            Some(endpoint) => Some(parse_delivery(members, endpoint)?),
            None => {
                if let Some((name, _)) = members.iter().find(|(n, v)| {
                    DELIVERY_OPTIONS.contains(&n.as_str()) && !matches!(v, Value::Null)
                }) {
                    return Err(ConfigError::Needs {
                        option: name.clone(),
                        needs: "endpoint",
                    });
                }
                None
            }
        };
        if emit.is_none() && delivery.is_none() {
            return Err(ConfigError::Missing {
                option: "endpoint` or `emit",
                why: "a URL to send recordings to, or a function(event) that receives every event",
            });
        }
        Ok(Config {
            emit,
            delivery,
            on_error,
            snapshot,
            sampling,
            checkout,
            privacy,
            mask_input_fn,
            mask_text_fn,
            respect_do_not_track,
        })
    }
}

fn parse_sampling(value: &Value) -> Result<SamplingConfig, ConfigError> {
    let Value::Object(members) = value else {
        return Err(wrong(
            "sampling",
            "an object such as { mousemove: 50, scroll: 100 }",
            value,
        ));
    };
    let mut sampling = SamplingConfig::default();
    for (name, value) in members {
        if matches!(value, Value::Null) {
            continue;
        }
        let path = ["sampling.", name].concat();
        match name.as_str() {
            "mousemove" => {
                sampling.mousemove = match value {
                    Value::Bool(false) => None,
                    Value::Bool(true) => Some(MOUSE_MOVE_SAMPLE_MS),
                    _ => Some(ms(
                        &path,
                        value,
                        "a number of milliseconds, or false to record no moves",
                    )?),
                }
            }
            "mousemoveCallback" => {
                sampling.mousemove_flush =
                    positive_int(&path, value, "a number of milliseconds > 0")?
            }
            "mouseInteraction" => sampling.mouse_interaction = boolean(&path, value)?,
            "scroll" => sampling.scroll = ms(&path, value, "a number of milliseconds")?,
            "media" => sampling.media = ms(&path, value, "a number of milliseconds")?,
            "input" => {
                sampling.input = match value {
                    Value::String(s) if s == "all" => InputSampling::All,
                    Value::String(s) if s == "last" => InputSampling::Last,
                    other => return Err(wrong(&path, "\"all\" or \"last\"", other)),
                }
            }
            _ => return Err(unknown(name, "sampling.", SAMPLING_NAMES)),
        }
    }
    Ok(sampling)
}

fn parse_delivery(
    members: &[(String, Value)],
    endpoint: String,
) -> Result<DeliveryConfig, ConfigError> {
    let mut d = DeliveryConfig::new(endpoint);
    for (name, value) in members {
        if matches!(value, Value::Null) {
            continue;
        }
        match name.as_str() {
            "headers" => {
                let Value::Object(headers) = value else {
                    return Err(wrong(
                        name,
                        "an object of header names to string values",
                        value,
                    ));
                };
                for (header, v) in headers {
                    match v {
                        Value::String(s) => d.headers.push((header.clone(), s.clone())),
                        other => {
                            return Err(wrong(&["headers.", header].concat(), "a string", other))
                        }
                    }
                }
            }
            "flushIntervalMs" => {
                d.flush_interval_ms = positive_int(name, value, "a number of milliseconds > 0")?
            }
            "maxBatchBytes" => {
                d.max_batch_bytes = positive_int(name, value, "a number of bytes > 0")?
            }
            "maxQueueBytes" => {
                d.max_queue_bytes = positive_int(name, value, "a number of bytes > 0")?
            }
            "minimumDurationMs" => {
                d.minimum_duration_ms = ms(name, value, "a number of milliseconds")?
            }
            "impliedIds" => d.implied_ids = boolean(name, value)?,
            "compression" => {
                d.compression = match value {
                    Value::String(s) if s == "gzip" => Compression::Gzip,
                    Value::String(s) if s == "none" => Compression::None,
                    other => return Err(wrong(name, "\"gzip\" or \"none\"", other)),
                }
            }
            "sampleRate" => match value {
                Value::Number(n) if (0.0..=1.0).contains(n) => d.sample_rate = *n,
                Value::Number(n) => {
                    let got = if *n > 1.0 {
                        "a number above 1"
                    } else {
                        "a negative number"
                    };
                    return Err(ConfigError::WrongType {
                        option: name.clone(),
                        expected: "a number from 0 to 1",
                        got,
                    });
                }
                other => return Err(wrong(name, "a number from 0 to 1", other)),
            },
            _ => {}
        }
    }
    if d.max_queue_bytes < d.max_batch_bytes {
        return Err(ConfigError::WrongType {
            option: "maxQueueBytes".into(),
            expected: "at least maxBatchBytes",
            got: "less",
        });
    }
    Ok(d)
}

fn class_name(option: &str, value: &Value) -> Result<String, ConfigError> {
    match value {
        Value::String(s) if !s.trim().is_empty() && !s.contains(char::is_whitespace) => {
            Ok(s.clone())
        }
        other => Err(wrong(option, "a single class name", other)),
    }
}

/// A non-empty CSS selector; the web layer checks it parses before recording starts.
fn selector(option: &str, value: &Value) -> Result<String, ConfigError> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
        other => Err(wrong(option, "a CSS selector string", other)),
    }
}

fn parse_mask_input_options(value: &Value) -> Result<MaskInputOptions, ConfigError> {
    let Value::Object(members) = value else {
        return Err(wrong(
            "maskInputOptions",
            "an object such as { text: true, email: true }",
            value,
        ));
    };
    let mut options = MaskInputOptions::default();
    for (name, value) in members {
        if matches!(value, Value::Null) {
            continue;
        }
        // A misspelt type must not silently leave a field unmasked.
        let Some(kind) = MASKABLE_INPUT_KINDS.iter().find(|k| **k == name) else {
            return Err(unknown(name, "maskInputOptions.", MASKABLE_INPUT_KINDS));
        };
        let path = ["maskInputOptions.", name].concat();
        options
            .by_type
            .push((kind.to_string(), boolean(&path, value)?));
    }
    Ok(options)
}

fn unknown(name: &str, prefix: &str, known: &'static [&'static str]) -> ConfigError {
    ConfigError::Unknown {
        option: [prefix, name].concat(),
        suggestion: closest(name, known),
        known,
    }
}

/// A whole, non-negative number of milliseconds that fits in a u32.
fn ms(option: &str, value: &Value, expected: &'static str) -> Result<u32, ConfigError> {
    match value {
        Value::Number(n) if *n >= 0.0 && n.fract() == 0.0 && *n <= u32::MAX as f64 => Ok(*n as u32),
        other => Err(wrong(option, expected, other)),
    }
}

fn positive_int(option: &str, value: &Value, expected: &'static str) -> Result<u32, ConfigError> {
    match ms(option, value, expected)? {
        0 => Err(ConfigError::WrongType {
            option: option.to_string(),
            expected,
            got: "0",
        }),
        n => Ok(n),
    }
}

fn function(option: &str, value: &Value) -> Result<FnRef, ConfigError> {
    match value {
        Value::Function(f) => Ok(*f),
        other => Err(wrong(option, "a function", other)),
    }
}

fn boolean(option: &str, value: &Value) -> Result<bool, ConfigError> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(wrong(option, "true or false", other)),
    }
}

fn wrong(option: &str, expected: &'static str, got: &Value) -> ConfigError {
    ConfigError::WrongType {
        option: option.to_string(),
        expected,
        got: got.kind(),
    }
}

/// The known name nearest to a misspelt one, if it is close enough to be a typo.
fn closest(name: &str, known: &[&'static str]) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for k in known {
        let d = edit_distance(lower.as_bytes(), k.to_ascii_lowercase().as_bytes());
        if d <= 2.max(k.len() / 4) && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance over bytes (option names are ASCII), one row at a time.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        // `diag` is the previous row's value left of `row[j + 1]`; `row[j]` is already this row's.
        let mut diag = i;
        let mut left = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(0);
            let value = (diag + usize::from(ca != cb)).min(up + 1).min(left + 1);
            diag = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
            left = value;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(members: Vec<(&str, Value)>) -> Value {
        Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    fn err(options: Value) -> String {
        Config::parse(&options).unwrap_err().to_string()
    }

    #[test]
    fn defaults_apply() {
        let c = Config::parse(&obj(vec![("emit", Value::Function(FnRef(0)))])).unwrap();
        assert_eq!(c.emit, Some(FnRef(0)));
        assert_eq!(c.delivery, None);
        assert!(c.snapshot.inline_stylesheet);
    }

    #[test]
    fn explicit_values_and_undefined() {
        let c = Config::parse(&obj(vec![
            ("emit", Value::Function(FnRef(3))),
            ("inlineStylesheet", Value::Bool(false)),
        ]))
        .unwrap();
        assert_eq!(c.emit, Some(FnRef(3)));
        assert!(!c.snapshot.inline_stylesheet);
        let c = Config::parse(&obj(vec![
            ("emit", Value::Function(FnRef(0))),
            ("inlineStylesheet", Value::Null),
        ]))
        .unwrap();
        assert!(c.snapshot.inline_stylesheet);
    }

    #[test]
    fn not_an_object() {
        assert_eq!(
            err(Value::String("x".into())),
            "tapedeck: record() expects an options object, got a string"
        );
        assert_eq!(
            err(Value::Null),
            "tapedeck: record() expects an options object, got null"
        );
    }

    #[test]
    fn unknown_option_suggests_the_near_one() {
        assert_eq!(
            err(obj(vec![("emitt", Value::Function(FnRef(0)))])),
            "tapedeck: unknown option `emitt` (did you mean `emit`?)"
        );
        assert_eq!(
            err(obj(vec![("inlinestylesheets", Value::Bool(true))])),
            "tapedeck: unknown option `inlinestylesheets` (did you mean `inlineStylesheet`?)"
        );
        assert_eq!(
            err(obj(vec![("colour", Value::Bool(true))])),
            "tapedeck: unknown option `colour` (known options: blockClass, blockSelector, checkoutEveryNms, checkoutEveryNth, compression, emit, endpoint, flushIntervalMs, headers, ignoreClass, impliedIds, inlineStylesheet, maskInputFn, maskInputOptions, maskTextClass, maskTextFn, maskTextSelector, maxBatchBytes, maxQueueBytes, minimumDurationMs, onError, privacy, respectDoNotTrack, sampleRate, sampling, unmaskTextSelector)"
        );
    }

    fn with_emit(members: Vec<(&str, Value)>) -> Value {
        let mut all = vec![("emit", Value::Function(FnRef(0)))];
        all.extend(members);
        obj(all)
    }

    #[test]
    fn sampling_defaults_and_values() {
        let c = Config::parse(&with_emit(vec![])).unwrap();
        assert_eq!(c.sampling, SamplingConfig::default());
        assert_eq!(c.sampling.mousemove, Some(50));
        assert_eq!(c.sampling.scroll, 100);
        assert_eq!(c.checkout, CheckoutConfig::default());
        let c = Config::parse(&with_emit(vec![
            (
                "sampling",
                obj(vec![
                    ("mousemove", Value::Bool(false)),
                    ("scroll", Value::Number(250.0)),
                    ("media", Value::Number(0.0)),
                    ("input", Value::String("last".into())),
                    ("mouseInteraction", Value::Bool(false)),
                ]),
            ),
            ("checkoutEveryNms", Value::Number(60_000.0)),
            ("checkoutEveryNth", Value::Number(200.0)),
        ]))
        .unwrap();
        assert_eq!(c.sampling.mousemove, None);
        assert_eq!(c.sampling.scroll, 250);
        assert_eq!(c.sampling.media, 0);
        assert_eq!(c.sampling.input, InputSampling::Last);
        assert!(!c.sampling.mouse_interaction);
        assert_eq!(
            c.checkout,
            CheckoutConfig {
                every_ms: Some(60_000),
                every_nth: Some(200)
            }
        );
        let c = Config::parse(&with_emit(vec![(
            "sampling",
            obj(vec![("mousemove", Value::Number(20.0))]),
        )]))
        .unwrap();
        assert_eq!(c.sampling.mousemove, Some(20));
    }

    #[test]
    fn sampling_errors_name_the_nested_option() {
        let e = |members| Config::parse(&with_emit(members)).unwrap_err().to_string();
        assert_eq!(
            e(vec![(
                "sampling",
                obj(vec![("scroll", Value::String("fast".into()))])
            )]),
            "tapedeck: option `sampling.scroll` expects a number of milliseconds, got a string"
        );
        assert_eq!(
            e(vec![("sampling", obj(vec![("mousemove", Value::Number(-1.0))]))]),
            "tapedeck: option `sampling.mousemove` expects a number of milliseconds, or false to record no moves, got a negative number"
        );
        assert_eq!(
            e(vec![(
                "sampling",
                obj(vec![("input", Value::String("some".into()))])
            )]),
            "tapedeck: option `sampling.input` expects \"all\" or \"last\", got a string"
        );
        assert_eq!(
            e(vec![("sampling", obj(vec![("scrol", Value::Number(1.0))]))]),
            "tapedeck: unknown option `sampling.scrol` (did you mean `scroll`?)"
        );
        assert_eq!(
            e(vec![("sampling", Value::Number(1.0))]),
            "tapedeck: option `sampling` expects an object such as { mousemove: 50, scroll: 100 }, got a number"
        );
        assert_eq!(
            e(vec![("checkoutEveryNth", Value::Number(0.0))]),
            "tapedeck: option `checkoutEveryNth` expects a whole number of events > 0, got 0"
        );
        assert_eq!(
            e(vec![("checkoutEveryNms", Value::Number(1.5))]),
            "tapedeck: option `checkoutEveryNms` expects a number of milliseconds > 0, got a fractional number"
        );
    }

    #[test]
    fn wrong_types_name_the_option_and_expectation() {
        assert_eq!(
            err(obj(vec![("emit", Value::String("console.log".into()))])),
            "tapedeck: option `emit` expects a function, got a string"
        );
        assert_eq!(
            err(obj(vec![
                ("emit", Value::Function(FnRef(0))),
                ("inlineStylesheet", Value::Number(1.0)),
            ])),
            "tapedeck: option `inlineStylesheet` expects true or false, got a number"
        );
    }

    #[test]
    fn emit_is_required() {
        assert_eq!(
            err(obj(vec![])),
            "tapedeck: option `endpoint` or `emit` is required: a URL to send recordings to, or a function(event) that receives every event"
        );
    }

    #[test]
    fn privacy_options() {
        let c = Config::parse(&with_emit(vec![])).unwrap();
        assert_eq!(c.privacy, PrivacyConfig::default());
        assert_eq!(c.privacy.preset, Preset::Balanced);
        assert!(!c.respect_do_not_track);
        let c = Config::parse(&with_emit(vec![
            ("privacy", Value::String("relaxed".into())),
            ("maskTextClass", Value::String("private".into())),
            ("blockClass", Value::String("nope".into())),
            ("ignoreClass", Value::String("skip".into())),
            ("maskTextSelector", Value::String(".a, .b".into())),
            ("unmaskTextSelector", Value::String(".c".into())),
            ("blockSelector", Value::String("#ad".into())),
            (
                "maskInputOptions",
                obj(vec![
                    ("email", Value::Bool(true)),
                    ("text", Value::Bool(false)),
                ]),
            ),
            ("maskInputFn", Value::Function(FnRef(1))),
            ("maskTextFn", Value::Function(FnRef(2))),
            ("respectDoNotTrack", Value::Bool(true)),
        ]))
        .unwrap();
        assert_eq!(c.privacy.preset, Preset::Relaxed);
        assert_eq!(c.privacy.mask_text_class, "private");
        assert_eq!(c.privacy.block_class, "nope");
        assert_eq!(c.privacy.ignore_class, "skip");
        assert_eq!(c.privacy.mask_text_selector.as_deref(), Some(".a, .b"));
        assert_eq!(c.privacy.unmask_text_selector.as_deref(), Some(".c"));
        assert_eq!(c.privacy.block_selector.as_deref(), Some("#ad"));
        assert_eq!(
            c.privacy.mask_input_options.by_type,
            vec![("email".to_string(), true), ("text".to_string(), false)]
        );
        assert_eq!(
            (c.mask_input_fn, c.mask_text_fn),
            (Some(FnRef(1)), Some(FnRef(2)))
        );
        assert!(c.respect_do_not_track);
    }

    #[test]
    fn privacy_option_errors() {
        let e = |members| Config::parse(&with_emit(members)).unwrap_err().to_string();
        assert_eq!(
            e(vec![("privacy", Value::String("paranoid".into()))]),
            "tapedeck: option `privacy` expects \"strict\", \"balanced\" or \"relaxed\", got a string"
        );
        assert_eq!(
            e(vec![(
                "maskInputOptions",
                obj(vec![("emial", Value::Bool(true))])
            )]),
            "tapedeck: unknown option `maskInputOptions.emial` (did you mean `email`?)"
        );
        assert_eq!(
            e(vec![(
                "maskInputOptions",
                obj(vec![("email", Value::String("yes".into()))])
            )]),
            "tapedeck: option `maskInputOptions.email` expects true or false, got a string"
        );
        assert_eq!(
            e(vec![("blockClass", Value::String("a b".into()))]),
            "tapedeck: option `blockClass` expects a single class name, got a string"
        );
        assert_eq!(
            e(vec![("maskTextSelector", Value::String("  ".into()))]),
            "tapedeck: option `maskTextSelector` expects a CSS selector string, got a string"
        );
        assert_eq!(
            e(vec![("maskTextFn", Value::Bool(true))]),
            "tapedeck: option `maskTextFn` expects a function, got a boolean"
        );
    }

    #[test]
    fn delivery_options_and_defaults() {
        let c = Config::parse(&obj(vec![("endpoint", Value::String(" /ingest ".into()))])).unwrap();
        assert_eq!(c.emit, None);
        let d = c.delivery.unwrap();
        assert_eq!(d, DeliveryConfig::new("/ingest".into()));
        assert_eq!(
            (d.flush_interval_ms, d.compression, d.sample_rate),
            (FLUSH_INTERVAL_MS, Compression::Gzip, 1.0)
        );
        assert!(d.implied_ids);
        let c = Config::parse(&obj(vec![
            ("endpoint", Value::String("https://c.test/i".into())),
            ("emit", Value::Function(FnRef(0))),
            (
                "headers",
                obj(vec![("Authorization", Value::String("Bearer x".into()))]),
            ),
            ("flushIntervalMs", Value::Number(500.0)),
            ("maxBatchBytes", Value::Number(1000.0)),
            ("maxQueueBytes", Value::Number(5000.0)),
            ("compression", Value::String("none".into())),
            ("sampleRate", Value::Number(0.25)),
            ("minimumDurationMs", Value::Number(4000.0)),
            ("impliedIds", Value::Bool(false)),
            ("onError", Value::Function(FnRef(1))),
        ]))
        .unwrap();
        let d = c.delivery.unwrap();
        assert_eq!(
            d.headers,
            vec![("Authorization".to_string(), "Bearer x".to_string())]
        );
        assert_eq!(
            (d.flush_interval_ms, d.max_batch_bytes, d.max_queue_bytes),
            (500, 1000, 5000)
        );
        assert_eq!(
            (d.compression, d.sample_rate, d.minimum_duration_ms),
            (Compression::None, 0.25, 4000)
        );
        assert!(!d.implied_ids);
        assert_eq!((c.emit, c.on_error), (Some(FnRef(0)), Some(FnRef(1))));
    }

    #[test]
    fn delivery_option_errors() {
        let e = |members| Config::parse(&obj(members)).unwrap_err().to_string();
        let ep = || ("endpoint", Value::String("/i".into()));
        assert_eq!(
            e(vec![
                ("emit", Value::Function(FnRef(0))),
                ("sampleRate", Value::Number(0.5))
            ]),
            "tapedeck: option `sampleRate` only applies with `endpoint`"
        );
        assert_eq!(
            e(vec![("endpoint", Value::Bool(true))]),
            "tapedeck: option `endpoint` expects a URL string, got a boolean"
        );
        assert_eq!(
            e(vec![ep(), ("sampleRate", Value::Number(1.5))]),
            "tapedeck: option `sampleRate` expects a number from 0 to 1, got a number above 1"
        );
        assert_eq!(
            e(vec![ep(), ("compression", Value::String("br".into()))]),
            "tapedeck: option `compression` expects \"gzip\" or \"none\", got a string"
        );
        assert_eq!(
            e(vec![
                ep(),
                ("headers", obj(vec![("X-A", Value::Number(1.0))]))
            ]),
            "tapedeck: option `headers.X-A` expects a string, got a number"
        );
        assert_eq!(
            e(vec![ep(), ("flushIntervalMs", Value::Number(0.0))]),
            "tapedeck: option `flushIntervalMs` expects a number of milliseconds > 0, got 0"
        );
        assert_eq!(
            e(vec![
                ep(),
                ("maxBatchBytes", Value::Number(10.0)),
                ("maxQueueBytes", Value::Number(5.0))
            ]),
            "tapedeck: option `maxQueueBytes` expects at least maxBatchBytes, got less"
        );
        assert_eq!(
            e(vec![ep(), ("impliedIds", Value::Number(1.0))]),
            "tapedeck: option `impliedIds` expects true or false, got a number"
        );
        assert_eq!(
            e(vec![
                ("emit", Value::Function(FnRef(0))),
                ("impliedIds", Value::Bool(true))
            ]),
            "tapedeck: option `impliedIds` only applies with `endpoint`"
        );
        assert_eq!(
            e(vec![ep(), ("onError", Value::String("x".into()))]),
            "tapedeck: option `onError` expects a function, got a string"
        );
    }
}
