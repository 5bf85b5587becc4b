//! The privacy engine's web side: it gathers the facts the pure engine decides on (classes,
//! markers, selector matches, input types, whether a field was ever a password), applies the
//! page's `maskInputFn` / `maskTextFn`, and remembers blocked elements. Every path that records
//! page text or form values goes through one `PrivacyGuard`.

use super::dom;
use crate::config::Config;
use crate::privacy::{
    mask_input_value, mask_text, ElementFacts, InputFacts, Privacy, Scope, TextDecision, TextRule,
    BLOCK_ATTRIBUTE, MASK_ATTRIBUTE, UNMASK_ATTRIBUTE,
};
use js_sys::{Function, WeakSet};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, Node};

pub struct PrivacyGuard {
    engine: Privacy,
    mask_input_fn: Option<Function>,
    mask_text_fn: Option<Function>,
    /// Inputs seen as `type=password` at any time: they stay masked if switched to text.
    passwords: WeakSet,
    /// Blocked elements: in the replay as placeholders, their content and changes never are.
    blocked: WeakSet,
    /// Selectors for `closest()` lookups, every way of marking an element in one selector:
    /// block, ignore, mask, unmask. JS strings made once, not re-encoded on every lookup.
    selectors: [JsValue; 4],
}

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    fn privacy_scope(
        el: &Element,
        block: &JsValue,
        ignore: &JsValue,
        mask: &JsValue,
        unmask: &JsValue,
    ) -> u32;
}

// The bits `privacy_scope` answers with.
const SCOPE_BLOCKED: u32 = 1;
const SCOPE_IGNORED: u32 = 2;
const SCOPE_MASKED: u32 = 4;
const SCOPE_UNMASKED: u32 = 8;

/// A class name as an attribute selector (no escaping rules of CSS identifiers to get wrong).
fn class_selector(class: &str) -> String {
    [
        "[class~=\"",
        &class.replace('\\', "\\\\").replace('"', "\\\""),
        "\"]",
    ]
    .concat()
}

fn join(parts: &[Option<&str>]) -> String {
    parts
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(",")
}

impl PrivacyGuard {
    pub fn new(
        config: &Config,
        mask_input_fn: Option<Function>,
        mask_text_fn: Option<Function>,
    ) -> Self {
        let p = &config.privacy;
        let mask_class = class_selector(&p.mask_text_class);
        let block_class = class_selector(&p.block_class);
        let strict_tags = (p.preset == crate::privacy::Preset::Strict)
            .then_some("img,video,audio,canvas,iframe,picture,object,embed");
        PrivacyGuard {
            engine: Privacy::new(p.clone()),
            mask_input_fn,
            mask_text_fn,
            passwords: WeakSet::new(),
            blocked: WeakSet::new(),
            selectors: [
                join(&[
                    Some(&block_class),
                    Some("[data-tapedeck-block]"),
                    p.block_selector.as_deref(),
                    strict_tags,
                ]),
                class_selector(&p.ignore_class),
                join(&[
                    Some(&mask_class),
                    Some("[data-tapedeck-mask]"),
                    p.mask_text_selector.as_deref(),
                ]),
                join(&[
                    Some("[data-tapedeck-unmask]"),
                    p.unmask_text_selector.as_deref(),
                ]),
            ]
            .map(|s| JsValue::from_str(&s)),
        }
    }

    /// Checks the configured selectors parse, so a typo is an error at `record()` rather than
    /// a rule that silently never matches.
    pub fn validate(config: &Config, document: &Document) -> Result<(), String> {
        let p = &config.privacy;
        let probe = document.create_document_fragment();
        for (option, selector) in [
            ("maskTextSelector", &p.mask_text_selector),
            ("unmaskTextSelector", &p.unmask_text_selector),
            ("blockSelector", &p.block_selector),
        ] {
            if let Some(selector) = selector {
                if probe.query_selector(selector).is_err() {
                    // The selector quoted as JSON (as `{:?}` would, without `core::fmt`).
                    let mut quoted = crate::json::JsonWriter::new();
                    quoted.string(selector);
                    return Err([
                        "tapedeck: option `",
                        option,
                        "` is not a valid CSS selector: ",
                        quoted.as_str(),
                    ]
                    .concat());
                }
            }
        }
        Ok(())
    }

    /// The scope of an element's content during the snapshot walk, from its parent's scope and
    /// the element's own attributes (already read by the walk: no extra DOM reads unless custom
    /// selectors are configured).
    pub fn enter(
        &self,
        parent: Scope,
        el: &Element,
        tag: &str,
        attributes: &[(String, String)],
    ) -> Scope {
        let attr = |name: &str| attributes.iter().find(|(n, _)| n == name);
        let class = attr("class").map(|(_, v)| v.as_str());
        let c = self.engine.config();
        let matches = |selector: &Option<String>| {
            selector
                .as_deref()
                .is_some_and(|s| el.matches(s).unwrap_or(false))
        };
        let facts = ElementFacts {
            tag,
            class,
            mask_marker: attr(MASK_ATTRIBUTE).is_some(),
            unmask_marker: attr(UNMASK_ATTRIBUTE).is_some(),
            block_marker: attr(BLOCK_ATTRIBUTE).is_some(),
            matches_mask_selector: matches(&c.mask_text_selector),
            matches_unmask_selector: matches(&c.unmask_text_selector),
            matches_block_selector: matches(&c.block_selector),
        };
        let scope = self.engine.enter(parent, &facts);
        if scope.blocked && !parent.blocked {
            self.blocked.add(el);
        }
        scope
    }

