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

mod adopted;
mod rules;

use super::dom;
use super::patch::Patch;
use super::recorder::{Part, Session};
use adopted::{Adoption, StyleMirror, DOCUMENT_NODE};
use js_sys::{Function, Object, Reflect, WeakSet};
use rules::when_resolved;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use web_sys::{CssRule, Node};

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
        if let Ok(watched) = self.shared.watched.try_borrow() {
            watched.add(root);
        }
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
