//! Options → one typed `Config`, parsed and validated once at `record()`.
//!
//! The web layer turns the JS options object into a [`Value`] tree (functions become opaque
//! [`FnRef`]s); everything here is pure so every error message is tested on the host.

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
    pub emit: FnRef,
    pub snapshot: SnapshotConfig,
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
pub const OPTION_NAMES: &[&str] = &["emit", "inlineStylesheet"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    NotAnObject {
        got: &'static str,
    },
    Unknown {
        option: String,
        suggestion: Option<&'static str>,
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
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NotAnObject { got } => {
                write!(f, "tapedeck: record() expects an options object, got {got}")
            }
            ConfigError::Unknown { option, suggestion } => {
                write!(f, "tapedeck: unknown option `{option}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => write!(f, " (known options: {})", OPTION_NAMES.join(", ")),
                }
            }
            ConfigError::WrongType {
                option,
                expected,
                got,
            } => {
                write!(
                    f,
                    "tapedeck: option `{option}` expects {expected}, got {got}"
                )
            }
            ConfigError::Missing { option, why } => {
                write!(f, "tapedeck: option `{option}` is required: {why}")
            }
        }
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
        for (name, value) in members {
            if *value == Value::Null {
                continue;
            }
            match name.as_str() {
                "emit" => emit = Some(function(name, value)?),
                "inlineStylesheet" => snapshot.inline_stylesheet = boolean(name, value)?,
                _ => {
                    return Err(ConfigError::Unknown {
                        option: name.clone(),
                        suggestion: closest(name, OPTION_NAMES),
                    })
                }
            }
        }
        let emit = emit.ok_or(ConfigError::Missing {
            option: "emit",
            why: "a function(event) that receives every recorded event",
        })?;
        Ok(Config { emit, snapshot })
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
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
        assert_eq!(c.emit, FnRef(0));
        assert!(c.snapshot.inline_stylesheet);
    }

    #[test]
    fn explicit_values_and_undefined() {
        let c = Config::parse(&obj(vec![
            ("emit", Value::Function(FnRef(3))),
            ("inlineStylesheet", Value::Bool(false)),
        ]))
        .unwrap();
        assert_eq!(c.emit, FnRef(3));
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
            "tapedeck: unknown option `colour` (known options: emit, inlineStylesheet)"
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
            "tapedeck: option `emit` is required: a function(event) that receives every recorded event"
        );
    }
}