    /// The scope of an element found outside the walk (a mutation, an input event), from its
    /// nearest marked ancestors, crossing shadow-root boundaries (one crossing, see glue.js).
    pub fn scope_of(&self, el: &Element) -> Scope {
        let s = &self.selectors;
        let bits = privacy_scope(el, &s[0], &s[1], &s[2], &s[3]);
        Scope {
            blocked: bits & SCOPE_BLOCKED != 0,
            ignored: bits & SCOPE_IGNORED != 0,
            text: if bits & SCOPE_MASKED != 0 {
                TextRule::Mask
            } else if bits & SCOPE_UNMASKED != 0 {
                TextRule::Unmask
            } else {
                TextRule::Inherit
            },
        }
    }

    /// The scope for the children of `parent` (an element, a shadow root or a document).
    pub fn scope_of_parent(&self, parent: &Node) -> Scope {
        if let Some(el) = dom::as_element(parent) {
            return self.scope_of(el);
        }
        match dom::as_shadow_root(parent) {
            Some(shadow) => self.scope_of(&dom::shadow_host(&shadow)),
            // A document: the rules around its iframe, if it is one.
            None => dom::as_document(parent)
                .and_then(|d| d.default_view())
                .and_then(|w| w.frame_element().ok().flatten())
                .map(|frame| self.scope_of(&frame))
                .unwrap_or_default(),
        }
    }

    /// The blocked elements, for lookups made in JS.
    pub fn blocked_set(&self) -> &WeakSet {
        &self.blocked
    }

    pub fn is_blocked(&self, el: &JsValue) -> bool {
        self.blocked.has(el.unchecked_ref())
    }

    /// Page text in `scope`, as it may be recorded. `node` is the text node (its parent is
    /// handed to `maskTextFn`) or the element whose attribute it is. Text recorded as it is
    /// (most text) is not copied.
    pub fn text_owned(&self, scope: Scope, text: String, node: &Node) -> String {
        let recorded = match self.engine.text(scope, &text) {
            TextDecision::Record(std::borrow::Cow::Borrowed(_)) => None,
            TextDecision::Record(std::borrow::Cow::Owned(masked)) => Some(masked),
            TextDecision::Mask => Some(self.mask(&text, node)),
        };
        recorded.unwrap_or(text)
    }

    /// Text the engine decided to mask: through `maskTextFn` (given the text node's parent,
    /// or the element whose attribute it is), else every non-space character as `*`.
    fn mask(&self, text: &str, node: &Node) -> String {
        let el = match dom::as_element(node) {
            Some(el) => Some(el.clone()),
            None => node.parent_element(),
        };
        self.call_mask_fn(&self.mask_text_fn, text, el.as_ref())
            .unwrap_or_else(|| mask_text(text))
    }

    /// A form control's value as it may be recorded (masked unless the rules allow it).
    pub fn input_value(&self, scope: Scope, el: &Element, tag: &str, value: &str) -> String {
        if self.masks_input(scope, el, tag) {
            self.call_mask_fn(&self.mask_input_fn, value, Some(el))
                .unwrap_or_else(|| mask_input_value(value))
        } else {
            value.to_string()
        }
    }

    /// Whether a control's value is masked; also remembers password fields.
    pub fn masks_input(&self, scope: Scope, el: &Element, tag: &str) -> bool {
        let kind = if tag == "input" {
            el.unchecked_ref::<HtmlInputElement>()
                .type_()
                .to_ascii_lowercase()
        } else {
            String::new()
        };
        if kind == "password" {
            self.passwords.add(el);
        }
        let autocomplete = el.get_attribute("autocomplete").unwrap_or_default();
        let facts = InputFacts {
            tag,
            kind: &kind,
            autocomplete: &autocomplete,
            ever_password: self.passwords.has(el),
        };
        self.engine.masks_input(scope, &facts)
    }

    /// Notes that an input was a password field (seen in an attribute's old value).
    pub fn remember_password(&self, el: &Element) {
        self.passwords.add(el);
    }

    /// Calls the page's mask function. Anything but a string back (or an exception) falls back
    /// to the built-in masking: a broken callback must not become a leak.
    fn call_mask_fn(
        &self,
        f: &Option<Function>,
        text: &str,
        el: Option<&Element>,
    ) -> Option<String> {
        let f = f.as_ref()?;
        let el = el
            .map(|e| JsValue::from(e.clone()))
            .unwrap_or(JsValue::NULL);
        f.call2(&JsValue::NULL, &JsValue::from_str(text), &el)
            .ok()?
            .as_string()
    }
}
