//! CSS text of a stylesheet, read from the CSSOM (so rules inserted by script are included).

use crate::url;
use wasm_bindgen::JsCast;
use web_sys::{CssImportRule, CssRule, CssStyleSheet, StyleSheet};

/// How deep `@import`ed sheets are inlined; browsers refuse cycles, this bounds the rest.
const MAX_IMPORT_DEPTH: u32 = 8;

/// The sheet's rules as one CSS string with every relative `url(...)` made absolute against the
/// sheet's own URL (or `fallback_base` for inline sheets). `None` when the rules cannot be read
/// (a cross-origin sheet without CORS): the caller then keeps the original `<link>`.
pub fn css_text(sheet: &StyleSheet, fallback_base: &str) -> Option<String> {
    // Not `dyn_ref`: a sheet of an iframe's document is no `instanceof` this window's class.
    let sheet: &CssStyleSheet = sheet.unchecked_ref();
    let mut out = String::new();
    append_sheet(sheet, fallback_base, &mut out, 0).then_some(out)
}

fn append_sheet(sheet: &CssStyleSheet, fallback_base: &str, out: &mut String, depth: u32) -> bool {
    let Ok(rules) = sheet.css_rules() else {
        return false;
    };
    let href = sheet.href().ok().flatten();
    let base = href.as_deref().unwrap_or(fallback_base);
    for i in 0..rules.length() {
        let Some(rule) = rules.item(i) else { continue };
        if rule.type_() == CssRule::IMPORT_RULE {
            let import: &CssImportRule = rule.unchecked_ref();
            if depth < MAX_IMPORT_DEPTH {
                if let Some(inner) = import.style_sheet() {
                    let start = out.len();
                    if append_sheet(&inner, base, out, depth + 1) {
                        continue;
                    }
                    out.truncate(start);
                }
            }
        }
        out.push_str(&url::resolve_css_urls(base, &rule.css_text()));
    }
    true
}
