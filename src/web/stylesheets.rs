//! Stylesheet changes made through the CSSOM, which no MutationObserver sees: rules inserted or
//! deleted by script (CSS-in-JS libraries in production), `replace`/`replaceSync`, property
//! changes on a rule's declaration, and `adoptedStyleSheets`.
//!
//! Each window realm (the page's and every same-origin iframe's) gets its prototypes patched
//! once; the patches are RAII and undone when the recording stops. A change is recorded only for
//! a sheet the replay has: one whose owner node (`<style>`, `<link>`) has an id, or a constructed
//! sheet already sent with an adoption (it then has a `styleId`). Ids of constructed sheets start
//! at 1 again after every full snapshot, as the Replayer forgets them when it rebuilds, so the
//! adopted sheets of the document and every watched root are sent again after each snapshot.

use super::dom;
use super::patch::Patch;
use super::recorder::{now, Part, Session};
use crate::cssom::{self, idl_index, NewSheet, RulePos, Sheet};
use js_sys::{Array, Function, Object, Reflect, WeakMap, WeakSet};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{CssRule, CssStyleDeclaration, CssStyleSheet, Node, ShadowRoot, StyleSheet};

/// Rule interfaces whose prototypes may define their own `insertRule`/`deleteRule` for nested
/// rules. Chromium defines them once on `CSSGroupingRule`; a patch is only installed where the
/// method is the prototype's own, so nothing is wrapped twice.
const NESTED_RULE_TYPES: [&str; 5] = [
    "CSSGroupingRule",
    "CSSMediaRule",
    "CSSSupportsRule",
    "CSSConditionRule",
    "CSSStyleRule",
];

const DOCUMENT_NODE: u16 = 9;
const DOCUMENT_FRAGMENT_NODE: u16 = 11;

#[wasm_bindgen(inline_js = r#"
export function rule_path(rule) {
  const path = [];
  for (let depth = 0; rule && depth < 256; depth++) {
    const parent = rule.parentRule;
    const owner = parent || rule.parentStyleSheet;
    const list = owner && owner.cssRules;
    if (!list) return null;
    let i = 0;
    while (i < list.length && list[i] !== rule) i++;
    if (i === list.length) return null;
    path.unshift(i);
    if (!parent) return path;
    rule = parent;
  }
  return null;
}
export function css_text_at(owner, i) {
  const rule = owner.cssRules[i];
  return rule ? rule.cssText : undefined;
}
export function when_resolved(promise, hook, sheet, text) {
  try {
    promise.then(() => { try { hook(sheet, text); } catch (_) {} }, () => {});
  } catch (_) {}
}
"#)]
extern "C" {
    /// Positions of `rule` from its sheet's rule list down through its parent rules; `None`
    /// when it is no longer in a sheet. The search runs in JS: one crossing per lookup.
    fn rule_path(rule: &JsValue) -> Option<Vec<u32>>;
    /// `owner.cssRules[i].cssText` of a sheet or grouping rule.
    fn css_text_at(owner: &JsValue, i: u32) -> Option<String>;
    /// Calls `hook(sheet, text)` once `promise` fulfils; a rejection is left to the page.
    fn when_resolved(promise: &JsValue, hook: &Function, sheet: &JsValue, text: &JsValue);
}

pub fn start(session: &Rc<Session>) -> Rc<dyn Part> {
    let shared = Rc::new(Shared {
        session: Rc::downgrade(session),
        styles: RefCell::new(StyleMirror::default()),
        watched: RefCell::new(WeakSet::new()),
        pending: RefCell::new(None),
    });
    let part = StyleSheets {
        shared,
        realms: RefCell::new(Vec::new()),
    };
    part.patch_realm(&session.window);
    Rc::new(part)
}

struct StyleSheets {
    shared: Rc<Shared>,
    realms: RefCell<Vec<Realm>>,
}

/// The patches of one window's prototypes, known by its `CSSStyleSheet.prototype`.
struct Realm {
    sheet_proto: Object,
    /// Dropped before `_on_replaced`: no patched `replace` is left to call it.
    _patches: Vec<Patch>,
    _on_replaced: Closure<dyn FnMut(JsValue, JsValue)>,
}

