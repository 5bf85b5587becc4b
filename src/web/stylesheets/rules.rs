//! The rule, replace and declaration hooks: which sheet changed, where, and the event for it.

use super::Shared;
use crate::cssom::{self, idl_index, RulePos, Sheet};
use crate::web::recorder::{now, Session};
use js_sys::{Array, Function, Object};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleDeclaration, CssStyleSheet, StyleSheet};

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    /// Positions of `rule` from its sheet's rule list down through its parent rules; `None`
    /// when it is no longer in a sheet. The search runs in JS: one crossing per lookup.
    fn rule_path(rule: &JsValue) -> Option<Vec<u32>>;
    /// `owner.cssRules[i].cssText` of a sheet or grouping rule.
    fn css_text_at(owner: &JsValue, i: u32) -> Option<String>;
    /// Calls `hook(sheet, text)` once `promise` fulfils; a rejection is left to the page.
    pub fn when_resolved(promise: &JsValue, hook: &Function, sheet: &JsValue, text: &JsValue);
}

/// An index argument as the browser read it (numbers, or numeric strings).
fn index_arg(value: &JsValue) -> Option<u32> {
    let number = value
        .as_f64()
        // A numeric string converts without running page code; Rust's float parser would
        // cost kilobytes of wasm.
        .or_else(|| value.is_string().then(|| value.unchecked_into_f64()))?;
    Some(idl_index(number))
}

impl Shared {
    /// The session and the replay's name for `sheet`, if the replay has that sheet.
    pub(super) fn sheet_of(&self, sheet: &JsValue) -> Option<(Rc<Session>, Sheet)> {
        let session = self.session.upgrade()?;
        if !sheet.is_object() {
            return None;
        }
        let sheet = match sheet.unchecked_ref::<StyleSheet>().owner_node() {
            Some(owner) => Sheet::Node(session.id_of(&owner)?),
            None => {
                let styles = self.styles.try_borrow().ok()?;
                Sheet::Constructed(styles.id_of(sheet.unchecked_ref())?)
            }
        };
        Some((session, sheet))
    }

    /// After `insertRule` (or the legacy `addRule`) on `owner`, a sheet or a grouping rule
    /// of `sheet`. The index is the one the browser used: `insertRule` returns it.
    pub(super) fn rule_added(
        &self,
        sheet: &JsValue,
        owner: &JsValue,
        args: &Array,
        result: &JsValue,
        legacy: bool,
    ) {
        let Some((session, sheet_ref)) = self.sheet_of(sheet) else {
            return;
        };
        let index = if legacy {
            // addRule(selector, block, index = length) returns -1; find where it went.
            match index_arg(&args.get(2)) {
                Some(index) => index,
                None => {
                    let rules = owner.unchecked_ref::<CssStyleSheet>().css_rules();
                    let Ok(rules) = rules else { return };
                    rules.length().saturating_sub(1)
                }
            }
        } else {
            let Some(index) = result.as_f64() else { return };
            idl_index(index)
        };
        // The page's own text, as rrweb records it; anything else is read back as inserted.
        let text = match args.get(0).as_string() {
            Some(text) if !legacy => text,
            _ => match css_text_at(owner, index) {
                Some(text) => text,
                None => return,
            },
        };
        let json = if Object::is(sheet, owner) {
            cssom::rule_added(sheet_ref, &text, RulePos::Top(index), now())
        } else {
            let Some(mut path) = rule_path(owner) else {
                return;
            };
            path.push(index);
            cssom::rule_added(sheet_ref, &text, RulePos::Nested(&path), now())
        };
        session.emit_incremental(json, now());
    }

    /// After `deleteRule` (or the legacy `removeRule`, whose index defaults to 0).
    pub(super) fn rule_removed(
        &self,
        sheet: &JsValue,
        owner: &JsValue,
        args: &Array,
        legacy: bool,
    ) {
        let Some((session, sheet_ref)) = self.sheet_of(sheet) else {
            return;
        };
        let index = match index_arg(&args.get(0)) {
            Some(index) => index,
            None if legacy => 0,
            None => return,
        };
        let json = if Object::is(sheet, owner) {
            cssom::rule_removed(sheet_ref, RulePos::Top(index), now())
        } else {
            let Some(mut path) = rule_path(owner) else {
                return;
            };
            path.push(index);
            cssom::rule_removed(sheet_ref, RulePos::Nested(&path), now())
        };
        session.emit_incremental(json, now());
    }

    /// After `replaceSync`, or once the promise of `replace` fulfilled (the sheet is looked up
    /// then: a snapshot in between gives constructed sheets new ids).
    pub(super) fn replaced(&self, sheet: &JsValue, text: &JsValue, sync: bool) {
        let Some(text) = text.as_string() else { return };
        let Some((session, sheet_ref)) = self.sheet_of(sheet) else {
            return;
        };
        let json = cssom::sheet_replaced(sheet_ref, &text, sync, now());
        session.emit_incremental(json, now());
    }

    /// After `setProperty`/`removeProperty` on a declaration. Only a CSS rule's declaration is
    /// recorded here: an element's inline `style` has no `parentRule`, and its changes reach
    /// the replay as `style` attribute mutations.
    pub(super) fn declaration_changed(&self, this: &JsValue, args: &Array, set: bool) {
        let declaration: &CssStyleDeclaration = this.unchecked_ref();
        let Some(rule) = declaration.parent_rule() else {
            return;
        };
        let Some((session, sheet_ref)) = self.sheet_of(&rule.parent_style_sheet().into()) else {
            return;
        };
        let Some(property) = args.get(0).as_string() else {
            return;
        };
        let Some(path) = rule_path(&rule) else { return };
        let json = if set {
            // Strings as the page passed them (as rrweb records); `null` clears the property;
            // anything else is read back as the browser converted it.
            let value = args.get(1);
            let value = match value.as_string() {
                Some(value) => value,
                None if value.is_null() => String::new(),
                None => declaration
                    .get_property_value(&property)
                    .unwrap_or_default(),
            };
            let priority = args.get(2);
            let priority = match priority.as_string() {
                Some(priority) => Some(priority),
                None if priority.is_undefined() => None,
                None => Some(declaration.get_property_priority(&property)),
            };
            cssom::property_set(
                sheet_ref,
                &path,
                &property,
                &value,
                priority.as_deref(),
                now(),
            )
        } else {
            cssom::property_removed(sheet_ref, &path, &property, now())
        };
        session.emit_incremental(json, now());
    }
}
