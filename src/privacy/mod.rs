//! Every masking and blocking decision, for every path that carries page data out of the
//! recorder: the snapshot, mutation adds, text and attribute changes, input events and
//! programmatic value changes all ask this module, and no other code decides.
//!
//! The web layer describes what it sees in plain values ([`ElementFacts`], [`InputFacts`]);
//! decisions come back as plain values. A [`Scope`] carries the rules inherited down the tree
//! (masked or unmasked text, blocked, ignored) from the nearest marked ancestor.

mod patterns;

use std::borrow::Cow;

/// The `privacy` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    /// All text and text attributes masked; images, media, canvas and iframes blocked.
    Strict,
    /// Every form value masked; e-mail addresses and card numbers masked in text.
    #[default]
    Balanced,
    /// Form values recorded except passwords, e-mail, telephone and payment fields.
    Relaxed,
}

/// Per-type input masking, rrweb's `maskInputOptions`: `Some(true)` masks, `Some(false)`
/// records (never for passwords), `None` leaves it to the preset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaskInputOptions {
    pub by_type: Vec<(String, bool)>,
}

impl MaskInputOptions {
    fn get(&self, kind: &str) -> Option<bool> {
        self.by_type
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, v)| *v)
    }
}

/// Input types (and `textarea`, `select`) `maskInputOptions` accepts.
pub const MASKABLE_INPUT_KINDS: &[&str] = &[
    "checkbox",
    "color",
    "date",
    "datetime-local",
    "email",
    "hidden",
    "month",
    "number",
    "password",
    "radio",
    "range",
    "search",
    "select",
    "tel",
    "text",
    "textarea",
    "time",
    "url",
    "week",
];

/// The privacy rules of one recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyConfig {
    pub preset: Preset,
    pub mask_text_class: String,
    pub mask_text_selector: Option<String>,
    pub unmask_text_selector: Option<String>,
    pub block_class: String,
    pub block_selector: Option<String>,
    pub ignore_class: String,
    pub mask_input_options: MaskInputOptions,
}

impl Default for PrivacyConfig {
    fn default() -> Self {
        PrivacyConfig {
            preset: Preset::Balanced,
            mask_text_class: "rr-mask".into(),
            mask_text_selector: None,
            unmask_text_selector: None,
            block_class: "rr-block".into(),
            block_selector: None,
            ignore_class: "rr-ignore".into(),
            mask_input_options: MaskInputOptions::default(),
        }
    }
}

/// HTML markers that work without any configuration.
pub const MASK_ATTRIBUTE: &str = "data-tapedeck-mask";
pub const UNMASK_ATTRIBUTE: &str = "data-tapedeck-unmask";
pub const BLOCK_ATTRIBUTE: &str = "data-tapedeck-block";

/// Attributes that carry page text and are masked like it.
pub const TEXT_ATTRIBUTES: &[&str] = &["title", "alt", "placeholder", "aria-label"];

/// Elements strict mode replaces by placeholders.
const STRICT_BLOCKED_TAGS: &[&str] = &[
    "img", "video", "audio", "canvas", "iframe", "picture", "object", "embed",
];

/// The nearest text marker above a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextRule {
    /// No marker: the preset decides.
    #[default]
    Inherit,
    Mask,
    Unmask,
}

/// Rules in force for a node, inherited from its ancestors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    pub text: TextRule,
    /// Inside an element the page asked to block: nothing below is recorded.
    pub blocked: bool,
    /// Inside an ignored element: no input events.
    pub ignored: bool,
}

/// What the web layer knows about an element. Selector matches are only computed when the
/// corresponding selector is configured.
#[derive(Debug, Clone, Copy, Default)]
pub struct ElementFacts<'a> {
    pub tag: &'a str,
    pub class: Option<&'a str>,
    pub mask_marker: bool,
    pub unmask_marker: bool,
    pub block_marker: bool,
    pub matches_mask_selector: bool,
    pub matches_unmask_selector: bool,
    pub matches_block_selector: bool,
}

/// What the web layer knows about a form control.
#[derive(Debug, Clone, Copy, Default)]
pub struct InputFacts<'a> {
    /// `input`, `textarea` or `select`.
    pub tag: &'a str,
    /// The input's `type`, lower case (empty for textarea/select).
    pub kind: &'a str,
    pub autocomplete: &'a str,
    /// The field was `type=password` at any time while recorded.
    pub ever_password: bool,
}

