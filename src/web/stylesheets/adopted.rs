//! Adopted stylesheets and the style-sheet mirror that names constructed sheets.

use super::Shared;
use crate::cssom::{self, NewSheet};
use crate::web::dom;
use crate::web::recorder::{now, Session};
use js_sys::{Array, Object, Reflect, WeakMap};
use wasm_bindgen::prelude::*;
use web_sys::{CssStyleSheet, Node, ShadowRoot};

pub(super) const DOCUMENT_NODE: u16 = 9;
const DOCUMENT_FRAGMENT_NODE: u16 = 11;

/// Constructed sheet → `styleId`, as rrweb's StyleSheetMirror: ids from 1, weakly held.
pub(super) struct StyleMirror {
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
    pub(super) fn id_of(&self, sheet: &Object) -> Option<u32> {
        self.ids.get(sheet).as_f64().map(|id| id as u32)
    }

    /// The sheet's id, and whether it was just given one (the replay has not seen it yet).
    pub(super) fn id_or_assign(&mut self, sheet: &Object) -> (u32, bool) {
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
pub(super) enum Adoption {
    /// The page assigned `adoptedStyleSheets`: sent even when empty, so the replay drops the
    /// sheets it had (rrweb sends nothing then and the replay keeps stale sheets).
    Assigned,
    /// A root was found after the snapshot (a new shadow root or iframe document).
    Found,
    /// Completing a full snapshot, which carries no adopted sheets.
    Snapshot,
}

impl Shared {
    /// Whether `root` is the recorded document or a root reported by the snapshot/mutations.
    pub(super) fn is_watched(&self, session: &Session, root: &JsValue) -> bool {
        root.is_object()
            && (Object::is(root, &session.document)
                || self
                    .watched
                    .try_borrow()
                    .is_ok_and(|w| w.has(root.unchecked_ref())))
    }

    /// Sends `root.adoptedStyleSheets` for a document or open shadow root, with the rules of
    /// every sheet the replay has not seen yet.
    pub(super) fn send_adopted(&self, session: &Session, root: &Node, why: Adoption) {
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
            // `try_`: WeakMap methods are the page's to replace, and could call back in here.
            let Ok(mut styles) = self.styles.try_borrow_mut() else {
                return;
            };
            let (style_id, is_new) = styles.id_or_assign(&sheet);
            drop(styles);
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
            Adoption::Snapshot => session.emit_snapshot_extra(json),
            Adoption::Assigned | Adoption::Found => session.emit_incremental(json, now()),
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
