//! Values of inputs, textareas and selects, whether the user or a script changed them.
//!
//! Every text goes through the privacy engine (`Session::inputs().record_value`) before it
//! is written; there is no other path from a control's value to an event.

use super::hub::Hub;
use super::{is_element, prototype_of, upper_tag};
use crate::config::InputSampling;
use crate::interaction::events::input_event;
use crate::web::patch::Patch;
use crate::web::recorder::{now, Session};
use js_sys::WeakMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, Node, NodeList};

#[wasm_bindgen]
extern "C" {
    /// A Document, ShadowRoot or Element: whatever `getRootNode()` returned.
    type ParentNode;
    #[wasm_bindgen(method, catch, js_name = querySelectorAll)]
    fn query_selector_all(this: &ParentNode, selectors: &str) -> Result<NodeList, JsValue>;
}

/// Setters whose use by a script changes what a control shows, as rrweb hooks them (and
/// `option.selected`, which rrweb hooks but then ignores).
const HOOKED_SETTERS: [(&str, &str); 6] = [
    ("HTMLInputElement", "value"),
    ("HTMLInputElement", "checked"),
    ("HTMLTextAreaElement", "value"),
    ("HTMLSelectElement", "value"),
    ("HTMLSelectElement", "selectedIndex"),
    ("HTMLOptionElement", "selected"),
];

pub struct Inputs {
    /// Control → the last (isChecked, text) sent for it, as one string: an unchanged state
    /// is not sent again (rrweb's `lastInputValueMap`). Weak, so removed controls go.
    last_sent: WeakMap,
    /// `input` and `change`, or only `change` for `sampling.input: "last"`.
    pub events: &'static [&'static str],
}

/// Hooks the value setters of `window`'s form control prototypes.
pub fn patch(hub: &Rc<Hub>, window: &JsValue) -> Vec<Patch> {
    HOOKED_SETTERS
        .iter()
        .filter_map(|&(class, property)| {
            let proto = prototype_of(window, class)?;
            let hub = Rc::clone(hub);
            Patch::setter(&proto, property, move |this, _| {
                if let Some(session) = hub.session.upgrade() {
                    hub.inputs.record(&session, this.unchecked_ref());
                }
            })
        })
        .collect()
}

impl Inputs {
    pub fn new(sampling: InputSampling) -> Inputs {
        let events: &'static [&'static str] = match sampling {
            InputSampling::All => &["input", "change"],
            InputSampling::Last => &["change"],
        };
        Inputs {
            last_sent: WeakMap::new(),
            events,
        }
    }

    /// Records the state of the control `node` (or of the select owning an option).
    pub fn record(&self, session: &Session, node: &Node) {
        if !is_element(node) {
            return;
        }
        let mut tag = upper_tag(node);
        let owner;
        let mut node = node;
        if tag == "OPTION" {
            let Some(select) = owning_select(node) else {
                return;
            };
            owner = select;
            node = &owner;
            tag = "SELECT".into();
        }
        let (kind, value, checked) = match tag.as_str() {
            "INPUT" => {
                let input: &HtmlInputElement = node.unchecked_ref();
                let kind = input.type_();
                let checkable = kind == "radio" || kind == "checkbox";
                let checked = checkable && input.checked();
                (kind, input.value(), checked)
            }
            "TEXTAREA" => {
                let value = node.unchecked_ref::<HtmlTextAreaElement>().value();
                ("textarea".to_string(), value, false)
            }
            "SELECT" => {
                let value = node.unchecked_ref::<HtmlSelectElement>().value();
                ("select".to_string(), value, false)
            }
            _ => return,
        };
        // The privacy engine decides, as for the snapshot and mutations: nothing for an ignored
        // or blocked control, the value masked unless the rules allow it.
        let privacy = session.privacy();
        let el: &Element = node.unchecked_ref();
        let scope = privacy.scope_of(el);
        if scope.ignored || scope.blocked {
            return;
        }
        let text = privacy.input_value(scope, el, &tag.to_ascii_lowercase(), &value);
        self.send(session, node, &text, checked);
        if kind == "radio" && checked {
            self.uncheck_group(session, node.unchecked_ref());
        }
    }

    /// Checking a radio silently unchecks the others of its group (same name, same form
    /// owner, same tree): each gets its own event, as in rrweb.
    fn uncheck_group(&self, session: &Session, radio: &HtmlInputElement) {
        let name = radio.name();
        if name.is_empty() {
            return;
        }
        let root = radio.get_root_node();
        let Ok(list) = root
            .unchecked_ref::<ParentNode>()
            .query_selector_all("input[type=radio]")
        else {
            return;
        };
        let form = radio.form();
        for index in 0..list.length() {
            let Some(other) = list.item(index) else {
                continue;
            };
            if &other == AsRef::<Node>::as_ref(radio) {
                continue;
            }
            let other: &HtmlInputElement = other.unchecked_ref();
            if other.name() != name || other.form() != form {
                continue;
            }
            let privacy = session.privacy();
            let scope = privacy.scope_of(other);
            if scope.ignored || scope.blocked {
                continue;
            }
            let text = privacy.input_value(scope, other, "input", &other.value());
            self.send(session, other, &text, false);
        }
    }

    /// Emits `{text, isChecked}` for `node` unless it is what was last sent for it.
    fn send(&self, session: &Session, node: &Node, text: &str, checked: bool) {
        let Some(id) = session.id_of(node) else {
            return;
        };
        let state = JsValue::from_str(&[if checked { "1" } else { "0" }, text].concat());
        if self.last_sent.get(node) == state {
            return;
        }
        self.last_sent.set(node.unchecked_ref(), &state);
        let now = now();
        session.emit_incremental(input_event(id, text, checked, now), now);
    }
}

/// The `<select>` an `<option>` belongs to (directly or through an `<optgroup>`).
fn owning_select(option: &Node) -> Option<Node> {
    let mut parent: Node = option.parent_element()?.into();
    if upper_tag(&parent) == "OPTGROUP" {
        parent = parent.parent_element()?.into();
    }
    (upper_tag(&parent) == "SELECT").then_some(parent)
}