/// What the patch hooks share with the part.
struct Shared {
    session: Weak<Session>,
    styles: RefCell<StyleMirror>,
    /// Shadow roots and iframe documents reported since the last snapshot began; the main
    /// document is always watched. Weak, so removed roots are not kept alive.
    watched: RefCell<WeakSet>,
    /// Roots reported while a full snapshot is being taken; their sheets follow the snapshot.
    pending: RefCell<Option<Vec<Node>>>,
}

/// Constructed sheet → `styleId`, as rrweb's StyleSheetMirror: ids from 1, weakly held.
struct StyleMirror {
    ids: WeakMap,
    next_id: u32,
}

impl Default for StyleMirror {
    fn default() -> Self {
        StyleMirror {
            ids: WeakMap::new(),
            next_id: 1,
        }
    }
}

impl StyleMirror {
    fn id_of(&self, sheet: &Object) -> Option<u32> {
        self.ids.get(sheet).as_f64().map(|id| id as u32)
    }

    /// The sheet's id, and whether it was just given one (the replay has not seen it yet).
    fn id_or_assign(&mut self, sheet: &Object) -> (u32, bool) {
        if let Some(id) = self.id_of(sheet) {
            return (id, false);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.ids.set(sheet, &JsValue::from(id));
        (id, true)
    }
}

/// Why adopted sheets are being sent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Adoption {
    /// The page assigned `adoptedStyleSheets`: sent even when empty, so the replay drops the
    /// sheets it had (rrweb sends nothing then and the replay keeps stale sheets).
    Assigned,
    /// A root was found after the snapshot (a new shadow root or iframe document).
    Found,
    /// Completing a full snapshot, which carries no adopted sheets.
    Snapshot,
}

impl StyleSheets {
    /// Patches the prototypes of `window`'s realm unless this part already did.
    fn patch_realm(&self, window: &JsValue) {
        let Some(sheet_proto) = prototype(window, "CSSStyleSheet") else {
            return;
        };
        if self
            .realms
            .borrow()
            .iter()
            .any(|r| Object::is(&r.sheet_proto, &sheet_proto))
        {
            return;
        }
        let mut patches = Vec::new();
        let shared = &self.shared;
        let on_replaced = {
            let shared = shared.clone();
            Closure::<dyn FnMut(JsValue, JsValue)>::new(move |sheet: JsValue, text: JsValue| {
                shared.replaced(&sheet, &text, false)
            })
        };
        let replaced_hook: Function = on_replaced.as_ref().clone().unchecked_into();

        let mut method = |proto: &Object, name: &str, hook: Hook| {
            let shared = shared.clone();
            let replaced_hook = replaced_hook.clone();
            let patch = Patch::method(proto, name, move |this, args, result| match hook {
                Hook::SheetInsert => shared.rule_added(&this, &this, &args, &result, false),
                Hook::SheetDelete => shared.rule_removed(&this, &this, &args, false),
                Hook::SheetAddRule => shared.rule_added(&this, &this, &args, &result, true),
                Hook::NestedInsert => {
                    let sheet = this.unchecked_ref::<CssRule>().parent_style_sheet();
                    shared.rule_added(&sheet.into(), &this, &args, &result, false)
                }
                Hook::NestedDelete => {
                    let sheet = this.unchecked_ref::<CssRule>().parent_style_sheet();
                    shared.rule_removed(&sheet.into(), &this, &args, false)
                }
                Hook::SheetRemoveRule => shared.rule_removed(&this, &this, &args, true),
                Hook::Replace => when_resolved(&result, &replaced_hook, &this, &args.get(0)),
                Hook::ReplaceSync => shared.replaced(&this, &args.get(0), true),
                Hook::SetProperty => shared.declaration_changed(&this, &args, true),
                Hook::RemoveProperty => shared.declaration_changed(&this, &args, false),
            });
            patches.extend(patch);
        };
        for (name, hook) in [
            ("insertRule", Hook::SheetInsert),
            ("deleteRule", Hook::SheetDelete),
            ("addRule", Hook::SheetAddRule),
            ("removeRule", Hook::SheetRemoveRule),
            ("replace", Hook::Replace),
            ("replaceSync", Hook::ReplaceSync),
        ] {
            method(&sheet_proto, name, hook);
        }
        for ty in NESTED_RULE_TYPES {
            if let Some(proto) = prototype(window, ty) {
                method(&proto, "insertRule", Hook::NestedInsert);
                method(&proto, "deleteRule", Hook::NestedDelete);
            }
        }
        if let Some(proto) = prototype(window, "CSSStyleDeclaration") {
            method(&proto, "setProperty", Hook::SetProperty);
            method(&proto, "removeProperty", Hook::RemoveProperty);
        }
        for ty in ["Document", "ShadowRoot"] {
            if let Some(proto) = prototype(window, ty) {
                let shared = shared.clone();
                let patch = Patch::setter(&proto, "adoptedStyleSheets", move |this, _| {
                    if let Some(session) = shared.session.upgrade() {
                        if shared.is_watched(&session, &this) {
                            shared.send_adopted(&session, this.unchecked_ref(), Adoption::Assigned);
                        }
                    }
                });
                patches.extend(patch);
            }
        }
        self.realms.borrow_mut().push(Realm {
            sheet_proto,
            _patches: patches,
            _on_replaced: on_replaced,
        });
    }
}