/// How a piece of text is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextDecision<'a> {
    /// Record it as it is (possibly with e-mail addresses and card numbers masked).
    Record(Cow<'a, str>),
    /// The whole text is masked: `*` for each non-space character, or the page's
    /// `maskTextFn` when it has one.
    Mask,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Privacy {
    config: PrivacyConfig,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy::new(PrivacyConfig::default())
    }
}

impl Privacy {
    pub fn new(config: PrivacyConfig) -> Self {
        Privacy { config }
    }

    pub fn config(&self) -> &PrivacyConfig {
        &self.config
    }

    /// The scope of an element's content, given its parent's scope.
    pub fn enter(&self, parent: Scope, el: &ElementFacts) -> Scope {
        let c = &self.config;
        let has_class = |name: &str| {
            el.class
                .is_some_and(|cls| cls.split_ascii_whitespace().any(|c| c == name))
        };
        let mut scope = parent;
        if el.block_marker
            || el.matches_block_selector
            || has_class(&c.block_class)
            || (c.preset == Preset::Strict && STRICT_BLOCKED_TAGS.contains(&el.tag))
        {
            scope.blocked = true;
        }
        // On one element, masking wins over unmasking.
        if el.mask_marker || el.matches_mask_selector || has_class(&c.mask_text_class) {
            scope.text = TextRule::Mask;
        } else if el.unmask_marker || el.matches_unmask_selector {
            scope.text = TextRule::Unmask;
        }
        if has_class(&c.ignore_class) {
            scope.ignored = true;
        }
        scope
    }

    fn masks_all_text(&self, scope: Scope) -> bool {
        match scope.text {
            TextRule::Mask => true,
            TextRule::Unmask => false,
            TextRule::Inherit => self.config.preset == Preset::Strict,
        }
    }

    /// How page text (a text node, or a text-carrying attribute) in `scope` is recorded.
    /// Outside masked regions, e-mail addresses and card numbers are still masked.
    pub fn text<'a>(&self, scope: Scope, text: &'a str) -> TextDecision<'a> {
        if self.masks_all_text(scope) && text.chars().any(|c| !c.is_whitespace()) {
            return TextDecision::Mask;
        }
        if !text.bytes().any(|b| b == b'@' || b.is_ascii_digit()) {
            return TextDecision::Record(Cow::Borrowed(text));
        }
        let mut ranges = patterns::emails(text);
        ranges.extend(patterns::card_numbers(text));
        match patterns::mask_ranges(text, ranges) {
            Some(masked) => TextDecision::Record(Cow::Owned(masked)),
            None => TextDecision::Record(Cow::Borrowed(text)),
        }
    }

    /// True for attributes that carry page text (`title`, `alt`, `placeholder`, `aria-label`).
    pub fn is_text_attribute(name: &str) -> bool {
        TEXT_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// Whether a form control's value is masked. Passwords always are, whatever the options,
    /// including a field that was a password field at any time.
    pub fn masks_input(&self, scope: Scope, input: &InputFacts) -> bool {
        if is_password(input) {
            return true;
        }
        if scope.text == TextRule::Mask {
            return true;
        }
        let key = if input.tag == "input" {
            input.kind
        } else {
            input.tag
        };
        if let Some(explicit) = self.config.mask_input_options.get(key) {
            return explicit;
        }
        match self.config.preset {
            Preset::Strict | Preset::Balanced => true,
            Preset::Relaxed => is_sensitive(input),
        }
    }
}

fn is_password(input: &InputFacts) -> bool {
    input.ever_password
        || input.kind == "password"
        || input.autocomplete.split_ascii_whitespace().any(|t| {
            t.eq_ignore_ascii_case("current-password") || t.eq_ignore_ascii_case("new-password")
        })
}

/// Fields `relaxed` still masks: e-mail, telephone and payment, by type or autocomplete.
fn is_sensitive(input: &InputFacts) -> bool {
    if matches!(input.kind, "email" | "tel") {
        return true;
    }
    input.autocomplete.split_ascii_whitespace().any(|token| {
        let t = token.to_ascii_lowercase();
        t.starts_with("cc-")
            || t.starts_with("tel")
            || t == "email"
            || t == "one-time-code"
            || t.starts_with("transaction-")
    })
}

/// Masks an input's value: `*` repeated to the value's length in characters, so the replay
/// shows a field of the right width without the content.
pub fn mask_input_value(value: &str) -> String {
    "*".repeat(value.chars().count())
}

/// Masks page text: every non-whitespace character becomes `*`, so layout survives the replay.
pub fn mask_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests;