#[derive(Clone, Copy)]
enum Hook {
    SheetInsert,
    SheetDelete,
    SheetAddRule,
    SheetRemoveRule,
    NestedInsert,
    NestedDelete,
    Replace,
    ReplaceSync,
    SetProperty,
    RemoveProperty,
}

/// `window[name].prototype`, if the realm has that interface.
fn prototype(window: &JsValue, name: &str) -> Option<Object> {
    let ctor = Reflect::get(window, &JsValue::from_str(name)).ok()?;
    if !ctor.is_function() {
        return None;
    }
    let proto = Reflect::get(&ctor, &JsValue::from_str("prototype")).ok()?;
    proto.is_object().then(|| proto.unchecked_into())
}

/// An index argument as the browser read it (numbers, or numeric strings).
fn index_arg(value: &JsValue) -> Option<u32> {
    let number = value
        .as_f64()
        .or_else(|| value.as_string().and_then(|s| s.trim().parse().ok()))?;
    Some(idl_index(number))
}

impl Shared {
    /// The session and the replay's name for `sheet`, if the replay has that sheet.
    fn sheet_of(&self, sheet: &JsValue) -> Option<(Rc<Session>, Sheet)> {
        let session = self.session.upgrade()?;
        if !sheet.is_object() {
            return None;
        }
        let sheet = match sheet.unchecked_ref::<StyleSheet>().owner_node() {
            Some(owner) => Sheet::Node(session.id_of(&owner)?),
            None => Sheet::Constructed(self.styles.borrow().id_of(sheet.unchecked_ref())?),
        };
        Some((session, sheet))
    }

    /// After `insertRule` (or the legacy `addRule`) on `owner`, a sheet or a grouping rule
    /// of `sheet`. The index is the one the browser used: `insertRule` returns it.
    fn rule_added(
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
        session.emit_incremental(&json, now());
    }

    /// After `deleteRule` (or the legacy `removeRule`, whose index defaults to 0).
    fn rule_removed(&self, sheet: &JsValue, owner: &JsValue, args: &Array, legacy: bool) {
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
        session.emit_incremental(&json, now());
    }

    /// After `replaceSync`, or once the promise of `replace` fulfilled (the sheet is looked up
    /// then: a snapshot in between gives constructed sheets new ids).
    fn replaced(&self, sheet: &JsValue, text: &JsValue, sync: bool) {
        let Some(text) = text.as_string() else { return };
        let Some((session, sheet_ref)) = self.sheet_of(sheet) else {
            return;
        };
        let json = cssom::sheet_replaced(sheet_ref, &text, sync, now());
        session.emit_incremental(&json, now());
    }

    /// After `setProperty`/`removeProperty` on a declaration. Only a CSS rule's declaration is
    /// recorded here: an element's inline `style` has no `parentRule`, and its changes reach
    /// the replay as `style` attribute mutations.
    fn declaration_changed(&self, this: &JsValue, args: &Array, set: bool) {
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
        session.emit_incremental(&json, now());
    }

    /// Whether `root` is the recorded document or a root reported by the snapshot/mutations.
    fn is_watched(&self, session: &Session, root: &JsValue) -> bool {
        root.is_object()
            && (Object::is(root, &session.document)
                || self.watched.borrow().has(root.unchecked_ref()))
    }

    /// Sends `root.adoptedStyleSheets` for a document or open shadow root, with the rules of
    /// every sheet the replay has not seen yet.
    fn send_adopted(&self, session: &Session, root: &Node, why: Adoption) {
        let host_id = match dom::node_type(root) {
            DOCUMENT_NODE => session.id_of(root),
            DOCUMENT_FRAGMENT_NODE => session.id_of(&root.unchecked_ref::<ShadowRoot>().host()),
            _ => None,
        };
        let Some(host_id) = host_id else { return };
        let Ok(sheets) = Reflect::get(root, &JsValue::from_str("adoptedStyleSheets")) else {
            return;
        };
        if !Array::is_array(&sheets) {
            return;
        }
        let sheets: Array = sheets.unchecked_into();
        if sheets.length() == 0 && why != Adoption::Assigned {
            return;
        }
        let mut style_ids = Vec::with_capacity(sheets.length() as usize);
        let mut new_sheets = Vec::new();
        for sheet in sheets.iter() {
            if !sheet.is_object() {
                continue;
            }
            let sheet: Object = sheet.unchecked_into();
            let (style_id, is_new) = self.styles.borrow_mut().id_or_assign(&sheet);
            style_ids.push(style_id);
            if is_new {
                new_sheets.push(NewSheet {
                    style_id,
                    rules: rules_of(sheet.unchecked_ref()),
                });
            }
        }
        let json = cssom::sheets_adopted(host_id, &style_ids, &new_sheets, now());
        match why {
            Adoption::Snapshot => session.emit_snapshot_extra(&json),
            Adoption::Assigned | Adoption::Found => session.emit_incremental(&json, now()),
        }
    }
}

/// Each rule's text, as rrweb sends a constructed sheet (no `url(...)` rewriting: such a sheet
/// has no `href` of its own).
fn rules_of(sheet: &CssStyleSheet) -> Vec<String> {
    let Ok(rules) = sheet.css_rules() else {
        return Vec::new();
    };
    (0..rules.length())
        .filter_map(|i| rules.item(i))
        .map(|rule| rule.css_text())
        .collect()
}

impl Part for StyleSheets {
    fn before_snapshot(&self, _session: &Session) {
        *self.shared.styles.borrow_mut() = StyleMirror::default();
        *self.shared.watched.borrow_mut() = WeakSet::new();
        *self.shared.pending.borrow_mut() = Some(Vec::new());
    }

    fn after_snapshot(&self, session: &Session) {
        let roots = self.shared.pending.borrow_mut().take().unwrap_or_default();
        let document: &Node = session.document.as_ref();
        self.shared
            .send_adopted(session, document, Adoption::Snapshot);
        for root in &roots {
            self.shared.send_adopted(session, root, Adoption::Snapshot);
        }
    }

    fn watch_root(&self, session: &Session, root: &Node) {
        self.shared.watched.borrow().add(root);
        if dom::node_type(root) == DOCUMENT_NODE {
            let document: &web_sys::Document = root.unchecked_ref();
            if let Some(window) = document.default_view() {
                self.patch_realm(&window);
            }
        }
        let mut pending = self.shared.pending.borrow_mut();
        match pending.as_mut() {
            Some(roots) => roots.push(root.clone()),
            None => {
                drop(pending);
                self.shared.send_adopted(session, root, Adoption::Found);
            }
        }
    }
}
